"""A project's machines at start, `--state` across restarts, and the `statecanvas serve` command."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main as cli_main
from engine.deploy.naming import Target

ROLE = "arn:aws:iam::123456789012:role/local"
ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "resources" / "examples" / "order-pipeline"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"kept": True}, "End": True}}}
WAITS = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}


def wait_for(sfn: Any, arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return described


def test_a_projects_machines_exist_with_the_arns_deploy_gives_them(serve_factory: Any) -> None:
    server = serve_factory(str(PIPELINE))
    sfn = server.client()
    listed = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    target = Target("123456789012", "us-east-1")
    assert listed == {
        name: target.arn("stateMachine", name) for name in ("Fulfillment", "RetailOrder", "Returns")
    }
    described = sfn.describe_state_machine(stateMachineArn=listed["Returns"])
    assert json.loads(described["definition"])["StartAt"]
    assert server.context.runtime.machine_arns["Returns"] == listed["Returns"]


def test_executions_started_by_the_projects_routes_are_the_apis_too(serve_factory: Any) -> None:
    server = serve_factory(str(PIPELINE))
    sfn = server.client()
    runtime = server.context.runtime
    order = runtime.loaded.project.state_machines["RetailOrder"].default_input
    sfn.start_execution(stateMachineArn=runtime.machine_arns["RetailOrder"], input=json.dumps(order))
    fulfillment = runtime.machine_arns["Fulfillment"]
    deadline = time.monotonic() + 10
    while not (started := sfn.list_executions(stateMachineArn=fulfillment)["executions"]):
        assert time.monotonic() < deadline, "the bus, the queue and its consumer started no Fulfillment"
        time.sleep(0.05)
    history = sfn.get_execution_history(executionArn=started[0]["executionArn"])["events"]
    assert json.loads(history[0]["executionStartedEventDetails"]["input"])["detail-type"] == "OrderCreated"


def test_state_survives_a_restart(serve_factory: Any, tmp_path: Path) -> None:
    state = str(tmp_path / "serve.sqlite")
    first = serve_factory(state_file=state)
    sfn = first.client()
    arn = sfn.create_state_machine(name="Kept", definition=json.dumps(PASS), roleArn=ROLE)["stateMachineArn"]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    done = sfn.start_execution(stateMachineArn=arn, name="done")["executionArn"]
    wait_for(sfn, done)
    history = sfn.get_execution_history(executionArn=done)["events"]
    waiting_arn = sfn.create_state_machine(name="Waits", definition=json.dumps(WAITS), roleArn=ROLE)[
        "stateMachineArn"
    ]
    waiting = sfn.start_execution(stateMachineArn=waiting_arn)["executionArn"]
    activity = sfn.create_activity(name="Work")["activityArn"]
    first.stop()

    second = serve_factory(state_file=state)
    sfn = second.client()
    assert {m["name"] for m in sfn.list_state_machines()["stateMachines"]} == {"Kept", "Waits"}
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == PASS
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    assert json.loads(sfn.describe_execution(executionArn=done)["output"]) == {"kept": True}
    assert sfn.get_execution_history(executionArn=done)["events"] == history
    interrupted = sfn.describe_execution(executionArn=waiting)
    assert interrupted["status"] == "ABORTED"  # it could not go on: it ended as AWS ends a stopped one
    assert interrupted["error"] == "StateCanvas.ServerStopped"
    last = sfn.get_execution_history(executionArn=waiting, reverseOrder=True, maxResults=1)["events"][0]
    assert last["type"] == "ExecutionAborted"
    assert [a["activityArn"] for a in sfn.list_activities()["activities"]] == [activity]
    again = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert wait_for(sfn, again)["status"] == "SUCCEEDED"
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 2


def test_serve_refuses_a_non_loopback_address_unless_asked() -> None:
    err = io.StringIO()
    assert cli_main(["serve", "--host", "0.0.0.0"], out=io.StringIO(), err=err) == 2
    assert "--allow-remote" in err.getvalue()
    assert cli_main(["serve", "--time-scale", "0"], out=io.StringIO(), err=(err := io.StringIO())) == 2
    assert "--time-scale" in err.getvalue()
    assert (
        cli_main(["serve", "--mocks", "/nonexistent.json"], out=io.StringIO(), err=(err := io.StringIO()))
        == 2
    )
    assert "--mocks" in err.getvalue()


@pytest.mark.parametrize("scale", ["1e308", "inf", "nan", "1e-300", "0", "-1"])
def test_serve_refuses_a_time_scale_its_clock_cannot_keep(scale: str) -> None:
    """--time-scale 1e308 used to start, then answer every StartExecution with InternalFailure
    (the scaled clock left the calendar)."""
    err = io.StringIO()
    assert cli_main(["serve", "--port", "0", "--time-scale", scale], out=io.StringIO(), err=err) == 2
    assert "--time-scale" in err.getvalue() and "between 0.001 and 1e+06" in err.getvalue()


def test_the_scaled_clock_stops_at_the_calendars_end_at_top_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.serve.clock import MAX_TIME_SCALE, ScaledClock

    clock = ScaledClock(MAX_TIME_SCALE)
    start = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: start + 10 * 365 * 86_400.0)  # ten years serving
    assert clock.now().year == 9999
    with pytest.raises(ValueError, match="between"):
        ScaledClock(MAX_TIME_SCALE * 10)


@pytest.mark.parametrize("content", [b"garbage, not SQLite", b"SQLite format 3\x00" + b"\x00" * 200])
def test_serve_refuses_a_state_file_that_is_not_one_with_a_located_message(
    tmp_path: Path, content: bytes
) -> None:
    """It used to answer "internal error: StoreError" instead of naming --state."""
    state = tmp_path / "state.sqlite"
    state.write_bytes(content)
    err = io.StringIO()
    assert cli_main(["serve", "--port", "0", "--state", str(state)], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith(f"statecanvas: --state {state}: "), err.getvalue()
    assert "internal error" not in err.getvalue()
    assert state.read_bytes() == content  # the user's file is left as it was


def test_the_command_serves_a_project_until_interrupted(tmp_path: Path) -> None:
    import boto3
    from botocore.config import Config

    command = [sys.executable, "-m", "engine", "serve", str(PIPELINE), "--port", "0"]
    command += ["--state", str(tmp_path / "state.sqlite")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "local use only" in first, first + (
            process.stderr.read() if process.poll() is not None else ""
        )
        url = first.split(" on ", 1)[1].split(" ", 1)[0]
        sfn = boto3.client(
            "stepfunctions",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="anything",
            aws_secret_access_key="anything",
            config=Config(inject_host_prefix=False),
        )
        assert len(sfn.list_state_machines()["stateMachines"]) == 3
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    from engine.serve.server import check_host

    check_host(host, allow_remote=False)
