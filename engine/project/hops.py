"""Stepping through choreography: the hops an event or a message makes, one at a time.

A state that puts an event, sends a message or publishes sets off a story across the project:
the bus matches rules, targets receive, queues hold the message until a consumer takes it,
topics fan out, executions start. Under the debugger each of these places is a hop where the
story can pause, the way a state pauses before it runs: the event or message is there, at that
resource, and has not moved on yet.

The `HopGate` is the choreography's twin of the state debug gate. The runtime, the buses and the
service integrations ask it at every hop only when one is attached (`hops is not None`), so a
project without a debugger pays one attribute check per delivery. A hop knows where it came from:
hops set off inside another hop's work inherit it through a context variable (asyncio tasks copy
their creator's context), a message received from a queue is linked to the hop that put it there
by its id, and a story that a state set off carries that execution's ARN.

Stepping follows the story: a step from a state pauses at the first hop its execution sets off; a
step from a hop pauses at the next hop of the same story. While a hop is paused everything else
that reaches a hop waits for it (and then passes: it happened alongside), and the project runtime
neither delivers from queues nor moves virtual time, so the depths shown are the depths at that
hop. Continue lets everything run to the next breakpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# The hop whose work the current task does, and the execution whose state set the story off.
_CURRENT: ContextVar[Hop | None] = ContextVar("statecanvas_hop", default=None)
_ORIGIN: ContextVar[str | None] = ContextVar("statecanvas_hop_origin", default=None)

KINDS = ("bus", "queue", "consumer", "topic", "execution")


@dataclass(eq=False)
class Hop:
    """An event or a message at one resource of the project, before it moves on."""

    id: int
    kind: str  # bus, queue, consumer, topic, execution
    name: str  # the bus, queue, topic or state machine
    payload: Any  # the event, the message (parsed when it is JSON), the execution's input
    detail: dict[str, Any] = field(default_factory=dict)
    parent: Hop | None = None
    origin: str | None = None  # the execution ARN whose state set the story off

    @property
    def story(self) -> str:
        """What every hop of one story shares: the execution that set it off, or its first hop."""
        root = self
        while root.parent is not None:
            root = root.parent
        return root.origin or f"hop:{root.id}"

    @property
    def key(self) -> str:
        """The canvas layout key of the resource the hop is at."""
        prefix = {"consumer": "queue", "execution": "stateMachine"}.get(self.kind, self.kind)
        return f"{prefix}:{self.name}"

    @property
    def keys(self) -> list[str]:
        """The resource first, then what the hop chose there (the rules an event matched)."""
        return [self.key, *(f"rule:{rule}" for rule in self.detail.get("matched", []))]

    # What `print EXPR` and a front end's data view read at a hop, as at a state: the event or the
    # message is the input; what the hop decided is its context.
    @property
    def input(self) -> Any:
        return self.payload

    @property
    def variables(self) -> dict[str, Any]:
        return {}

    @property
    def context(self) -> dict[str, Any]:
        return {"Hop": {"Kind": self.kind, "Name": self.name, **self.detail}}

    def summary(self) -> str:
        """One line: what is at this hop and what happens to it next."""
        d = self.detail
        if self.kind == "bus":
            matched = ", ".join(d.get("matched", [])) or "none"
            missed = ", ".join(r["rule"] for r in d.get("notMatched", [])) or "none"
            event = f"{d.get('detailType')} from {d.get('source')}"
            return f"{event}; rules matched: {matched}; not matched: {missed}"
        if self.kind == "queue":
            depth = d.get("depth", {})
            return (
                f"message queued: visible {depth.get('visible', 0)}, in flight {depth.get('inFlight', 0)}, "
                f"delayed {depth.get('delayed', 0)} (message {d.get('messageId')})"
            )
        if self.kind == "consumer":
            depth = d.get("depth", {})
            return (
                f"message received for {d.get('target')} (receive #{d.get('receiveCount', 1)}); "
                f"visible {depth.get('visible', 0)}, in flight {depth.get('inFlight', 0)} "
                f"(message {d.get('messageId')})"
            )
        if self.kind == "topic":
            to = ", ".join(s["endpoint"] for s in d.get("subscriptions", []) if s["delivers"]) or "nobody"
            out = [s["endpoint"] for s in d.get("subscriptions", []) if not s["delivers"]]
            return f"fans out to {to}" + (f"; filtered out: {', '.join(out)}" if out else "")
        return f"starts ({d.get('cause')})"

    def line(self) -> str:
        return f"paused at hop {self.kind} {self.name}: {self.summary()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "payload": self.payload,
            **self.detail,
            "from": self.parent.key if self.parent is not None else self.origin,
        }


def parsed(text: Any) -> Any:
    """A message body as the user thinks of it: its JSON when it is JSON, else the text."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


@contextlib.contextmanager
def origin(execution_arn: str | None) -> Any:
    """Marks the work a state does (a Task's putEvents, sendMessage, publish) as that execution's."""
    token = _ORIGIN.set(execution_arn)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


class HopGate:
    """Pauses choreography at its hops for a debugger's front end."""

    def __init__(self, debugger: Any = None) -> None:
        self.debugger = debugger  # the state debugger of the execution being debugged
        self.debugged: set[str] = set()  # ARNs of the executions that debugger runs
        self.current: Hop | None = None
        self.breakpoints: set[str] = set()  # resource keys (bus:orders, queue:q): pause at every hop there
        self.visited: list[Hop] = []
        self.on_pause: list[Callable[[Hop], None]] = []
        self.on_resume: list[Callable[[], None]] = []
        self.stopped = False
        self._follow: Hop | None = None
        self._pause_next = False
        self._resumed: asyncio.Event | None = None
        self._pauses: asyncio.Queue[Hop] | None = None
        self._links: dict[str, Hop] = {}  # message id -> the hop that put it in its queue
        self._ids = itertools.count(1)
        if debugger is not None:
            debugger.on_pause.append(self._state_paused)

    def attach(self, runtime: Any) -> None:
        """Gate `runtime` (a ProjectRuntime): its deliveries, consumers and buses ask this gate."""
        runtime.hops = self
        for bus in runtime.events.buses.values():
            bus.hops = self

    # Commands ----------------------------------------------------------------------------------

    def step(self) -> None:
        """Run the paused hop on to the next hop of its story."""
        self._go(self.current)

    def resume(self) -> None:
        """Let every hop pass until the next breakpoint (a state's)."""
        self._go(None)

    def finish(self) -> None:
        """Step out: let the rest of this story run unpaused, back to where the debugged execution
        stops next (it is still stepping: its next state pauses)."""
        self._go(None)

    def pause(self) -> None:
        """Pause at the next hop, whichever story it belongs to."""
        self._pause_next = True

    def stop(self) -> None:
        self.stopped = True
        self._go(None)

    def set_breakpoint(self, key: str) -> None:
        """Pause at every hop at the resource `key` (`bus:NAME`, `rule:NAME` for the events a rule
        matches, `queue:NAME` for arrivals and receipts, `topic:NAME`, `stateMachine:NAME` for starts)."""
        self.breakpoints.add(key)

    def clear_breakpoint(self, key: str) -> bool:
        known = key in self.breakpoints
        self.breakpoints.discard(key)
        return known

    async def next_pause(self, timeout: float | None = None) -> Hop:
        queue = self._queue()
        return await asyncio.wait_for(queue.get(), timeout) if timeout else await queue.get()

    @property
    def paused(self) -> bool:
        """Whether a hop is paused now (all of choreography waits for the user)."""
        return self._resumed is not None

    async def wait_resumed(self) -> None:
        """Return once no hop is paused (the runtime's driver waits here while one is)."""
        while self._resumed is not None:
            await self._resumed.wait()

    # Hops --------------------------------------------------------------------------------------

    @property
    def watching(self) -> bool:
        """Whether a hop could pause now: a cheap question asked before doing any work for one."""
        return not self.stopped and (
            self.current is not None
            or self._follow is not None
            or self._pause_next
            or bool(self.breakpoints)
            or self._stepping()
        )

    def hop(self, kind: str, name: str, payload: Any, parent: Hop | None = None, **detail: Any) -> Hop:
        parent = parent or _CURRENT.get()
        origin_arn = parent.origin if parent is not None else _ORIGIN.get()
        return Hop(next(self._ids), kind, name, payload, detail, parent, origin_arn)

    @contextlib.asynccontextmanager
    async def passing(self, hop: Hop) -> AsyncIterator[Hop]:
        """Arrive at `hop` (pausing if the user is stepping this story), then do its work as its."""
        await self.arrive(hop)
        token = _CURRENT.set(hop)
        try:
            yield hop
        finally:
            _CURRENT.reset(token)

    async def arrive(self, hop: Hop) -> None:
        self.visited.append(hop)
        del self.visited[:-1000]
        waited = False
        while self._resumed is not None:  # another hop is paused: all of choreography waits
            waited = True
            await self._resumed.wait()
        if waited or self.stopped or not self._wanted(hop):
            return
        self._pause_next = False
        self.current = hop
        resumed = self._resumed = asyncio.Event()
        self._queue().put_nowait(hop)
        for listener in list(self.on_pause):
            listener(hop)
        await resumed.wait()

    def link(self, message_id: str | None, hop: Hop) -> None:
        """The message `message_id` entered its queue at `hop`: its receipt continues that story."""
        if message_id:
            self._links[message_id] = hop
            if len(self._links) > 10_000:
                del self._links[next(iter(self._links))]

    def linked(self, message_id: str | None) -> Hop | None:
        return self._links.get(message_id or "")

    # Helpers for the places hops happen ---------------------------------------------------------

    def bus_hop(self, trace: Any) -> Hop:
        event = trace.event
        return self.hop(
            "bus",
            trace.bus,
            event,
            source=event.get("source"),
            detailType=event.get("detail-type"),
            eventId=trace.event_id,
            matched=[r.rule for r in trace.rules if r.matched],
            notMatched=[{"rule": r.rule, "reasons": list(r.reasons)} for r in trace.rules if not r.matched],
        )

    async def queued(self, queue: str, body: Any, sent: dict[str, Any], depth: Any) -> None:
        """A message entered `queue`: pause there (it is visible, no consumer has it yet)."""
        hop = self.hop("queue", queue, parsed(body), messageId=sent.get("MessageId"), depth=depth_json(depth))
        self.link(sent.get("MessageId"), hop)
        await self.arrive(hop)

    def consumer_hop(self, queue: str, records: list[dict[str, Any]], target: str, depth: Any) -> Hop:
        """A consumer holds `records` (one message, or a function's batch: then the hop shows the
        batch's bodies and continues the story of its first message)."""
        first = records[0]
        message_id = first.get("messageId")
        batch = len(records) > 1
        return self.hop(
            "consumer",
            queue,
            [parsed(r.get("body")) for r in records] if batch else parsed(first.get("body")),
            parent=self.linked(message_id),
            messageId=[r.get("messageId") for r in records] if batch else message_id,
            receiveCount=int((first.get("attributes") or {}).get("ApproximateReceiveCount", 1)),
            target=target,
            depth=depth_json(depth),
        )

    def topic_hop(self, sns: Any, topic: str, message: str, attributes: dict[str, Any] | None) -> Hop:
        found = sns.topics.get(topic.rsplit(":", 1)[-1])
        subscriptions = []
        for sub in found.subscriptions if found is not None else []:
            delivers = sub.policy is None or sub.policy.matches(message, attributes or {})
            subscriptions.append({"endpoint": sub.endpoint, "delivers": bool(delivers)})
        return self.hop("topic", topic.rsplit(":", 1)[-1], parsed(message), subscriptions=subscriptions)

    # Internals ---------------------------------------------------------------------------------

    def _stepping(self) -> bool:
        debugger = self.debugger
        return debugger is not None and bool(getattr(debugger, "stepping", False))

    def _wanted(self, hop: Hop) -> bool:
        if self._pause_next or (self.breakpoints and not self.breakpoints.isdisjoint(hop.keys)):
            return True
        if self._follow is not None:
            return hop.story == self._follow.story
        return self._stepping() and hop.origin in self.debugged and hop.parent is None

    def _state_paused(self, _pause: Any) -> None:
        """The debugged execution paused at a state: the story being stepped has come back to it
        (and a Pause asked of both has been answered there)."""
        self._follow = None
        self._pause_next = False

    def _go(self, follow: Hop | None) -> None:
        self._follow = follow
        self.current = None
        resumed, self._resumed = self._resumed, None
        if resumed is not None:
            resumed.set()
            for listener in list(self.on_resume):
                listener()

    def _queue(self) -> asyncio.Queue[Hop]:
        if self._pauses is None:
            self._pauses = asyncio.Queue()
        return self._pauses


BREAK_KINDS = ("bus", "rule", "queue", "topic", "stateMachine")


def resource_keys(project: Any) -> set[str]:
    """The keys a hop breakpoint can name in `project` (an engine.project Project)."""
    keys = {"bus:default", *(f"bus:{name}" for name in project.buses)}
    keys |= {f"rule:{name}" for name in project.rules}
    keys |= {f"queue:{name}" for name in project.queues}
    keys |= {f"topic:{name}" for name in project.topics}
    return keys | {f"stateMachine:{name}" for name in project.state_machines}


def depth_json(depth: Any) -> dict[str, int]:
    return {"visible": depth.visible, "inFlight": depth.in_flight, "delayed": depth.delayed}
