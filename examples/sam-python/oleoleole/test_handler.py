"""The CodeDeploy lifecycle hooks of OleOleOleFunction, written with boto3 as the original.

Pre-traffic: invokes the version being deployed (CurrentFunctionVersion) and checks that it answers
statusCode 200 with the version this deployment brings (APP_VERSION). Post-traffic: reports what
POST_TRAFFIC_RESULT says (Succeeded by default; Failed demonstrates a rollback). Both report
through CodeDeploy's PutLifecycleEventHookExecutionStatus.
"""
import json
import os

import boto3

CHECK_EVENT = {
    "resource": "/oleoleole",
    "path": "/oleoleole",
    "httpMethod": "GET",
    "headers": {},
    "requestContext": {"resourcePath": "/oleoleole", "httpMethod": "GET", "path": "/oleoleole",
                       "identity": {"sourceIp": "127.0.0.1"}},
    "body": None,
    "isBase64Encoded": False,
}


def report(event, status, reason):
    print(f"{status}: {reason}")
    boto3.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
    return {"status": status, "reason": reason}


def check_version(target, expected):
    answer = boto3.client("lambda").invoke(FunctionName=target, Payload=json.dumps(CHECK_EVENT))
    payload = json.loads(answer["Payload"].read())
    if answer.get("FunctionError"):
        return "Failed", f"{target} failed: {payload}"
    if payload.get("statusCode") != 200:
        return "Failed", f"{target} answered statusCode {payload.get('statusCode')}, expected 200"
    version = json.loads(payload["body"]).get("version")
    if version != expected:
        return "Failed", f'{target} answered version "{version}", expected "{expected}"'
    return "Succeeded", f'{target} answered statusCode 200 and version "{version}"'


def test_oleoleole_version_pre_traffic(event, context):
    status, reason = check_version(os.environ["CurrentFunctionVersion"], os.environ["APP_VERSION"])
    return report(event, status, reason)


def test_oleoleole_version_post_traffic(event, context):
    status = os.environ.get("POST_TRAFFIC_RESULT", "Succeeded")
    # The original demonstrated a rollback by swapping these two lines:
    # status = "Failed"
    return report(event, status, f"POST_TRAFFIC_RESULT is {status}")
