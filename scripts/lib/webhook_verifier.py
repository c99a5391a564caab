"""A webhook receiver for scripts/check-webhook-signatures that verifies each delivery with the official
Standard Webhooks library (`standardwebhooks` on PyPI), not with anything of Ballast's.

    webhook_verifier.py SECRETS_FILE RECORD_FILE PORT_FILE

Listens on a free port of 127.0.0.1 (written to PORT_FILE once listening) and answers every POST with 200.
SECRETS_FILE is a JSON object {label: "whsec_..."}, read again for each request so that the caller can change
it between deliveries. Each request appends one JSON line to RECORD_FILE:

    {"webhook_id": ..., "event": <X-Webhook-Event>, "signature": <webhook-signature>, "body": <body as text>,
     "verified": {label: "ok" | <the library's error>},
     "tampered": {label: "ok" | <error>}}          the same body with one byte changed, same headers
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

from standardwebhooks import Webhook, WebhookVerificationError

SECRETS_FILE, RECORD_FILE, PORT_FILE = sys.argv[1:4]
WRITE_LOCK = Lock()


def verify(secret: str, body: bytes, headers: dict) -> str:
    try:
        Webhook(secret).verify(body, headers)
        return "ok"
    except WebhookVerificationError as error:
        return f"WebhookVerificationError: {error}"
    except Exception as error:  # a malformed body or header is a failure to report, not a crash
        return f"{type(error).__name__}: {error}"


def tamper(body: bytes) -> bytes:
    """The body with its first digit changed (or, without digits, one byte appended): what an attacker
    changing an amount would send."""
    for index, byte in enumerate(body):
        if 0x30 <= byte <= 0x39:
            return body[:index] + bytes([0x30 + (byte - 0x30 + 1) % 10]) + body[index + 1 :]
    return body + b" "


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = dict(self.headers.items())
        with open(SECRETS_FILE, encoding="utf-8") as file:
            secrets = json.load(file)
        record = {
            "webhook_id": self.headers.get("webhook-id"),
            "event": self.headers.get("X-Webhook-Event"),
            "signature": self.headers.get("webhook-signature"),
            "body": body.decode("utf-8", errors="replace"),
            "verified": {label: verify(secret, body, headers) for label, secret in secrets.items()},
            "tampered": {label: verify(secret, tamper(body), headers) for label, secret in secrets.items()},
        }
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with WRITE_LOCK, open(RECORD_FILE, "a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")

    def log_message(self, format, *args):  # noqa: A002 - the signature http.server calls
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(PORT_FILE + ".tmp", "w", encoding="utf-8") as file:
        file.write(f"{server.server_address[1]}\n")
    os.replace(PORT_FILE + ".tmp", PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
