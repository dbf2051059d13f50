"""Verify one received webhook with the Standard Webhooks reference library (PyPI
`standardwebhooks`, pinned in requirements-dev.txt), independently of ferrotype's signing.

    .venv/bin/python integration/webhooks/verify.py SECRET WEBHOOK_ID TIMESTAMP SIGNATURE < body

Prints the verified payload as JSON and exits 0, or prints the library's error on stderr and
exits 3. The integration tests and the end-to-end checks both call it.
"""

import json
import sys

from standardwebhooks.webhooks import Webhook


def main() -> int:
    secret, webhook_id, timestamp, signature = sys.argv[1:5]
    body = sys.stdin.read()
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
    }
    try:
        payload = Webhook(secret).verify(body, headers)
    except Exception as err:  # the library raises its own WebhookVerificationError
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        return 3
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
