"""The order-pipeline example, end to end and headless: choreography and orchestration together."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import run_cli

from engine.project import load_project
from engine.project.runtime import ProjectRuntime

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


async def test_an_order_flows_from_retail_through_fulfillment_and_back() -> None:
    runtime = ProjectRuntime(load_project(EXAMPLE))
    spec = runtime.loaded.project.state_machines["RetailOrder"]
    running = runtime.start_execution("RetailOrder", spec.default_input)
    await runtime.settle()
    execution = await running.task
    assert execution.status == "SUCCEEDED"
    assert execution.output["shipment"] == {"orderId": "o-1001", "trackingNumber": "TRK-o-1001"}
    lines = runtime.trace.lines()
    assert "  rule OrderCreatedToFulfillment: matched" in lines
    assert any(line.startswith("execution of Fulfillment SUCCEEDED") for line in lines)
    assert any("topic order-updates: queue:customer-notifications delivered" in line for line in lines)
    assert runtime.sqs.depth("customer-notifications").visible == 1  # OrderShipped fanned out
    await runtime.close()


async def test_a_poison_message_lands_in_the_dlq_after_the_receive_count() -> None:
    runtime = ProjectRuntime(load_project(EXAMPLE))
    runtime.put_events(
        [
            {
                "EventBusName": "orders",
                "Source": "retail.orders",
                "DetailType": "OrderCreated",
                "Detail": {
                    "orderId": "o-9",
                    "customer": {"id": "c"},
                    "items": [{"sku": "X", "quantity": 1}],
                    "poison": True,
                },
            }
        ]
    )
    await runtime.settle()
    assert runtime.sqs.depth("warehouse-dlq").visible == 1
    assert runtime.sqs.depth("warehouse-notifications").visible == 0
    receives = [line for line in runtime.trace.lines() if "warehouse-notifications: message received" in line]
    assert len(receives) == 3  # maxReceiveCount in the project
    await runtime.close()


def test_put_events_cli_prints_the_trace_and_the_dlq_depth() -> None:
    entries = json.dumps(
        [
            {
                "EventBusName": "orders",
                "Source": "retail.orders",
                "DetailType": "OrderCreated",
                "Detail": {"orderId": "o-9", "items": [], "poison": True},
            }
        ]
    )
    done = run_cli(["put-events", str(EXAMPLE), "--entries", entries])
    assert done.returncode == 0, done.stderr
    assert "rule OrderCreatedToFulfillment: matched" in done.stdout
    assert "queue warehouse-dlq: message dead-lettered" in done.stdout
    assert "  warehouse-dlq: 1 / 0 / 0" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_rules_that_do_not_match_say_why() -> None:
    done = run_cli(
        [
            "put-events",
            str(EXAMPLE),
            "--entries",
            json.dumps(
                {
                    "EventBusName": "orders",
                    "Source": "retail.returns",
                    "DetailType": "ReturnRequested",
                    "Detail": {"orderId": "o-1", "reason": "damaged"},
                }
            ),
        ]
    )
    assert done.returncode == 0, done.stderr
    assert (
        'rule OrderCreatedToFulfillment: not matched (detail-type: "ReturnRequested" does not match'
        in done.stdout
    )
    assert "execution of Returns SUCCEEDED" in done.stdout
