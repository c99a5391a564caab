"""The seed's pipeline as a model, for comparison: a signal waits for three workers in a row (signal
processor, order creator, paper executor), each polling every 30 s at its own random phase. Reads the
`arrival <t>` lines of post_signals.py on stdin (the real arrival times of this run) and prints the
latency percentiles that chain would have given them.
"""
import random
import sys

POLL = 30.0
rng = random.Random(30)
phases = [rng.uniform(0, POLL) for _ in range(3)]
latencies = []
for line in sys.stdin:
    if not line.startswith("arrival "):
        continue
    arrival = float(line.split()[1])
    t = arrival
    for phase in phases:
        # The next tick of this worker after t.
        ticks = (t - phase) // POLL + 1
        t = phase + ticks * POLL
    latencies.append((t - arrival) * 1000)
latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else 0


print(f"polling_model_p50_ms {percentile(50):.0f}")
print(f"polling_model_p95_ms {percentile(95):.0f}")
print(f"polling_model_p99_ms {percentile(99):.0f}")
