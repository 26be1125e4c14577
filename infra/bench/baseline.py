"""The Python baseline of the cold-start benchmark (`concierge-bench`, `make bench`).

What a Python Lambda of ours would do at import, the way such handlers usually do it: one boto3
session and the five clients the Rust functions build (DynamoDB, S3, SQS, SNS, EventBridge
Scheduler), created once per cold start. The handler answers the health route's event as
`health` does: one DynamoDB query of the jobs' heartbeats, 200 when every job is healthy or has
never run, else 503 (the logic of `jobs::state`). A minimal Runtime API loop in plain Python (urllib) serves it, as
`awslambdaric` would, without the native extension. Like the Rust functions, nothing here
touches the network before the first `GET .../invocation/next`.
"""

import json
from datetime import datetime, timezone
import os
import urllib.request

import boto3

SESSION = boto3.session.Session()
DYNAMODB = SESSION.client("dynamodb")
S3 = SESSION.client("s3")
SQS = SESSION.client("sqs")
SNS = SESSION.client("sns")
SCHEDULER = SESSION.client("scheduler")
TABLE = os.environ["TABLE_NAME"]
# Each job and its period in seconds (shared/src/jobs/): stale after three periods.
JOBS = {
    "escalation": 60,
    "expiry": 300,
    "reminder": 300,
    "otp-sweep": 60,
    "otp-cleanup": 86400,
    "digest": 3600,
}


def state(every, heartbeat, now):
    if heartbeat is None:
        return "never_run"
    last_run = datetime.fromisoformat(heartbeat["last_run_at"]["S"].replace("Z", "+00:00"))
    if (now - last_run).total_seconds() > 3 * every:
        return "stale"
    if heartbeat["last_outcome"]["S"].startswith("failed"):
        return "failing"
    return "ok"


def handler(event, context):
    items = DYNAMODB.query(
        TableName=TABLE,
        KeyConditionExpression="#pk = :pk",
        ExpressionAttributeNames={"#pk": "PK"},
        ExpressionAttributeValues={":pk": {"S": "HEARTBEATS"}},
    )["Items"]
    heartbeats = {item["job"]["S"]: item for item in items if "job" in item}
    now = datetime.now(timezone.utc)
    jobs = [{"job": job, "state": state(every, heartbeats.get(job), now)} for job, every in JOBS.items()]
    healthy = all(job["state"] in ("ok", "never_run") for job in jobs)
    return {
        "statusCode": 200 if healthy else 503,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"status": "ok" if healthy else "degraded", "jobs": jobs}),
    }


def main():
    base = "http://%s/2018-06-01/runtime" % os.environ["AWS_LAMBDA_RUNTIME_API"]
    while True:
        with urllib.request.urlopen(base + "/invocation/next") as answer:
            request_id = answer.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(answer.read())
        try:
            path, body = "response", handler(event, None)
        except Exception as err:  # reported to the Runtime API, as awslambdaric does
            path, body = "error", {"errorMessage": str(err), "errorType": type(err).__name__}
        post = urllib.request.Request(
            "%s/invocation/%s/%s" % (base, request_id, path),
            data=json.dumps(body).encode(),
            method="POST",
        )
        urllib.request.urlopen(post).close()


if __name__ == "__main__":
    main()
