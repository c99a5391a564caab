"""Posts TradingView-style signals to ingest at a fixed rate and reports what was accepted.

Usage: post_signals.py URL SECRET RATE SECONDS SYMBOL
Each signal is a small market buy or sell with the webhook secret in the body (as TradingView sends it).
Requests go out on a fixed schedule (not as fast as answers come back), over keep-alive connections,
from a few threads. Prints `sent N`, `accepted N`, `failed N` and writes the accept times (epoch seconds)
to stdout as `arrival <t>` lines, which the baseline model uses.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, secret, rate, seconds, symbol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
parsed = urllib.parse.urlparse(url)
total = int(rate * seconds)
threads = 8
start = time.time() + 0.5
lock = threading.Lock()
accepted, failed, arrivals = [0], [0], []
outcomes = {}


def worker(index):
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    for n in range(index, total, threads):
        due = start + n / rate
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        body = json.dumps({
            "symbol": symbol, "action": "buy" if n % 2 == 0 else "sell", "quantity": "0.001",
            "id": f"bench-{start}-{n}", "secret": secret,
        })
        try:
            connection.request("POST", parsed.path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 201
            outcome = f"http_{response.status}"
        except Exception as error:
            connection.close()
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
            ok = False
            outcome = type(error).__name__
        with lock:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if ok:
                accepted[0] += 1
                arrivals.append(time.time())
            else:
                failed[0] += 1


workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join()
print(f"sent {total}")
print(f"accepted {accepted[0]}")
print(f"failed {failed[0]}")
for outcome, count in sorted(outcomes.items()):
    print(f"answers_{outcome} {count}")
for arrival in arrivals:
    print(f"arrival {arrival:.6f}")
