"""Handlers of tests/templates/http-apis.yaml: each answers with what it was given, or with a
response shaped to test one mapping rule."""
import base64
import json


def event(event, context):
    """The event itself, as the body of a 2.0 response without statusCode (AWS infers 200)."""
    return event


def rest_event(event, context):
    """The event as the body of a REST / payload 1.0 proxy response."""
    return {"statusCode": 200, "headers": {"content-type": "application/json",
                                           "access-control-allow-origin": "https://from.function"},
            "body": json.dumps(event)}


def png(event, context):
    """Eight PNG signature bytes, base64 with isBase64Encoded."""
    return {"statusCode": 200, "headers": {"content-type": "image/png"}, "isBase64Encoded": True,
            "body": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()}


def text(event, context):
    """A bare string: AWS infers a 200 application/json response with the string as its body."""
    return "plain words"


def boom(event, context):
    raise RuntimeError("boom")


def slow(event, context):
    """Sleeps past its route's TimeoutInMillis (its own Timeout is longer)."""
    import time
    time.sleep(3)
    return {"statusCode": 200, "body": "too late"}
