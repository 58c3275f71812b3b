#!/usr/bin/env python3
"""Seed and mutate AWS IoT Jobs state in a running moto_server, for the interop tests.

Uses boto3 against the given endpoint with dummy credentials (moto does not verify signatures).
Every subcommand prints one JSON object on stdout; errors go to stderr with a non-zero exit.

  seed   --endpoint URL --thing NAME --count N [--prefix P] [--start I]
         creates the thing (if missing) and N jobs targeting it: jobIds P0000, P0001, ...
         with the job document {"operation": "interop-test", "index": i}
  cancel --endpoint URL --thing NAME JOB_ID...
         cancels the thing's execution of each job (CancelJobExecution, force)
  delete --endpoint URL --thing NAME JOB_ID...
         deletes the thing's execution of each job (DeleteJobExecution, force)
  list   --endpoint URL --thing NAME [--status S]
         every execution of the thing through botocore's own paginator (an independent oracle):
         {"executions": [{"jobId", "status", "queuedAt", "lastUpdatedAt", "executionNumber"}],
          "pages": N}; timestamps in epoch seconds

moto quirks this works around (reference section 8.1): CancelJob does not touch the executions and
DeleteJob does not delete them, so the execution-level calls are used; DeleteJobExecution needs
the execution number, which moto hard-codes (read back through DescribeJobExecution).
"""

import argparse
import json
import sys

import boto3

REGION = "us-east-1"


def client(endpoint):
    return boto3.client(
        "iot",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def seed(iot, thing, count, prefix, start):
    try:
        thing_arn = iot.describe_thing(thingName=thing)["thingArn"]
    except iot.exceptions.ResourceNotFoundException:
        thing_arn = iot.create_thing(thingName=thing)["thingArn"]
    job_ids = []
    for index in range(start, start + count):
        job_id = f"{prefix}{index:04d}"
        iot.create_job(
            jobId=job_id,
            targets=[thing_arn],
            document=json.dumps({"operation": "interop-test", "index": index}),
        )
        job_ids.append(job_id)
    return {"thingArn": thing_arn, "jobIds": job_ids}


def cancel(iot, thing, job_ids):
    for job_id in job_ids:
        iot.cancel_job_execution(jobId=job_id, thingName=thing, force=True)
    return {"canceled": job_ids}


def delete(iot, thing, job_ids):
    for job_id in job_ids:
        execution = iot.describe_job_execution(jobId=job_id, thingName=thing)["execution"]
        iot.delete_job_execution(
            jobId=job_id,
            thingName=thing,
            executionNumber=execution["executionNumber"],
            force=True,
        )
    return {"deleted": job_ids}


def list_executions(iot, thing, status):
    params = {"thingName": thing}
    if status:
        params["status"] = status
    executions = []
    pages = 0
    for page in iot.get_paginator("list_job_executions_for_thing").paginate(**params):
        pages += 1
        for item in page["executionSummaries"]:
            summary = item["jobExecutionSummary"]
            executions.append(
                {
                    "jobId": item["jobId"],
                    "status": summary["status"],
                    "queuedAt": summary["queuedAt"].timestamp(),
                    "lastUpdatedAt": summary["lastUpdatedAt"].timestamp(),
                    "executionNumber": summary["executionNumber"],
                }
            )
    return {"executions": executions, "pages": pages}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    seed_cmd = sub.add_parser("seed")
    seed_cmd.add_argument("--count", type=int, required=True)
    seed_cmd.add_argument("--prefix", default="job-")
    seed_cmd.add_argument("--start", type=int, default=0)

    cancel_cmd = sub.add_parser("cancel")
    cancel_cmd.add_argument("job_ids", nargs="+")

    delete_cmd = sub.add_parser("delete")
    delete_cmd.add_argument("job_ids", nargs="+")

    list_cmd = sub.add_parser("list")
    list_cmd.add_argument("--status")

    for cmd in (seed_cmd, cancel_cmd, delete_cmd, list_cmd):
        cmd.add_argument("--endpoint", required=True)
        cmd.add_argument("--thing", required=True)

    args = parser.parse_args(argv)
    iot = client(args.endpoint)
    if args.command == "seed":
        result = seed(iot, args.thing, args.count, args.prefix, args.start)
    elif args.command == "cancel":
        result = cancel(iot, args.thing, args.job_ids)
    elif args.command == "delete":
        result = delete(iot, args.thing, args.job_ids)
    else:
        result = list_executions(iot, args.thing, args.status)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
