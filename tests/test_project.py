"""The project document: loading with located errors, saving diff-friendly JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import validate
from engine.project import ProjectError, load_project, project_from_value, project_to_value, save_project

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "resources"
    / "examples"
    / "order-pipeline"
    / "order-pipeline.statecanvas.json"
)


def test_the_example_project_loads_and_its_machines_are_valid() -> None:
    loaded = load_project(EXAMPLE)
    assert set(loaded.definitions) == {"RetailOrder", "Fulfillment", "Returns"}
    for definition in loaded.definitions.values():
        assert validate(definition) == []


def test_save_then_load_gives_the_same_project(tmp_path: Path) -> None:
    loaded = load_project(EXAMPLE)
    copy = tmp_path / "copy.statecanvas.json"
    for name in ("retail-order.asl.json", "fulfillment.asl.json", "returns.asl.json"):
        (tmp_path / name).write_text((EXAMPLE.parent / name).read_text(encoding="utf-8"), encoding="utf-8")
    save_project(loaded.project, copy)
    again = load_project(copy)
    assert project_to_value(again.project) == project_to_value(loaded.project)
    assert json.loads(copy.read_text(encoding="utf-8"))["formatVersion"] == 1


@pytest.mark.parametrize(
    ("change", "location", "words"),
    [
        (
            lambda v: v["queues"]["fulfillment-orders"].update(visibilityTimeout="soon"),
            "/queues/fulfillment-orders/visibilityTimeout",
            "integer",
        ),
        (
            lambda v: v["rules"]["OrderCreatedToFulfillment"]["targets"][0].update(target="queue:nowhere"),
            "/rules/OrderCreatedToFulfillment/targets/0/target",
            "no queue named 'nowhere'",
        ),
        (
            lambda v: v["rules"]["OrderShippedToRetail"].update(bus="billing"),
            "/rules/OrderShippedToRetail/bus",
            "no bus named 'billing'",
        ),
        (
            lambda v: v["stateMachines"]["Returns"].update(definitionFile="missing.asl.json"),
            "/stateMachines/Returns/definitionFile",
            "no such file",
        ),
        (lambda v: v.update(surprise=True), "/surprise", "Extra inputs"),
    ],
)
def test_problems_are_located(change, location: str, words: str) -> None:
    value = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    change(value)
    with pytest.raises(ProjectError) as raised:
        project_from_value(value, EXAMPLE)
    problems = raised.value.problems
    assert any(p.location == location and words in p.message for p in problems), [str(p) for p in problems]


def test_a_project_file_that_is_not_json_is_refused_with_a_location(tmp_path: Path) -> None:
    path = tmp_path / "bad.statecanvas.json"
    path.write_text('{"formatVersion": 1,\n "name": }', encoding="utf-8")
    with pytest.raises(ProjectError) as raised:
        load_project(path)
    assert str(path) in str(raised.value) and "line 2" in str(raised.value)
