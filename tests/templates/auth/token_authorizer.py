# A TOKEN authorizer (tests/templates/authorizers.yaml): "Bearer allow-<user>" is allowed on every
# method of the API, "Bearer deny-<user>" explicitly denied, "Bearer elsewhere" allowed only on
# GET /open, "Bearer unauthorized" refused with 401, "Bearer broken" answers without a policy,
# "Bearer crash" raises.
import json

def policy(principal, effect, resource, context=None):
    answer = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }
    if context is not None:
        answer["context"] = context
    return answer

def handler(event, context):
    print("token authorizer called: " + json.dumps(event, sort_keys=True))
    token = event["authorizationToken"].removeprefix("Bearer ")
    arn = event["methodArn"]
    api = arn.split("/")[0]  # arn:aws:execute-api:region:account:api-id
    if token.startswith("allow-"):
        return policy(token[6:], "Allow", api + "/*", {"user": token[6:], "tier": 3, "admin": True})
    if token.startswith("deny-"):
        return policy(token[5:], "Deny", api + "/*/GET/*")
    if token == "elsewhere":
        return policy("elsewhere", "Allow", api + "/*/GET/open")
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "broken":
        return {"principalId": "broken"}
    raise ValueError("no such token: " + token)
