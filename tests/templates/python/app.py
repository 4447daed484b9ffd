"""Handlers of tests/templates/python-functions.yaml: unchanged Python code, as on AWS."""
import json
import logging
import os
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def context_of(event, context):
    print("a line from print")
    logger.info("a line from logging")
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "cwd": os.getcwd(),
        "env": {name: os.environ.get(name) for name in (
            "AWS_EXECUTION_ENV", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT",
            "_HANDLER", "APP_SETTING", "AWS_ENDPOINT_URL")},
        "event": event,
    }


def api(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Runtime": "python"},
        "body": json.dumps({"path": event["path"], "method": event["httpMethod"],
                            "query": event.get("queryStringParameters"),
                            "stage": event["requestContext"]["stage"]}),
    }


def boom(event, context):
    raise ValueError("boom from python")


def sleepy(event, context):
    time.sleep(10)


def crash(event, context):
    os._exit(3)


def unserializable(event, context):
    return {"a set": {1, 2}}


def sdk(event, context):
    # boto3 as the user wrote it: no endpoint_url. The emulator's loop points it at AWS_ENDPOINT_URL.
    import boto3
    names = [f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]]
    return sorted(names)


def from_layer(event, context):
    from shared import greeting
    return greeting()
