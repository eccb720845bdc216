"""The Choreography panel's Put-event templates are events the project's rules match and its
consumers can process: built from the machine that puts each event (its default input), or from
the fields its consumers read, never an empty Detail."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import REPO, until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from designer.debug.event_templates import PLACEHOLDER, event_templates
from engine.bus import test_event_pattern as pattern_matches
from engine.project import load_project, project_from_value

PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


async def test_each_template_is_matched_and_processed_without_a_failure(win: Any) -> None:
    d = win.debug
    panel = d.ui.choreography
    labels = [panel.template.itemText(i) for i in range(panel.template.count())]
    assert labels == [
        "OrderCreatedToFulfillment (OrderCreated)",
        "OrderShippedToRetail (OrderShipped)",
        "ReturnRequestedToReturns (ReturnRequested)",
    ]
    for index, label in enumerate(labels):
        panel.template.setFocus()
        while panel.template.currentIndex() != index:  # choose it from the keyboard, as a user would
            QTest.keyClick(panel.template, Qt.Key.Key_Down)
        (entry,) = panel.entries.value()
        assert entry["Detail"], f"{label}: an empty Detail"
        QTest.mouseClick(panel.put, Qt.MouseButton.LeftButton)
        await until(lambda: d.session is not None and d.session.done, f"{label} to settle")
        lines = panel.lines()
        rule = label.split(" ")[0]
        assert any(f"rule {rule}: matched" in line for line in lines), (label, lines)
        assert not [line for line in lines if "FAILED" in line or "failed" in line], (label, lines)
    # OrderCreated comes from RetailOrder's PublishOrderCreated filled with its default input
    panel.template.setCurrentIndex(0)
    detail = panel.entries.value()[0]["Detail"]
    assert detail["orderId"] == "o-1001" and detail["customer"]["id"] == "c-7" and len(detail["items"]) == 2


def test_templates_follow_patterns_producers_and_consumers() -> None:
    """A generic project: a pattern that tests detail fields, a producer with literal and path
    fields, and an event nobody in the project produces, read by a JSONata machine and a Map."""
    consumer = {
        "QueryLanguage": "JSONata",
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.detail.lines %}",
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "Output": "{% $states.input.detail.invoiceId %}",
                "End": True,
            }
        },
    }
    producer = {
        "StartAt": "Announce",
        "States": {
            "Announce": {
                "Type": "Task",
                "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {
                    "Entries": [
                        {
                            "Source": "billing",
                            "DetailType": "Paid",
                            "Detail": {
                                "invoiceId.$": "$.invoice.id",
                                "currency": "EUR",
                                "token.$": "$$.Task.Token",
                                "unknown.$": "$.nowhere",
                            },
                        }
                    ]
                },
                "End": True,
            }
        },
    }
    loaded = project_from_value(
        {
            "stateMachines": {
                "Billing": {"definition": producer, "defaultInput": {"invoice": {"id": "i-1"}}},
                "Books": {"definition": consumer},
            },
            "rules": {
                "Paid": {
                    "eventPattern": {
                        "source": ["billing"],
                        "detail-type": ["Paid"],
                        "detail": {"amount": [{"numeric": [">", 100]}]},
                    },
                    "targets": [{"id": "t", "target": "stateMachine:Books"}],
                },
                "Refunded": {
                    "eventPattern": {"source": ["shop"], "detail-type": ["Refunded"]},
                    "targets": [{"id": "t", "target": "stateMachine:Books"}],
                },
                "Nightly": {
                    "scheduleExpression": "rate(1 day)",
                    "targets": [{"id": "t", "target": "stateMachine:Books"}],
                },
            },
        }
    )
    templates = dict(event_templates(loaded.project, loaded.definitions))
    assert list(templates) == ["Paid (Paid)", "Refunded (Refunded)"]  # a schedule puts no event
    (paid,) = templates["Paid (Paid)"]
    assert paid["Detail"] == {"invoiceId": "i-1", "currency": "EUR", "amount": 101}
    (refunded,) = templates["Refunded (Refunded)"]
    assert refunded["Detail"] == {"lines": [], "invoiceId": PLACEHOLDER}
    for name, entry in (("Paid", paid), ("Refunded", refunded)):
        pattern = loaded.project.rules[name].event_pattern
        event = {
            "version": "0",
            "id": "1",
            "source": entry["Source"],
            "detail-type": entry["DetailType"],
            "account": "123456789012",
            "time": "2026-01-01T00:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": entry["Detail"],
        }
        assert pattern_matches(pattern, event), name


def test_the_example_templates_are_what_retail_puts() -> None:
    loaded = load_project(PIPELINE)
    templates = dict(event_templates(loaded.project, loaded.definitions))
    (created,) = templates["OrderCreatedToFulfillment (OrderCreated)"]
    default = loaded.project.state_machines["RetailOrder"].default_input
    assert created["Detail"] == {k: default[k] for k in ("orderId", "customer", "items")}
    (shipped,) = templates["OrderShippedToRetail (OrderShipped)"]
    assert shipped["Detail"]["orderId"] == "o-1001"  # Fulfillment's JsonMerge of the order it was given
