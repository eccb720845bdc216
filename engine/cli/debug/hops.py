"""`statecanvas debug PROJECT --state-machine NAME`: the machine runs with its project around it
(functions, buses, rules, queues, topics, consumers, the other machines), and what its states set
off across the project is stepped one hop at a time.

A `step` over a state that puts an event, sends a message or publishes pauses at the first hop of
that story; each hop prints `paused at hop KIND NAME: ...` (the rules matched and not, the queue's
depth, where the consumer hands the message, the fan-out) and then the event or message as JSON.
`step` runs the hop on to the next one, `out` lets the rest of the story run and stops where the
execution does next, `continue` runs to the next breakpoint, `print EXPR` reads the event or
message, `quit` ends the run. `break queue:NAME` (or bus:, rule:, topic:, stateMachine:) pauses at
every hop at that resource, whatever story it belongs to; `clear` takes it away.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from engine.cli.debug.breaks import BreakRefused
from engine.cli.definitions import read_input
from engine.project import BREAK_KINDS, Hop, HopGate, resource_keys
from engine.runtime import Debugger, Pause, run_async


@dataclass
class DebugRun:
    """The execution under the debugger, its history so far, and the hop gate of its project."""

    execution: asyncio.Future[Any]
    history: Callable[[], list[dict[str, Any]]]
    hops: HopGate | None = None
    close: Callable[[], Awaitable[None]] | None = None
    waiting: dict[str, asyncio.Future[Any]] = field(default_factory=dict)  # pause source -> its waiter

    def forget(self) -> None:
        for waiter in self.waiting.values():
            waiter.cancel()
        self.waiting.clear()


def start_lone(
    definition: dict[str, Any], data: Any, debugger: Debugger, handlers: dict[str, Any]
) -> DebugRun:
    events: list[dict[str, Any]] = []
    execution = asyncio.ensure_future(
        run_async(definition, data, gate=debugger, handlers=handlers, history_sinks=[events.append])
    )
    return DebugRun(execution, lambda: events)


def start_project(
    loaded: Any, machine: str, data: Any, debugger: Debugger, handlers: dict[str, Any]
) -> DebugRun:
    """Start `machine` of `loaded` under `debugger`, its project driven around it until it ends."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.project import ProjectRuntime
    from engine.store import MemoryStore

    store = MemoryStore()
    runtime = ProjectRuntime(loaded, store=store)
    for name, handler in handlers.items():  # --handler serves a function in place of the project's
        runtime.registry.functions.register(name, handler)
    hops = HopGate(debugger)
    hops.attach(runtime)
    running = runtime.stepfunctions.start_execution(runtime.machine_arns[machine], data, gate=debugger)
    hops.debugged.add(running.arn)
    runtime.trace.execution_started(machine, running.arn, "statecanvas debug")

    async def drive() -> None:
        while not running.task.done():
            await runtime.settle()
            await asyncio.sleep(0.01)

    driver = asyncio.ensure_future(drive())

    async def close() -> None:
        hops.stop()
        driver.cancel()
        await asyncio.gather(driver, return_exceptions=True)
        await runtime.close()

    return DebugRun(running.task, lambda: list(store.iter_history(running.arn)), hops, close)


def hop_break(text: str, project: tuple[Any, str] | None, states: list[str]) -> str | None:
    """The resource a `break` names when it names one of the project's (`bus:orders`, `rule:NAME`,
    `queue:NAME`, `topic:NAME`, `stateMachine:NAME`): a hop breakpoint, pausing every event or
    message there. None when it names a state; BreakRefused for a resource the project lacks."""
    text = text.strip()
    kind, sep, name = text.partition(":")
    if project is None or not sep or kind not in BREAK_KINDS or text in states:
        return None
    keys = resource_keys(project[0].project)
    if text not in keys:
        known = ", ".join(sorted(k for k in keys if k.startswith(f"{kind}:"))) or "none"
        raise BreakRefused(f"no {kind} named {name!r} in the project (its {kind}s: {known})")
    return text


def project_input(args: Any, loaded: Any, machine: str) -> Any:
    """--input or --input-file when given, else the machine's default input in the project."""
    if args.input is not None or args.input_file:
        return read_input(args)
    return loaded.project.state_machines[machine].default_input or {}


async def next_pause(run: DebugRun, debugger: Debugger) -> Pause | Hop | None:
    """The next pause, at a state or at a hop; None once the execution has ended."""
    sources: dict[str, Any] = {"state": debugger}
    if run.hops is not None:
        sources["hop"] = run.hops
    for name, source in sources.items():
        if name not in run.waiting:  # a waiter not answered yet stays: its pause is shown next time
            run.waiting[name] = asyncio.ensure_future(source.next_pause())
    for name, waiter in list(run.waiting.items()):
        if waiter.done():
            del run.waiting[name]
            return waiter.result()
    await asyncio.wait({*run.waiting.values(), run.execution}, return_when=asyncio.FIRST_COMPLETED)
    for name, waiter in list(run.waiting.items()):
        if waiter.done():
            del run.waiting[name]
            return waiter.result()
    return None


def print_hop(hop: Hop, out: TextIO) -> None:
    print(hop.line(), file=out)
    print(json.dumps(hop.payload, ensure_ascii=False, default=str), file=out)


# The stepping commands (and their short forms) as they act at a hop.
HOP_COMMANDS = {
    **dict.fromkeys(("step", "s", "next", "n", "into", "i"), "step"),
    **dict.fromkeys(("out", "o"), "out"),
    **dict.fromkeys(("continue", "c"), "continue"),
    **dict.fromkeys(("quit", "q", "exit"), "quit"),
}


def at_hop(run: DebugRun, debugger: Debugger, command: str) -> None:
    """A stepping command given while paused at a hop: step and into run it on to the next hop;
    out lets the rest of the story run and stops where the execution does next; continue lets
    every hop and the execution run to the next breakpoint; quit ends all."""
    hops = run.hops
    assert hops is not None
    if command == "continue":
        hops.resume()
        debugger.resume()
    elif command == "quit":
        hops.stop()
        debugger.stop()
    elif command == "out":
        hops.finish()
    else:
        hops.step()
