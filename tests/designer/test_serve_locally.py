"""File > Serve Locally: the designer answers the AWS APIs for its project, and lists the executions
that clients start as they run. The client (boto3) runs in a worker thread; the test coroutine
runs on Qt's loop (qasync), which is also the server's loop, and waits by polling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from serve_window import client, file_menu_action, open_pipeline, stop_serving

ROLE = "arn:aws:iam::123456789012:role/local"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    window = open_pipeline(qtbot, tmp_path)
    yield window
    await stop_serving(window)


async def test_serve_locally_lists_the_executions_clients_start(win: Any) -> None:
    file_menu_action(win, "Ser&ve Locally").trigger()
    panel = await until(lambda: getattr(win, "serve_panel", None), what="the serve panel")
    await until(lambda: panel.serving, what="the server to listen")
    url = panel.app.context.base_url
    assert url in panel.address.text() and "local use only" in panel.address.text()
    assert win.serve_dock.isVisible()
    sfn = client(url)
    machines = await asyncio.to_thread(lambda: sfn.list_state_machines()["stateMachines"])
    assert {m["name"] for m in machines} == {"Fulfillment", "RetailOrder", "Returns"}

    waits = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}

    def start() -> str:
        arn = sfn.create_state_machine(name="Waits", definition=json.dumps(waits), roleArn=ROLE)
        return sfn.start_execution(stateMachineArn=arn["stateMachineArn"], name="from-a-client")[
            "executionArn"
        ]

    execution = await asyncio.to_thread(start)
    await until(lambda: panel.statuses().get("from-a-client") == "RUNNING", what="the running execution")
    await until(lambda: panel.statuses().get("from-a-client") == "SUCCEEDED", what="its end")
    assert panel.table.item(0, 1).text() == "Waits" and panel.table.item(0, 0).toolTip() == execution

    long_wait = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}

    def start_long() -> None:
        arn = sfn.create_state_machine(name="Long", definition=json.dumps(long_wait), roleArn=ROLE)
        sfn.start_execution(stateMachineArn=arn["stateMachineArn"], name="cut-short")

    await asyncio.to_thread(start_long)
    await until(lambda: panel.statuses().get("cut-short") == "RUNNING", what="the second execution")
    file_menu_action(win, "Ser&ve Locally").trigger()  # again: stop serving
    await until(lambda: not panel.serving and panel.address.text() == "Not serving.", what="the stop")
    # what ran stays listed; what was running ended as stopped, as its clients would read it
    assert panel.statuses() == {"from-a-client": "SUCCEEDED", "cut-short": "ABORTED"}
