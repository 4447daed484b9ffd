"""Handlers of examples/http-api: what an HTTP API hands a function and what it does with the answer."""
import base64
import json

ITEMS = {"1": {"id": "1", "name": "apple"}, "2": {"id": "2", "name": "pear"}}


def items(event, context):
    """GET /items, POST /items, GET /items/{id} (payload format 2.0)."""
    method = event["requestContext"]["http"]["method"]
    if method == "POST":
        item = json.loads(event.get("body") or "{}")
        return {
            "statusCode": 201,
            "headers": {"content-type": "application/json", "x-request-id": context.aws_request_id},
            "cookies": ["last-item=" + str(item.get("name", "")) + "; Path=/"],
            "body": json.dumps(item),
        }
    item_id = (event.get("pathParameters") or {}).get("id")
    if item_id is None:
        # No statusCode: API Gateway infers 200, application/json, and this value as the body.
        return sorted(ITEMS.values(), key=lambda item: item["id"])
    if item_id not in ITEMS:
        return {"statusCode": 404, "headers": {"content-type": "application/json"},
                "body": json.dumps({"message": "no item " + item_id})}
    return ITEMS[item_id]


def files(event, context):
    """GET /files/{proxy+}: a binary answer, base64 in the result and bytes to the client."""
    name = event["pathParameters"]["proxy"]
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/octet-stream"},
        "isBase64Encoded": True,
        "body": base64.b64encode(("file " + name).encode() + b"\x00\xff").decode(),
    }


def legacy(event, context):
    """GET /legacy with payload format 1.0: the REST-shaped event, statusCode required."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"version": event["version"], "resource": event["resource"],
                                "path": event["path"]})}


def fallback(event, context):
    """GET /{proxy+}: every GET no other route takes."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"routeKey": event["routeKey"], "rawPath": event["rawPath"],
                                "cookies": event.get("cookies", [])})}
