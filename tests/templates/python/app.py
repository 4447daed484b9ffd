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


def business_metrics(event, context):
    # A business metric both ways a function publishes one: a Powertools-style line in the
    # embedded metric format, and boto3's PutMetricData (which reaches AWS_ENDPOINT_URL).
    import json
    import time

    import boto3
    print(json.dumps({
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [{"Namespace": "Shop", "Dimensions": [["service"]],
                                   "Metrics": [{"Name": "Orders", "Unit": "Count"}]}],
        },
        "service": "checkout",
        "Orders": [event.get("orders", 1)],
    }, separators=(",", ":")))
    boto3.client("cloudwatch").put_metric_data(
        Namespace="Shop",
        MetricData=[{"MetricName": "Revenue", "Value": event.get("revenue", 10.0),
                     "Dimensions": [{"Name": "service", "Value": "checkout"}]}])
    return {"ok": True}
