"""Names AWS refuses are refused when a project is loaded, each at its JSON pointer.

`validate` used to call a project with a queue named ``bad queue!`` valid, and then `run` and
`serve` stopped with "internal error: SqsError" when they created the queue. State machine,
queue and topic names are now held to AWS's rules on load, as CreateStateMachine, CreateQueue
and CreateTopic hold them, so every command refuses the project with the same located list.
"""

from __future__ import annotations

from typing import Any

import pytest
from cli_runner import run_cli

from engine.messaging import SnsError, SnsService
from engine.project import ProjectError, project_from_value

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def project(**parts: Any) -> dict[str, Any]:
    return {"formatVersion": 1, "name": "names", "stateMachines": {"ok": {"definition": PASS}}, **parts}


def pointers(value: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ProjectError) as caught:
        project_from_value(value)
    return {problem.location: problem.message for problem in caught.value.problems}


@pytest.mark.parametrize(
    "name", ["bad name", "a/b", "x" * 81, "", "tab\there", "semi;colon", "brace{", "dollar$"]
)
def test_a_state_machine_name_aws_refuses_is_located(name: str) -> None:
    found = pointers(project(stateMachines={name: {"definition": PASS}}))
    assert found == {f"/stateMachines/{name}": f"Invalid Name: '{name}'"}


@pytest.mark.parametrize(
    ("queues", "bad"),
    [
        ({"bad queue!": {}}, "bad queue!"),
        ({"": {}}, ""),
        ({"q.fifo": {}}, "q.fifo"),
        ({"q": {"fifo": True}}, "q"),
    ],
)
def test_a_queue_name_aws_refuses_is_located(queues: dict[str, Any], bad: str) -> None:
    found = pointers(project(queues=queues))
    assert list(found) == [f"/queues/{bad}"] and "InvalidParameterValue" in found[f"/queues/{bad}"]


@pytest.mark.parametrize(
    ("topics", "bad"),
    [
        ({"bad topic!": {}}, "bad topic!"),
        ({"t.fifo": {}}, "t.fifo"),
        ({"t": {"fifo": True}}, "t"),
        ({"x" * 257: {}}, "x" * 257),
    ],
)
def test_a_topic_name_aws_refuses_is_located(topics: dict[str, Any], bad: str) -> None:
    assert pointers(project(topics=topics)) == {f"/topics/{bad}": "Invalid parameter: Topic Name"}


def test_names_aws_accepts_load() -> None:
    loaded = project_from_value(
        project(
            stateMachines={"Order-Flow_2.v1é": {"definition": PASS}},
            queues={"orders-1": {}, "orders.fifo": {"fifo": True}},
            topics={"updates_1": {}, "updates.fifo": {"fifo": True}, "x" * 256: {}},
        )
    )
    assert set(loaded.project.topics) == {"updates_1", "updates.fifo", "x" * 256}


def test_create_topic_holds_the_same_rule() -> None:
    async def deliver(*_: Any, **__: Any) -> None:
        return None

    sns = SnsService(deliver)
    with pytest.raises(SnsError, match="Topic Name"):
        sns.create_topic("bad topic!")
    assert sns.create_topic("good-topic").endswith(":good-topic")


def test_run_and_validate_refuse_a_bad_queue_name_alike(tmp_path: Any) -> None:
    import json

    path = tmp_path / "p.statecanvas.json"
    path.write_text(json.dumps(project(queues={"bad queue!": {}})), encoding="utf-8")
    for args in (["validate", str(path)], ["run", str(path), "--state-machine", "ok"]):
        done = run_cli(args)
        assert done.returncode != 0 and "internal error" not in done.stderr, done.stderr
        assert "/queues/bad queue!" in done.stdout + done.stderr
