"""Timing executions on moto's Step Functions interpreter, in a worker process that can be killed.

moto (``pip install 'moto[stepfunctions]'``, the ``bench`` extra) runs an execution in a thread of
its own when ``execute_state_machine`` is on; a thread cannot be stopped, so an execution that runs
past its time cap would go on taking CPU from whatever is measured next. The worker therefore lives
in a child process: after a capped run it reports and exits, and the next job starts a fresh one.

Timing: from just before ``start_execution`` to the execution's ``stopDate`` as moto records it
(millisecond resolution), so the 50 ms polling of ``describe_execution`` adds neither latency nor
much contention for the GIL. Transitions are the StateEntered events of ``get_execution_history``;
moto cannot list a distributed Map's child executions (``list_executions(mapRunArn=...)`` fails in
moto 5.2), so those are added from the definition (``child_transitions``).
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import Any

ROLE_ARN = "arn:aws:iam::123456789012:role/r"
REGION = "us-east-1"
POLL_SECONDS = 0.05
_jobs = 0  # jobs run by this worker: state machine names must be unique


@dataclass
class MotoJob:
    """One workload: ``reps`` executions of ``definition`` (JSON text) on ``input`` (JSON text)."""

    name: str
    definition: str
    input: str
    reps: int
    cap_seconds: float
    child_transitions: int = 0  # transitions in child executions moto does not let us read
    s3_objects: dict[str, dict[str, str]] = field(default_factory=dict)  # bucket -> key -> body


@dataclass
class MotoResult:
    seconds: list[float] = field(default_factory=list)
    transitions: int | None = None
    failure: str | None = None  # why there is no figure ("timed out: ...", "FAILED: States.Runtime")
    note: str = ""  # more about the figure or the failure (the cause of a FAILED execution)


def available() -> str | None:
    """None when moto and its Step Functions interpreter are installed, else the reason.

    Only looks the packages up: importing moto here would weigh on the measuring process.
    """
    for module in ("boto3", "moto", "antlr4"):  # antlr4: moto's ASL parser, from the stepfunctions extra
        if importlib.util.find_spec(module) is None:
            return f"{module} not installed; pip install 'moto[stepfunctions]'"
    return None


class MotoRunner:
    """Sends jobs to a worker process, restarting it after a job that had to stop a running execution."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_worker, args=(child,), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def run(self, job: MotoJob) -> MotoResult:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self._conn.send(job)
        # The worker enforces the cap itself; this is the backstop should it hang.
        if not self._conn.poll(job.cap_seconds * job.reps + 60):
            self.close()
            return MotoResult(failure=f"no answer from the moto worker within {job.cap_seconds:.0f} s a run")
        try:
            result: MotoResult = self._conn.recv()
        except EOFError:
            self.close()
            return MotoResult(failure="the moto worker died")
        if result.failure and result.failure.startswith("timed out"):
            self._proc.join(10)
            self._proc = None
        return result

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.terminate()
            self._proc.join(10)
            self._proc = None


def _worker(conn: Any) -> None:
    # moto logs every failed state with its whole parse tree, and a run that cannot start its threads
    # floods stderr; what went wrong comes back as the job's failure instead.
    logging.disable(logging.CRITICAL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    import boto3
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        _warm_up(sfn)
        while True:
            try:
                job: MotoJob = conn.recv()
            except EOFError:
                return
            try:
                result = _run_job(sfn, s3, job)
            except Exception as exc:  # a moto error is a figure we cannot have, not a crash of the run
                result = MotoResult(failure=f"moto raised {type(exc).__name__}: {str(exc)[:200]}")
            conn.send(result)
            if result.failure and result.failure.startswith("timed out"):
                conn.close()
                os._exit(0)  # moto's execution thread is still running: end the process with it


def _warm_up(sfn: Any) -> None:
    """One tiny execution, so moto's lazy imports are not charged to the first workload."""
    definition = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'
    arn = sfn.create_state_machine(name="warm-up", definition=definition, roleArn=ROLE_ARN)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, name="warm-up", input="{}")["executionArn"]
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        time.sleep(0.01)


def _run_job(sfn: Any, s3: Any, job: MotoJob) -> MotoResult:
    global _jobs
    _jobs += 1
    for bucket, objects in job.s3_objects.items():
        s3.create_bucket(Bucket=bucket)
        for key, body in objects.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"))
    try:
        machine = sfn.create_state_machine(
            name=f"{job.name}-{_jobs}", definition=job.definition, roleArn=ROLE_ARN
        )
    except Exception as exc:
        return MotoResult(failure=f"create_state_machine refused it: {exc}")
    result = MotoResult()
    for rep in range(job.reps):
        started = time.time()
        execution = sfn.start_execution(
            stateMachineArn=machine["stateMachineArn"], name=f"run-{rep}", input=job.input
        )["executionArn"]
        while True:
            described = sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                break
            if time.time() - started > job.cap_seconds:
                result.failure = f"timed out: still running after the {job.cap_seconds:.0f} s cap"
                return result
            time.sleep(POLL_SECONDS)
        if described["status"] != "SUCCEEDED":
            result.failure = f"{described['status']}: {described.get('error')}"
            result.note = str(described.get("cause") or "")[:300]
            return result
        stop = described.get("stopDate")
        result.seconds.append(stop.timestamp() - started if stop is not None else time.time() - started)
        if result.transitions is None:
            result.transitions = _count_entered(sfn, execution) + job.child_transitions
            if job.child_transitions:
                result.note = "child transitions from the definition"
    return result


def _count_entered(sfn: Any, execution_arn: str) -> int:
    count, token = 0, None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000, **kwargs)
        count += sum(1 for event in page["events"] if event["type"].endswith("StateEntered"))
        token = page.get("nextToken")
        if not token:
            return count
