"""`statecanvas serve` against moto server: the same boto3 workload, side by side, on this machine.

Each server runs in a child process on a free loopback port (`statecanvas serve --port P`, and
`moto_server -p P` from the `moto[server]` package), and this process drives it with boto3, so
the figures include what an application pays: signing, HTTP, parsing, routing.

Workloads (each one a function taking a boto3 session factory, returning operations and units):

- `put-events`: PutEvents calls of 10 entries each that no rule matches; events accepted per second.
- `put-events>sqs`: the same with a rule on the default bus matching every event and targeting an
  SQS queue, so each event is also routed and enqueued. At the end the queue is drained, to check
  the events really were routed (moto and StateCanvas alike).

Each workload makes at most `--calls` calls and stops early after `--seconds`, so a slow server
gives a figure rather than an endless run.

Run from the repository root:

    .venv/bin/python benchmarks/serve_throughput.py                 # 300 calls per workload
    .venv/bin/python benchmarks/serve_throughput.py --calls 1000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REGION = "us-east-1"


@dataclass(frozen=True)
class Budget:
    """At most `calls` API calls, stopping early once `seconds` have passed (slow servers)."""

    calls: int
    seconds: float


@dataclass
class Figure:
    units: int  # events (or executions) done
    seconds: float
    routed: int | None = None  # what reached the rule's queue, when the workload checks that

    @property
    def rate(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answered, with an error: listening
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {url} after {timeout:.0f} s")


@contextlib.contextmanager
def running(command: list[str], port: int) -> Iterator[str]:
    """Start a server process, yield its URL, stop it (only this process) at the end."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_listening(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def statecanvas_command(port: int) -> list[str]:
    return [sys.executable, "-m", "engine", "serve", "--port", str(port)]


def moto_command(port: int) -> list[str] | None:
    # The moto beside this interpreter first: a moto_server found on PATH may belong to another
    # Python (pyenv's shims) with another moto version.
    beside = Path(sys.executable).with_name("moto_server")
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    return [found, "-H", "127.0.0.1", "-p", str(port)] if found and os.path.exists(found) else None


def clients(url: str) -> Callable[[str], Any]:
    import boto3
    from botocore.config import Config

    def make(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            config=Config(retries={"max_attempts": 0}),
        )

    return make


def _put_events(client: Callable[[str], Any], budget: Budget, *, routed: bool) -> Figure:
    events, sqs = client("events"), client("sqs")
    url = None
    if routed:
        url = sqs.create_queue(QueueName="bench-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="bench", EventPattern=json.dumps({"source": ["bench"]}))
        events.put_targets(Rule="bench", Targets=[{"Id": "q", "Arn": arn}])
    entries = [
        {"Source": "bench", "DetailType": "Tick", "Detail": json.dumps({"n": i, "pad": "x" * 100})}
        for i in range(10)
    ]
    events.put_events(Entries=entries)  # warm up: connections, first routing
    accepted = 0
    started = time.perf_counter()
    for _ in range(budget.calls):
        answer = events.put_events(Entries=entries)
        accepted += len(entries) - answer["FailedEntryCount"]
        if time.perf_counter() - started > budget.seconds:
            break
    seconds = time.perf_counter() - started
    reached = _drain(sqs, url, accepted + len(entries)) if url is not None else None
    return Figure(accepted, seconds, reached)


def put_events_unrouted(client: Callable[[str], Any], budget: Budget) -> Figure:
    """PutEvents that no rule matches: the cost of accepting events."""
    return _put_events(client, budget, routed=False)


def put_events_to_queue(client: Callable[[str], Any], budget: Budget) -> Figure:
    """PutEvents matched by a rule whose target is an SQS queue: accepting plus routing."""
    return _put_events(client, budget, routed=True)


def _drain(sqs: Any, url: str, expected: int, timeout: float = 20.0) -> int:
    """How many messages reached the queue (received in batches and deleted), waiting up to timeout."""
    got = 0
    deadline = time.monotonic() + timeout
    while got < expected and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        if messages:
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
        got += len(messages)
    return got


def _ten_pass_states() -> str:
    states: dict[str, Any] = {
        f"S{i}": {"Type": "Pass", "Result": {"step": i}, "ResultPath": f"$.s{i}", "Next": f"S{i + 1}"}
        for i in range(9)
    }
    states["S9"] = {"Type": "Pass", "End": True}
    return json.dumps({"StartAt": "S0", "States": states})


def _execute_machines_on_moto(url: str) -> None:
    """moto server records executions without running them unless told to (its config endpoint);
    StateCanvas has no such endpoint and always runs them, so a 404 there is fine."""
    import urllib.error
    import urllib.request

    body = json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode()
    request = urllib.request.Request(f"{url}/moto-api/config", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with contextlib.suppress(urllib.error.URLError, OSError):
        urllib.request.urlopen(request, timeout=5).close()


def start_execution_round_trips(client: Callable[[str], Any], budget: Budget) -> Figure:
    """StartExecution of a 10-state machine, then DescribeExecution until it has SUCCEEDED:
    what a test suite driving Step Functions through the SDK waits for, per execution."""
    sfn = client("stepfunctions")
    _execute_machines_on_moto(sfn.meta.endpoint_url)
    arn = sfn.create_state_machine(
        name="bench", definition=_ten_pass_states(), roleArn="arn:aws:iam::123456789012:role/bench"
    )["stateMachineArn"]
    done = 0
    started = time.perf_counter()
    for i in range(budget.calls):
        execution = sfn.start_execution(stateMachineArn=arn, name=f"run-{i}", input='{"n": 1}')
        while True:
            status = sfn.describe_execution(executionArn=execution["executionArn"])["status"]
            if status != "RUNNING":
                break
            if time.perf_counter() - started > budget.seconds:
                raise TimeoutError(f"execution {i} still RUNNING after {budget.seconds:.0f} s")
            time.sleep(0.001)
        if status != "SUCCEEDED":
            raise RuntimeError(f"execution {i} ended {status}")
        done += 1
        if time.perf_counter() - started > budget.seconds:
            break
    return Figure(done, time.perf_counter() - started)


WORKLOADS: dict[str, tuple[str, Callable[[Callable[[str], Any], Budget], Figure]]] = {
    "put-events": ("events/s", put_events_unrouted),
    "put-events>sqs": ("events/s", put_events_to_queue),
    "start-execution": ("executions/s", start_execution_round_trips),
}


def measure(command: list[str] | None, port: int, workload: Any, budget: Budget) -> Figure | str:
    if command is None:
        return "n/a (moto_server not installed: pip install 'moto[server]')"
    try:
        with running(command, port) as url:
            return workload(clients(url), budget)
    except Exception as exc:  # a server that fails is a figure of its own, not a crash of the run
        return f"n/a ({type(exc).__name__}: {exc})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=300, help="API calls per workload (default 300)")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="stop a workload's calls after this long (default 30)"
    )
    parser.add_argument("--only", choices=sorted(WORKLOADS), help="run one workload")
    args = parser.parse_args(argv)
    print(f"{'workload':<16} {'StateCanvas':>22} {'moto server':>22} {'ratio':>8}")
    for name, (unit, workload) in WORKLOADS.items():
        if args.only and name != args.only:
            continue
        budget = Budget(args.calls, args.seconds)
        ours = measure(statecanvas_command(port := free_port()), port, workload, budget)
        theirs = measure(moto_command(port := free_port()), port, workload, budget)
        print(f"{name:<16} {_show(ours, unit):>22} {_show(theirs, unit):>22} {_ratio(ours, theirs):>8}")
        for label, figure in (("StateCanvas", ours), ("moto", theirs)):
            if isinstance(figure, Figure) and figure.routed is not None:
                print(f"  {label}: {figure.units} accepted, {figure.routed} reached the rule's queue")
            elif isinstance(figure, str):
                print(f"  {label}: {figure}")
    return 0


def _show(figure: Figure | str, unit: str) -> str:
    return f"{figure.rate:,.0f} {unit}" if isinstance(figure, Figure) else "n/a"


def _ratio(ours: Figure | str, theirs: Figure | str) -> str:
    if isinstance(ours, Figure) and isinstance(theirs, Figure) and theirs.rate:
        return f"{ours.rate / theirs.rate:.2f}x"
    return "-"


if __name__ == "__main__":
    raise SystemExit(main())
