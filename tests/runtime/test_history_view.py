"""The engine's history reading (engine.runtime.history_view): one handler per event type, and a
picture read in pieces answers as one read at once, so a live view can read only new events."""

from __future__ import annotations

from typing import Any

import pytest

import engine
from engine.runtime.history import DETAILS_KEY
from engine.runtime.history_view import FAILED, SUCCEEDED, ExecutionPicture
from engine.runtime.history_view.reading import HANDLERS, STATE_TYPES, HistoryReader, handler_for

DEFINITION = {
    "StartAt": "Items",
    "States": {
        "Items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Double",
                "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}},
            },
            "ResultPath": "$.doubled",
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Fail", "Error": "Nope", "Cause": "no"}}},
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}],
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "Assign": {"seen": 1}, "End": True},
    },
}


def answers(picture: ExecutionPicture) -> Any:
    return (
        [(picture.visits[v].path, picture.visits[v].thread, picture.visits[v].status) for v in picture.order],
        picture.statuses(),
        sorted(picture.edges_taken()),
        sorted(picture.started_scopes()),
        picture.event_states,
        picture.progress(),
        picture.status,
        picture.output,
    )


@pytest.fixture(scope="module")
def history() -> list[dict[str, Any]]:
    execution = engine.run(DEFINITION, {"items": [1, 2, 3]})
    assert execution.status == "SUCCEEDED"
    return execution.history


@pytest.mark.parametrize("piece", [1, 3, 7])
def test_a_history_read_in_pieces_answers_as_one_read_at_once(
    history: list[dict[str, Any]], piece: int
) -> None:
    whole = ExecutionPicture(history, DEFINITION)
    grown = ExecutionPicture([], DEFINITION)
    for start in range(0, len(history), piece):
        grown.extend(history[start : start + piece])
    assert answers(grown) == answers(whole)
    assert whole.status == "SUCCEEDED"
    assert whole.status_of("/States/Both") == ("caught", 0, 1)
    assert whole.status_of("/States/Items/ItemProcessor/States/Double") == (SUCCEEDED, 0, 3)
    (done,) = whole.visits_of("/States/Done")
    assert done.assigned == {"seen": 1}
    assert whole.maps[whole.by_path["/States/Items"][0]].done == 3


def test_every_event_type_the_engine_writes_has_its_own_handler() -> None:
    written = set(DETAILS_KEY) | {f"{t}State{end}" for t in STATE_TYPES for end in ("Entered", "Exited")}
    written |= {"TaskStateAborted", "MapStateSucceeded", "MapRunSucceeded", "LambdaFunctionStarted"}
    assert sorted(written - set(HANDLERS)) == []
    assert HANDLERS["TaskFailed"] is HistoryReader.failed
    assert HANDLERS["MapStateStarted"] is HistoryReader.map_started
    assert HANDLERS["TaskSucceeded"] is HistoryReader.result
    assert HANDLERS["TaskStarted"] is HistoryReader.of_running_state


def test_a_type_the_table_does_not_name_is_classified_once_by_its_name() -> None:
    assert handler_for("FutureStateEntered") is HistoryReader.state_entered
    assert HANDLERS["FutureStateEntered"] is HistoryReader.state_entered  # remembered
    assert handler_for("MapIterationPaused") is HistoryReader.iteration_ended
    assert handler_for("TaskProgressed") is HistoryReader.of_running_state
    events = [
        {"id": 1, "type": "ExecutionStarted", "executionStartedEventDetails": {"input": "{}"}},
        {"id": 2, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "Only", "input": "{}"}},
        {"id": 3, "type": "PassStateNoted", "stateNotedEventDetails": {}},
        {"id": 4, "type": "ExecutionFailed", "executionFailedEventDetails": {"error": "E", "cause": "c"}},
    ]
    picture = ExecutionPicture(events, {"StartAt": "Only", "States": {"Only": {"Type": "Pass", "End": True}}})
    (only,) = picture.visits_of("/States/Only")
    assert only.events == [2, 3] and picture.event_states == ["", "Only", "Only", ""]
    assert only.status == FAILED and picture.status == "FAILED"
