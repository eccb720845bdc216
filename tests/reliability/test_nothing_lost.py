"""Nothing lost: executions of a killed process end ABORTED with their cause, never RUNNING forever;
two put-events on one state file never deliver a message twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_helpers import ROOT, cli

from engine.store import open_store
from engine.store.ownership import INTERRUPTED_ERROR, owners_folder

WAIT = {"Type": "Wait", "Seconds": 60, "End": True}
LONG = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "Next": "Fan"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "W", "States": {"W": WAIT}},
                {
                    "StartAt": "M",
                    "States": {
                        "M": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemProcessor": {"StartAt": "MW", "States": {"MW": WAIT}},
                            "End": True,
                        }
                    },
                },
                {
                    "StartAt": "D",
                    "States": {
                        "D": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemProcessor": {
                                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                "StartAt": "DW",
                                "States": {"DW": WAIT},
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "End": True,
        },
    },
}


def _wait_for_events(store_path: Path, minimum: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store_path.exists():
            try:
                with open_store(str(store_path)) as store:
                    total = sum(
                        store.history_length(r.execution_arn) for r in store.list_executions(limit=None)
                    )
                if total >= minimum:
                    return
            except Exception:
                pass
        time.sleep(0.1)
    raise AssertionError("the execution never got going")


def _check_ended_aborted(store_path: Path, before: dict[str, int]) -> list[str]:
    with open_store(str(store_path)) as store:
        records = store.list_executions(limit=None)
        assert records
        for record in records:
            history = list(store.iter_history(record.execution_arn))
            assert record.status != "RUNNING", record.execution_arn
            ids = [event["id"] for event in history]
            assert ids == list(range(1, len(ids) + 1)), "an event was lost or duplicated"
            if record.execution_arn in before:  # everything durable before the kill is still there
                assert len(history) >= before[record.execution_arn]
            if record.status == "ABORTED":
                assert record.error == INTERRUPTED_ERROR and "interrupted" in (record.cause or "")
                if history:
                    assert history[-1]["type"] == "ExecutionAborted"
                    assert history[-1]["previousEventId"] == history[-2]["id"]
        return [r.status for r in records]


def _snapshot(store_path: Path) -> dict[str, int]:
    with open_store(str(store_path)) as store:
        return {
            r.execution_arn: store.history_length(r.execution_arn) for r in store.list_executions(limit=None)
        }


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_killed_run_is_marked_aborted_on_the_next_start(tmp_path: Path, sig: signal.Signals) -> None:
    definition = tmp_path / "long.asl.json"
    definition.write_text(json.dumps(LONG))
    store_path = tmp_path / "runs.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "engine",
        "run",
        str(definition),
        "--clock",
        "real",
        "--store",
        str(store_path),
    ]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_events(store_path, 12)
        before = _snapshot(store_path)
        proc.send_signal(sig)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert b"Traceback" not in proc.stderr.read()
    # The next start with the same store finds the interrupted executions.
    quick = tmp_path / "quick.asl.json"
    quick.write_text(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
    assert cli("run", str(quick), "--store", str(store_path)).code == 0
    assert not list(owners_folder(str(store_path)).iterdir()), "a dead process's token was left behind"
    statuses = _check_ended_aborted(store_path, before)
    assert statuses.count("ABORTED") >= 4  # the run and its three distributed Map children
    assert statuses.count("SUCCEEDED") == 1


def test_a_live_run_is_never_aborted_by_another(tmp_path: Path) -> None:
    definition = tmp_path / "long.asl.json"
    definition.write_text(json.dumps(LONG))
    store_path = tmp_path / "runs.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "engine",
        "run",
        str(definition),
        "--clock",
        "real",
        "--store",
        str(store_path),
    ]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_events(store_path, 12)
        quick = tmp_path / "quick.asl.json"
        quick.write_text(json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
        assert cli("run", str(quick), "--store", str(store_path)).code == 0
        with open_store(str(store_path)) as store:
            statuses = [r.status for r in store.list_executions(limit=None)]
        assert "ABORTED" not in statuses and "RUNNING" in statuses
    finally:
        proc.kill()
        proc.wait()


HUNDRED = textwrap.dedent(
    """
    import asyncio, json, sys
    from engine.runtime.api import run_async
    from engine.store import open_store

    definition = json.loads(sys.argv[2])
    store = open_store(sys.argv[1])

    async def main():
        runs = [run_async(definition, {"n": i}, clock="real", store=store, name=f"e{i}") for i in range(100)]
        await asyncio.gather(*runs)

    asyncio.run(main())
    """
)


def test_kill_9_in_the_middle_of_a_hundred_executions(tmp_path: Path) -> None:
    store_path = tmp_path / "runs.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HUNDRED, str(store_path), json.dumps(LONG)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_events(store_path, 100 * 12, timeout=60)
        before = _snapshot(store_path)
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open_store(str(store_path)) as store:
        aborted = store.abort_interrupted()
    assert len(aborted) >= 100
    statuses = _check_ended_aborted(store_path, before)
    assert set(statuses) == {"ABORTED"}
    with open_store(str(store_path)) as store:  # a second recovery finds nothing more to do
        assert store.abort_interrupted() == []


CONSUMER = """\
import time


def handler(event, context):
    time.sleep(0.1)  # slow enough that both commands are at work at once
    with open({log!r}, "a") as out:
        for record in event["Records"]:
            out.write(record["body"] + "\\n")
"""


def test_two_put_events_on_one_state_file_deliver_each_message_once(tmp_path: Path) -> None:
    log = tmp_path / "delivered.log"
    (tmp_path / "consumer.py").write_text(CONSUMER.format(log=str(log)))
    project: dict = {
        "formatVersion": 1,
        "name": "p",
        "stateMachines": {
            "M": {"definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}
        },
        "functions": {"consume": {"handler": "consumer.py:handler"}},
        "queues": {"work": {}},
        "rules": {
            "all": {"eventPattern": {"source": ["test"]}, "targets": [{"id": "w", "target": "queue:work"}]}
        },
    }
    waiting = tmp_path / "waiting.statecanvas.json"  # no consumer yet: the messages wait in the state file
    waiting.write_text(json.dumps(project))
    consuming = tmp_path / "consuming.statecanvas.json"
    consuming.write_text(
        json.dumps({**project, "consumers": [{"queue": "work", "target": "function:consume"}]})
    )
    state = tmp_path / "queues.db"
    entries = [{"Source": "test", "DetailType": "t", "Detail": json.dumps({"m": i})} for i in range(10)]
    assert cli("put-events", str(waiting), "--state", str(state), "--entries", json.dumps(entries)).code == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    other = json.dumps({"Source": "elsewhere", "DetailType": "t", "Detail": "{}"})
    command = [
        sys.executable,
        "-m",
        "engine",
        "put-events",
        str(consuming),
        "--state",
        str(state),
        "--entries",
        other,
    ]
    runs = [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0
        assert b"Traceback" not in run.stderr.read()
    delivered = [json.loads(line)["detail"]["m"] for line in log.read_text().splitlines()]
    assert sorted(delivered) == list(range(10)), "a message was delivered twice or lost"
