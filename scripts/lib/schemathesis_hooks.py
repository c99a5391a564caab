"""Schemathesis hooks for scripts/check-api.

Webhook bodies get the source's secret (unless the generated body already has a `secret`), so
the fuzzing reaches the signal parser behind the authentication check instead of stopping at 401.
"""

import os

import schemathesis

SECRET = os.environ["BALLAST_WEBHOOK_SECRET"]


@schemathesis.hook
def map_body(context, body):
    operation = getattr(context, "operation", None)
    path = getattr(operation, "path", "") or ""
    if path.startswith("/webhook") and isinstance(body, dict) and "secret" not in body:
        return {**body, "secret": SECRET}
    return body
