"""Publishes events for one user on ballast:events at a fixed rate, as signal-processor's outbox relay would,
speaking RESP to Redis directly (pipelined XADDs every 10 ms).

    publish_events.py PORT USER_ID RATE SECONDS
Prints `published N` and `publish_seconds S`.
"""

import socket
import sys
import time
import uuid
from datetime import datetime, timezone


def command(*parts):
    out = [f"*{len(parts)}\r\n".encode()]
    for part in parts:
        data = part.encode()
        out.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
    return b"".join(out)


def main():
    port, user, rate, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    connection = socket.create_connection(("127.0.0.1", port))
    reader = connection.makefile("rb")
    total = int(rate * seconds)
    started = time.monotonic()
    sent = 0
    while sent < total:
        due = min(total, int((time.monotonic() - started) * rate) + 1)
        batch = []
        while sent < due:
            now = datetime.now(timezone.utc)
            stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
            event_id = str(uuid.uuid4())
            data = (
                f'{{"data":{{"id":"{uuid.uuid4()}","symbol":"BTC-USD","side":"buy","price":"64012.5",'
                f'"quantity":"0.015","status":"filled"}},"event":"order.filled","timestamp":"{stamp}","userId":"{user}"}}'
            )
            batch.append(command("XADD", "ballast:events", "*", "id", event_id, "type", "order.filled", "v", "1", "ts", stamp, "data", data))
            sent += 1
        if batch:
            connection.sendall(b"".join(batch))
            for _ in batch:
                reader.readline()
        time.sleep(0.01)
    print(f"published {sent}")
    print(f"publish_seconds {time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
