"""Stepping through choreography: a step over a state that puts an event stops at each hop of the
story it sets off (bus, queue, consumer, started execution), with the event or message there and
the queue depths of that moment."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from engine.project import load_project
from engine.project.hops import Hop, HopGate
from engine.project.runtime import ProjectRuntime
from engine.runtime.debug import Debugger, Pause

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
QUEUES = ("fulfillment-orders", "warehouse-notifications", "customer-notifications")


class Session:
    """RetailOrder under the debugger, the project around it, paused before PublishOrderCreated."""

    def __init__(self) -> None:
        self.runtime = ProjectRuntime(load_project(EXAMPLE))
        self.debugger = Debugger()
        self.debugger.set_breakpoint("PublishOrderCreated")
        self.hops = HopGate(self.debugger)
        self.hops.attach(self.runtime)
        spec = self.runtime.loaded.project.state_machines["RetailOrder"]
        arn = self.runtime.machine_arns["RetailOrder"]
        self.running = self.runtime.stepfunctions.start_execution(arn, spec.default_input, gate=self.debugger)
        self.hops.debugged.add(self.running.arn)
        self.drive = asyncio.ensure_future(self.runtime.settle())

    async def next(self) -> Hop | Pause | None:
        """The next pause, hop or state; None when the execution ended."""
        hop = asyncio.ensure_future(self.hops.next_pause())
        state = asyncio.ensure_future(self.debugger.next_pause())
        done, _ = await asyncio.wait(
            {hop, state, self.running.task}, timeout=10, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in (hop, state):
            if waiter not in done:
                waiter.cancel()
        assert done, "nothing paused and the execution did not end"
        if hop in done:
            return hop.result()
        return state.result() if state in done else None

    def depths(self) -> dict[str, tuple[int, int]]:
        return {q: (self.runtime.sqs.depth(q).visible, self.runtime.sqs.depth(q).in_flight) for q in QUEUES}

    async def close(self) -> None:
        await self.drive
        await self.runtime.close()


async def test_a_step_over_publish_order_created_visits_each_hop_in_order() -> None:
    s = Session()
    pause = await s.next()
    assert isinstance(pause, Pause) and pause.state == "PublishOrderCreated"
    s.debugger.step()

    bus = await s.next()
    assert isinstance(bus, Hop) and (bus.kind, bus.name) == ("bus", "orders")
    assert bus.payload["detail-type"] == "OrderCreated" and bus.payload["source"] == "retail.orders"
    assert bus.payload["detail"]["orderId"] == "o-1001"
    assert bus.detail["matched"] == ["OrderCreatedToFulfillment"]
    missed = [r["rule"] for r in bus.detail["notMatched"]]
    assert missed == ["OrderShippedToRetail", "ReturnRequestedToReturns"]
    assert all(r["reasons"] for r in bus.detail["notMatched"])
    assert bus.keys == ["bus:orders", "rule:OrderCreatedToFulfillment"]
    assert s.depths()["fulfillment-orders"] == (0, 0)  # matched, nothing delivered yet
    s.hops.step()

    queued = await s.next()
    assert isinstance(queued, Hop) and (queued.kind, queued.name) == ("queue", "fulfillment-orders")
    assert queued.payload["id"] == bus.payload["id"]  # the event itself is the message body
    assert queued.parent is bus and queued.detail["depth"] == {"visible": 1, "inFlight": 0, "delayed": 0}
    assert s.depths()["fulfillment-orders"] == (1, 0)
    s.hops.step()

    consumer = await s.next()
    assert isinstance(consumer, Hop) and (consumer.kind, consumer.name) == ("consumer", "fulfillment-orders")
    assert consumer.parent is queued and consumer.detail["messageId"] == queued.detail["messageId"]
    assert consumer.detail["target"] == "stateMachine:Fulfillment"
    assert consumer.key == "queue:fulfillment-orders"
    assert s.depths()["fulfillment-orders"] == (0, 1)  # received: in flight
    s.hops.step()

    started = await s.next()
    assert isinstance(started, Hop) and (started.kind, started.name) == ("execution", "Fulfillment")
    assert started.parent is consumer and started.payload["detail"]["orderId"] == "o-1001"
    assert started.key == "stateMachine:Fulfillment"
    assert not any("execution of Fulfillment started" in line for line in s.runtime.trace.lines())
    s.hops.step()
    assert (await s.next()) is not None  # the story goes on, one hop at a time
    assert any("execution of Fulfillment started" in line for line in s.runtime.trace.lines())

    s.hops.resume()
    s.debugger.resume()
    while (await s.next()) is not None:
        raise AssertionError("continue ran to the end: no breakpoint is left")
    assert (await s.running.task).status == "SUCCEEDED"
    await s.close()


async def test_while_a_hop_is_paused_nothing_is_delivered_and_time_stands_still() -> None:
    s = Session()
    await s.next()
    s.debugger.step()
    await s.next()  # the bus
    s.hops.step()
    await s.next()  # the queue
    now = s.runtime.clock.now()
    for _ in range(50):
        await asyncio.sleep(0.002)
    assert s.depths()["fulfillment-orders"] == (1, 0)  # no consumer took it while paused
    assert s.runtime.clock.now() == now
    s.hops.resume()
    s.debugger.resume()
    assert (await s.next()) is None
    await s.close()


async def test_continue_from_a_state_passes_every_hop_and_no_debugger_means_no_gate() -> None:
    s = Session()
    await s.next()
    s.debugger.resume()
    assert (await s.next()) is None
    assert s.hops.current is None and s.hops.visited == []  # nobody was stepping: no hop was built
    await s.close()
    plain = ProjectRuntime(load_project(EXAMPLE))
    assert plain.hops is None and all(bus.hops is None for bus in plain.events.buses.values())
    await plain.close()


def _kinds(hops: list[Any]) -> list[tuple[str, str]]:
    return [(h.kind, h.name) for h in hops]


async def test_a_hop_is_reached_by_publishing_from_a_state_too() -> None:
    """sns:publish from a Task is a topic hop with the fan-out it will make."""
    runtime = ProjectRuntime(load_project(EXAMPLE))
    gate = HopGate()
    gate.attach(runtime)
    gate.pause()
    definition = {
        "StartAt": "Announce",
        "States": {
            "Announce": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": "order-updates", "Message": {"detail-type": "OrderShipped"}},
                "End": True,
            }
        },
    }
    arn = runtime.stepfunctions.create_state_machine("Announcer", definition)
    running = runtime.stepfunctions.start_execution(arn, {})
    drive = asyncio.ensure_future(runtime.settle())
    topic = await gate.next_pause(10)
    assert (topic.kind, topic.name) == ("topic", "order-updates")
    assert topic.detail["subscriptions"] == [{"endpoint": "queue:customer-notifications", "delivers": True}]
    assert topic.origin == running.arn
    gate.pause()
    gate.step()
    queued = await gate.next_pause(10)
    assert (queued.kind, queued.name, queued.parent) == ("queue", "customer-notifications", topic)
    assert runtime.sqs.depth("customer-notifications").visible == 1
    gate.resume()
    assert (await running.task).status == "SUCCEEDED"
    await drive
    assert _kinds(gate.visited) == [("topic", "order-updates"), ("queue", "customer-notifications")]
    await runtime.close()


async def test_finish_lets_the_story_run_and_the_execution_pauses_at_its_next_state() -> None:
    s = Session()
    await s.next()
    s.debugger.step()
    assert isinstance(await s.next(), Hop)  # the bus
    s.hops.finish()
    pause = await s.next()
    assert isinstance(pause, Pause) and pause.state == "OrderCompleted"
    assert pause.input["shipment"]["trackingNumber"] == "TRK-o-1001"  # Fulfillment answered meanwhile
    s.debugger.resume()
    assert (await s.next()) is None
    await s.close()


def test_a_consumers_batch_is_one_hop_with_every_message() -> None:
    gate = HopGate()
    first = gate.hop("queue", "q", {"n": 1}, messageId="m-1")
    gate.link("m-1", first)

    class Depth:
        visible, in_flight, delayed = 0, 2, 0

    records = [{"messageId": "m-1", "body": '{"n": 1}'}, {"messageId": "m-2", "body": "plain text"}]
    hop = gate.consumer_hop("q", records, "function:f", Depth())
    assert hop.payload == [{"n": 1}, "plain text"] and hop.detail["messageId"] == ["m-1", "m-2"]
    assert hop.parent is first and hop.key == "queue:q"
    assert hop.detail["depth"] == {"visible": 0, "inFlight": 2, "delayed": 0}


async def test_pause_stops_at_the_next_hop_of_any_story_and_is_answered_once() -> None:
    runtime = ProjectRuntime(load_project(EXAMPLE))
    debugger = Debugger()
    gate = HopGate(debugger)
    gate.attach(runtime)
    gate.pause()
    entry = {"EventBusName": "orders", "Source": "retail.returns", "DetailType": "ReturnRequested"}
    runtime.put_events([{**entry, "Detail": {"orderId": "o-1001", "sku": "MUG-7"}}])
    drive = asyncio.ensure_future(runtime.settle())
    hop = await gate.next_pause(10)
    assert (hop.kind, hop.name, hop.origin) == ("bus", "orders", None)  # put from outside any execution
    assert hop.detail["matched"] == ["ReturnRequestedToReturns"]
    gate.resume()
    await drive
    assert [h.kind for h in gate.visited] == ["bus"]  # answered: later hops did not pause, nor were built
    await runtime.close()


async def test_work_a_resumed_hop_releases_runs_before_virtual_time_jumps() -> None:
    """The user answers a paused bus hop while the runtime waits for the gate mid-round: the
    deliveries it releases are created but not begun; time must not leap to the next timer (here
    an hour away) before they have run."""
    runtime = ProjectRuntime(load_project(EXAMPLE))
    hops = HopGate(None)
    hops.attach(runtime)
    hops.set_breakpoint("bus:orders")
    loop = asyncio.get_running_loop()
    hops.on_pause.append(lambda _hop: loop.call_later(0.02, hops.resume))  # a user, 20 ms later
    sent: list[float] = []
    runtime.sqs.subscribe(lambda event: sent.append(event.timestamp) if event.kind == "sent" else None)
    start = runtime.clock.now().timestamp()
    timer = asyncio.ensure_future(runtime.clock.sleep(3600))
    runtime.put_events(
        [
            {
                "EventBusName": "orders",
                "Source": "retail.orders",
                "DetailType": "OrderCreated",
                "Detail": {"orderId": "o-7", "customer": {"id": "c"}, "items": [{"sku": "X", "quantity": 1}]},
            }
        ]
    )
    await runtime.settle()
    assert timer.done()
    assert len(sent) >= 2  # both of the rule's queues
    assert max(sent[:2]) - start < 1, [t - start for t in sent]  # delivered at once, not an hour on
    await runtime.close()
