# Answers with what API Gateway's authorizer gave the request (requestContext.authorizer).
import json

def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"authorizer": event["requestContext"].get("authorizer"),
                            "path": event["path"]}),
    }
