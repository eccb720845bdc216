"""`statecanvas debug`: the terminal front end of the debugger, driven one command per line.

Commands: step, into, out, continue, break STATE [if EXPR], clear STATE, print [EXPR], history,
branches, switch N, help, quit. The execution starts paused at its first state. Every pause
prints a line `paused at STATE` (inside a Parallel branch or a Map iteration followed by
`[thread N: LABEL]`) and then the state's input as JSON; the end prints the same object as
`statecanvas run --json`.

A pause in one branch or iteration holds every other one at its next state (all-stop):
`branches` lists them (the current one marked *), `switch N` makes thread N the one that
step, into, out and print act on, and continue lets them all go. With --non-stop the other
branches and iterations run on while one is paused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

from engine.asl import invalid_definition_message, validate
from engine.cli.debug.breaks import BreakRefused, parse_break, print_expression
from engine.cli.debug.history import print_history
from engine.cli.debug.hops import (
    HOP_COMMANDS,
    at_hop,
    hop_break,
    next_pause,
    print_hop,
    project_input,
    start_lone,
    start_project,
)
from engine.cli.debug.threads import list_threads, print_pause, switch_thread
from engine.cli.definitions import read_definition_and_handlers, read_input
from engine.cli.handlers import add_handler_option, load_handlers
from engine.cli.project import choose_machine, load_project_arg, names_project
from engine.cli.usage import UsageError
from engine.runtime import Debugger, Pause
from engine.runtime.debug import GRAMMAR

HELP = (
    "commands: step | into | out | continue | break STATE [if EXPR] | clear STATE | print [EXPR] | "
    "history [N] [--json] | branches | switch N | help | quit"
)


def add_debug_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "debug",
        help="step through a state machine in the terminal",
        description="\n\n".join(__doc__.split("\n\n")[1:3]) if __doc__ else None,
        epilog=GRAMMAR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("file", metavar="FILE", help="an ASL file, or a project (its file or folder)")
    cmd.add_argument(
        "--state-machine",
        metavar="NAME",
        help="for a project, which state machine: it runs with the project around it, and a step over a "
        "state that puts an event, sends or publishes stops at each hop (bus, queue, consumer, topic, "
        "started execution), printed 'paused at hop KIND NAME' and the event or message as JSON; "
        "break bus:NAME, rule:NAME, queue:NAME, topic:NAME or stateMachine:NAME pauses at every hop there",
    )
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="JSON")
    source.add_argument("--input-file", metavar="PATH")
    cmd.add_argument(
        "--break",
        dest="breaks",
        metavar="STATE",
        action="append",
        default=[],
        help="pause before this state (repeatable); 'STATE if EXPR' pauses only when EXPR holds",
    )
    cmd.add_argument(
        "--non-stop",
        action="store_true",
        help="a pause stops only its own branch or iteration; the others run on",
    )
    add_handler_option(cmd, help_text=None)
    cmd.set_defaults(handler=cmd_debug)


def cmd_debug(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    definition, name, handlers = read_definition_and_handlers(args.file, args.state_machine)
    problems = [d for d in validate(definition) if d.severity == "ERROR"]
    if problems:
        raise UsageError(f"{name}: {invalid_definition_message(problems)}")
    handlers |= load_handlers(args.handler_specs)
    project, data = _project(args)
    for text in args.breaks:
        try:
            if hop_break(text, project, _all_states(definition)) is None:
                parse_break(text, _all_states(definition))
        except BreakRefused as exc:
            raise UsageError(f"--break {text}: {exc}") from None
    session = _session(definition, data, args.breaks, handlers, out, non_stop=args.non_stop, project=project)
    return asyncio.run(session)


def _project(args: argparse.Namespace) -> tuple[tuple[Any, str] | None, Any]:
    """(the project and the machine to debug, the input) when FILE is a project; else (None, input)."""
    if not names_project(args.file):
        return None, read_input(args)
    loaded = load_project_arg(args.file)
    machine = choose_machine(loaded, args.state_machine, args.file)
    return (loaded, machine), project_input(args, loaded, machine)


async def _session(
    definition: dict[str, Any],
    data: Any,
    breaks: list[str],
    handlers: dict[str, Any],
    out: TextIO,
    *,
    non_stop: bool = False,
    project: tuple[Any, str] | None = None,
) -> int:
    debugger = Debugger(non_stop=non_stop)
    states = _all_states(definition)
    hop_breaks = [text for text in breaks if hop_break(text, project, states)]
    for text in breaks:  # checked by cmd_debug before the session began
        if text not in hop_breaks:
            debugger.set_breakpoint(*parse_break(text, states))
    debugger.on_condition_error.append(
        lambda _state, message: print(f"note: {message}", file=out, flush=True)
    )
    debugger.pause()
    if project is not None:  # the project around the machine; its choreography stepped hop by hop
        run = start_project(*project, data, debugger, handlers)
        for text in hop_breaks:
            run.hops.set_breakpoint(text.strip())  # type: ignore[union-attr]
    else:
        run = start_lone(definition, data, debugger, handlers)
    execution = run.execution
    loop = asyncio.get_running_loop()
    pause: Any = None  # a Pause at a state, or a Hop of the project's choreography
    while True:
        if pause is None:
            pause = await next_pause(run, debugger)
            if pause is None:
                break
            if isinstance(pause, Pause):
                print_pause(pause, out)
            else:
                print_hop(pause, out)
            out.flush()
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:  # end of input: let the execution finish
            debugger.breakpoints.clear()
            debugger.resume()
            if run.hops is not None:
                run.hops.resume()
            pause = None
            continue
        command, _, rest = line.strip().partition(" ")
        rest = rest.strip()
        if not isinstance(pause, Pause) and command in HOP_COMMANDS:
            at_hop(run, debugger, HOP_COMMANDS[command])
            pause = None
        elif command in ("step", "s", "next", "n"):
            debugger.step()
            pause = None
        elif command in ("into", "i"):
            debugger.step_into()
            pause = None
        elif command in ("out", "o"):
            debugger.step_out()
            pause = None
        elif command in ("continue", "c"):
            debugger.resume()
            if run.hops is not None:  # continue lets every paused hop go as well
                run.hops.resume()
            pause = None
        elif command in ("break", "b") and _break_at_hop(rest, project, states, run, out):
            pass
        elif command == "clear" and run.hops is not None and rest in run.hops.breakpoints:
            run.hops.clear_breakpoint(rest)
            print(f"cleared {rest}", file=out)
        elif command in ("break", "b"):
            try:
                state, condition = parse_break(rest, states)
            except BreakRefused as exc:
                print(exc, file=out)
            else:
                debugger.set_breakpoint(state, condition)
                print(f"breakpoint at {state}" + (f" if {condition}" if condition else ""), file=out)
        elif command == "clear":
            known = rest in debugger.breakpoints
            debugger.clear_breakpoint(rest)
            print(f"cleared {rest}" if known else f"no breakpoint at {rest!r}", file=out)
        elif command in ("print", "p"):
            if rest:
                print_expression(rest, pause, out)
            else:
                print(json.dumps(pause.input, ensure_ascii=False), file=out)
        elif command == "history":
            print_history(run.history(), rest, out)
        elif command in ("quit", "q", "exit"):
            debugger.stop()
            pause = None
        elif command in ("branches", "threads"):
            await list_threads(debugger, out)
        elif command in ("switch", "thread"):
            pause = await switch_thread(debugger, rest, out) or pause
        elif command == "help":
            print(f"{HELP}\n{GRAMMAR}", file=out)
        elif command:
            print(HELP, file=out)
        out.flush()
    run.forget()
    if run.close is not None:
        await run.close()
    result = execution.result()
    print(json.dumps(result.to_json(), ensure_ascii=False), file=out)
    return 0 if result.status == "SUCCEEDED" else 1


def _break_at_hop(
    text: str, project: tuple[Any, str] | None, states: list[str], run: Any, out: TextIO
) -> bool:
    """`break KIND:NAME` on a resource of the project: set (or refuse, saying why); False when TEXT
    names no resource, for the state breakpoints to read."""
    try:
        key = hop_break(text, project, states)
    except BreakRefused as exc:
        print(exc, file=out)
        return True
    if key is None:
        return False
    run.hops.set_breakpoint(key)
    print(f"breakpoint at {key}", file=out)
    return True


def _all_states(scope: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for name, state in (scope.get("States") or {}).items():
        names.append(name)
        for branch in state.get("Branches") or []:
            names += _all_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                names += _all_states(state[key])
    return names
