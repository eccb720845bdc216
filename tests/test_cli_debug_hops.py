"""`statecanvas debug PROJECT`: the machine runs inside its project and a step over a state that puts
an event walks the story hop by hop, driven through standard input."""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import CompletedProcess

from cli_runner import run_cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "resources" / "examples" / "order-pipeline"


def debug(commands: str, *args: str) -> CompletedProcess[str]:
    return run_cli(["debug", str(EXAMPLE), "--state-machine", "RetailOrder", *args], stdin=commands)


def test_step_over_publish_order_created_prints_each_hop_with_its_event() -> None:
    commands = "continue\nstep\nstep\nprint $.detail.orderId\nstep\nstep\ncontinue\n"
    done = debug(commands, "--break", "PublishOrderCreated")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "paused at ValidateOrder"  # the project's default input
    assert json.loads(lines[1])["orderId"] == "o-1001"
    assert lines[2] == "paused at PublishOrderCreated"
    hops = [(i, line) for i, line in enumerate(lines) if line.startswith("paused at hop ")]
    assert [line.split(":")[0] for _, line in hops] == [
        "paused at hop bus orders",
        "paused at hop queue fulfillment-orders",
        "paused at hop consumer fulfillment-orders",
        "paused at hop execution Fulfillment",
    ]
    bus_line, queue_line, consumer_line, start_line = (line for _, line in hops)
    assert "rules matched: OrderCreatedToFulfillment" in bus_line
    assert "not matched: OrderShippedToRetail, ReturnRequestedToReturns" in bus_line
    assert "visible 1, in flight 0" in queue_line
    assert "received for stateMachine:Fulfillment (receive #1); visible 0, in flight 1" in consumer_line
    assert "starts (queue fulfillment-orders)" in start_line
    events = [json.loads(lines[i + 1]) for i, _ in hops]
    assert events[0]["detail-type"] == "OrderCreated" and events[0]["detail"]["total"] == 33.0
    assert all(event["id"] == events[0]["id"] for event in events)  # the same event, hop after hop
    assert lines[hops[1][0] + 2] == '"o-1001"'  # print at a hop reads its event
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"  # continue: the round trip completes


def test_out_at_a_hop_lets_the_story_run_and_stops_at_the_next_state() -> None:
    done = debug("continue\nstep\nstep\nout\ncontinue\n", "--break", "PublishOrderCreated")
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("paused at")] == [
        "paused at ValidateOrder",
        "paused at PublishOrderCreated",
        "paused at hop bus orders",
        "paused at hop queue fulfillment-orders",
        "paused at OrderCompleted",
    ]
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"


def test_quit_at_a_hop_ends_the_run_aborted() -> None:
    done = debug("continue\nstep\nquit\n", "--break", "PublishOrderCreated")
    lines = done.stdout.splitlines()
    assert any(line.startswith("paused at hop bus orders") for line in lines)
    assert json.loads(lines[-1])["status"] == "ABORTED"
    assert done.returncode == 1


def test_end_of_input_at_a_hop_lets_the_whole_round_trip_finish() -> None:
    done = debug("continue\nstep\n", "--break", "PublishOrderCreated")
    lines = done.stdout.splitlines()
    assert lines[-3].startswith("paused at hop bus orders")
    result = json.loads(lines[-1])
    assert result["status"] == "SUCCEEDED", (result.get("error"), result.get("cause"), done.stderr)


def test_a_breakpoint_on_a_queue_pauses_there_and_an_unknown_one_is_refused() -> None:
    commands = ["break queue:nope", "break queue:customer-notifications", "continue"]
    done = debug("\n".join([*commands, "print $.detail.trackingNumber", "continue", ""]))
    lines = done.stdout.splitlines()
    assert lines[2].startswith("no queue named 'nope' in the project (its queues: queue:customer-notif")
    assert lines[3] == "breakpoint at queue:customer-notifications"
    assert lines[4].startswith("paused at hop queue customer-notifications: message queued: visible 1")
    assert json.loads(lines[5])["detail-type"] == "OrderShipped"  # fanned out by the topic's filter
    assert lines[6] == '"TRK-o-1001"'
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"


def test_break_on_the_command_line_names_a_resource_or_is_refused() -> None:
    done = debug("continue\ncontinue\n", "--break", "rule:OrderShippedToRetail")
    hops = [line for line in done.stdout.splitlines() if line.startswith("paused at hop")]
    assert len(hops) == 1 and hops[0].startswith("paused at hop bus orders: OrderShipped from")
    refused = debug("", "--break", "topic:nope")
    assert refused.returncode == 2 and "--break topic:nope: no topic named 'nope'" in refused.stderr
