"""A live picture grows by the events that arrive (engine.runtime.history_view.PictureCache) and answers
exactly as a picture read from the whole history at once."""

from __future__ import annotations

from typing import Any

from test_debug_history import FLAKY, run

from designer.debug.live_store import LiveStore
from engine.runtime.history_view import ExecutionPicture, PictureCache


def answers(picture: ExecutionPicture) -> Any:
    visits = [
        (picture.visits[v].path, picture.visits[v].thread, picture.visits[v].status) for v in picture.order
    ]
    return (
        visits,
        picture.statuses(),
        picture.statuses({"Fan": 1}),
        sorted(picture.edges_taken()),
        sorted(picture.edges_taken({"Fan": 2})),
        sorted(picture.started_scopes()),
        picture.event_states,
        picture.progress(),
        picture.status,
    )


def test_a_picture_grown_event_by_event_answers_as_one_read_at_once() -> None:
    store = LiveStore()
    run(["Busy"], store)
    (arn,) = store.histories
    events, notes = store.histories[arn], store.notes[arn]
    whole = ExecutionPicture(events, FLAKY, notes=notes)

    growing: list[dict[str, Any]] = []
    arriving: dict[int, Any] = {}  # the live store's notes dict, empty when the picture is made
    cache = PictureCache()
    cache.live(arn, growing, FLAKY, arriving)  # a refresh right after the start: no event yet
    for event in events:
        growing.append(event)
        arriving[event["id"]] = notes[event["id"]]
        live = cache.live(arn, growing, FLAKY, arriving)
        if event["id"] in (3, len(events) // 2):  # a look in the middle, as a refresh does
            assert live.statuses() == ExecutionPicture(growing, FLAKY, notes=arriving).statuses()
    assert live is cache.live(arn, growing, FLAKY, arriving)  # one picture, grown in place
    assert answers(live) == answers(whole)
    assert live.notes is arriving  # the notes that came later were read, not guessed

    past = cache.at(arn, events, FLAKY, notes, 10)
    assert answers(past) == answers(ExecutionPicture(events, FLAKY, upto=10, notes=notes))
    assert cache.at(arn, events, FLAKY, notes, 10) is past


def test_the_event_table_filters_rows_as_they_arrive_without_filtering_all_again(qtbot: Any) -> None:
    from PySide6.QtTest import QTest

    from designer.panels.execution_events import EventTablePanel

    store = LiveStore()
    run([], store)
    (arn,) = store.histories
    events = store.histories[arn]
    picture = ExecutionPicture(events, FLAKY, notes=store.notes[arn])
    panel = EventTablePanel()
    qtbot.addWidget(panel)
    half = len(events) // 3
    panel.set_events(events[:half], picture.event_states[:half])
    QTest.keyClicks(panel.kind, "Exited")  # the user filters by type
    shown_before = panel.visible_types()
    assert shown_before and all(kind.endswith("Exited") for kind in shown_before)
    refiltered: list[int] = []
    original = panel.proxy.filterAcceptsRow
    panel.proxy.filterAcceptsRow = lambda row, parent: refiltered.append(row) or original(row, parent)  # type: ignore[method-assign]
    panel.set_events(events, picture.event_states)  # more events, and states not seen before
    assert min(refiltered) >= half  # only the new rows were looked at
    expected = [e["type"] for e in events if e["type"].endswith("Exited")]
    assert panel.visible_types() == expected
