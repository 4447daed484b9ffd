"""oleoleole: answers with a greeting, the version and where the request came from."""
import json
import os

import requests


def caller_location(event):
    # As the original: ask a check-IP service on every call (CHECKIP_URL), failing the invocation
    # when it cannot answer. Without CHECKIP_URL (offline, as in the emulator's tests), the
    # caller's address from the API Gateway event.
    url = os.environ.get("CHECKIP_URL")
    if url:
        return requests.get(url, timeout=2).text.strip()
    return event.get("requestContext", {}).get("identity", {}).get("sourceIp", "unknown")


def lambda_handler(event, context):
    body = {
        "message": "Feelin' hot hot hot!",
        "version": os.environ.get("APP_VERSION", ""),
        "location": caller_location(event),
    }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
