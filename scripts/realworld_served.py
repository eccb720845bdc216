"""How many Task invocations of the real-world workflows StateCanvas serves with no mocks.

Every state machine in ../shared/realworld (the ASL files, and the machines inside the SAM and
CloudFormation templates) runs once on the bundled engine, inside a runtime of its own project
(the template's queues, topics and buses), with an empty input, twice: with the emulated AWS
services off (as before they existed) and on. Each Task invocation is counted as served, or as
failing only because nothing serves it (no handler, mock, built-in or emulated service).

Lambda functions, activities and `${...}` placeholder resources are the user's own code or
values filled in at deploy time: the script answers them with their input so the run goes on
to the tasks after them, and they are left out of the share, which is of the other tasks.
A task that fails as AWS would fail it (a table that does not exist, a queue URL of another
account) counts as served: the service answered.

    .venv/bin/python scripts/realworld_served.py [--verbose] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.export import import_asl, import_template  # noqa: E402
from engine.integrations import TaskError, TaskRequest  # noqa: E402
from engine.project import LoadedProject, Project  # noqa: E402

REALWORLD = ROOT.parent / "shared" / "realworld"
RUN_SECONDS = 5.0  # real seconds a run may take before it is given up on
PSEUDO = {
    "${AWS::Partition}": "aws",
    "${AWSPartition}": "aws",
    "${Partition}": "aws",
    "${AWS::Region}": "us-east-1",
    "${AWS::AccountId}": "123456789012",
}
UNSERVED_MARKS = (
    "no local handler, mock or built-in service serves",
    "Serve this Task with a handler",
    "unsupported action",
    "Unsupported action",
)


@dataclass
class Tally:
    served: collections.Counter[str] = field(default_factory=collections.Counter)
    unserved: collections.Counter[str] = field(default_factory=collections.Counter)
    # the emulation broke on the (sample) parameters, or something raised that is not a TaskError
    crashed: collections.Counter[str] = field(default_factory=collections.Counter)
    own_code: int = 0  # Lambda, activities, placeholders: answered by the script
    runs: int = 0
    stuck: int = 0  # runs given up on after RUN_SECONDS

    @property
    def total(self) -> int:
        return sum(self.served.values()) + sum(self.unserved.values()) + sum(self.crashed.values())


def _label(request: TaskRequest) -> str:
    prefix = "aws-sdk:" if request.kind == "aws-sdk" else ""
    return f"{prefix}{request.service}:{request.action}{request.pattern}"


def _own_code(request: TaskRequest) -> bool:
    return request.kind in ("lambda", "activity", "placeholder", "unknown") or request.service == "lambda"


def _count(registry: Any, tally: Tally) -> None:
    """Wrap the registry's invoke to count every Task invocation and how it ended."""
    original = registry.invoke

    async def counted(request: TaskRequest) -> Any:
        if _own_code(request):
            tally.own_code += 1
            return request.payload if request.payload is not None else {}
        if request.attempt:  # a Retry's attempt is the same invocation again, not a new one
            return await original(request)
        label = _label(request)
        try:
            result = await original(request)
        except TaskError as exc:
            cause = exc.cause if isinstance(exc.cause, str) else json.dumps(exc.cause)
            if any(mark in (cause or "") for mark in UNSERVED_MARKS):
                tally.unserved[label] += 1
            elif "The local emulation of" in (cause or ""):
                tally.crashed[label] += 1  # the emulation broke on these (sample) parameters
            else:
                tally.served[label] += 1
            raise
        except (TimeoutError, asyncio.CancelledError):
            tally.served[label] += 1  # a `.sync` job or a callback still under way: it is served
            raise
        except Exception:
            tally.crashed[label] += 1
            raise
        tally.served[label] += 1
        return result

    registry.invoke = counted


def _pseudo(value: Any) -> Any:
    """Task resources with CloudFormation's pseudo parameters put in, as a deploy would."""
    if isinstance(value, dict):
        out = {key: _pseudo(item) for key, item in value.items()}
        if out.get("Type") == "Task" and isinstance(out.get("Resource"), str):
            for name, text in PSEUDO.items():
                out["Resource"] = out["Resource"].replace(name, text)
        return out
    if isinstance(value, list):
        return [_pseudo(item) for item in value]
    return value


def _sources(limit: int | None) -> list[tuple[str, dict[str, Any]]]:
    rows = json.loads((REALWORLD / "index.json").read_text(encoding="utf-8"))
    # an ASL file a template points at is run inside that template's project, not twice
    targets = {
        t["in_corpus"] for row in rows for t in row.get("definition_uri_targets") or [] if t.get("in_corpus")
    }
    found: list[tuple[str, dict[str, Any]]] = []
    for row in rows[:limit]:
        path = REALWORLD / row["file"]
        if row["kind"] == "asl":
            if row["file"] in targets:
                continue
            found.append((row["file"], {"result": import_asl(path)}))
        else:
            targets = {t["uri"]: t["in_corpus"] for t in row.get("definition_uri_targets") or []}
            resolve = lambda uri, t=targets: REALWORLD / t[uri] if t.get(uri) else None  # noqa: E731
            found.append((row["file"], {"result": import_template(path, resolve_uri=resolve)}))
    return found


def _runtime(project: Project, definitions: dict[str, Any]) -> Any:
    from engine.project import ProjectRuntime

    try:
        return ProjectRuntime(LoadedProject(project, None, dict(definitions)))
    except Exception:  # a template's choreography this script cannot wire: the machines alone
        bare = Project()
        bare.state_machines = {name: project.state_machines[name] for name in definitions}
        return ProjectRuntime(LoadedProject(bare, None, dict(definitions)))


async def _run_machine(
    project: Project, definitions: dict[str, Any], name: str, tally: Tally, emulate: bool
) -> None:
    from engine.services import emulation_builtins

    runtime = _runtime(project, definitions)
    runtime.registry.emulate = emulate
    _count(runtime.registry, tally)
    real_builtins = emulation_builtins.serve_builtin_sdk
    if not emulate:  # before: no SDK route to the built-ins either

        async def no_builtins(services: Any, request: TaskRequest) -> Any:
            return emulation_builtins.NOT_BUILT_IN

        emulation_builtins.serve_builtin_sdk = no_builtins  # type: ignore[assignment]
    try:
        running = runtime.stepfunctions.start_execution(runtime.machine_arns[name], {})
        tally.runs += 1
        try:
            await asyncio.wait_for(runtime.settle(), RUN_SECONDS)
        except TimeoutError:
            tally.stuck += 1
        for execution in runtime.stepfunctions.executions.values():
            if not execution.task.done():
                execution.task.cancel()
        await asyncio.gather(running.task, return_exceptions=True)
        await runtime.close()
    finally:
        emulation_builtins.serve_builtin_sdk = real_builtins  # type: ignore[assignment]
        if runtime.registry.emulation is not None:
            runtime.registry.emulation.close()


async def measure(emulate: bool, sources: list[tuple[str, dict[str, Any]]], verbose: bool) -> Tally:
    tally = Tally()
    for file, source in sources:
        result = source["result"]
        definitions = {name: _pseudo(definition) for name, definition in result.definitions.items()}
        for name in definitions:
            try:
                await _run_machine(result.project, definitions, name, tally, emulate)
            except Exception as exc:  # a machine the engine refuses to start is no Task invocation
                if verbose:
                    print(f"  {file} {name}: not run ({type(exc).__name__}: {exc})"[:200], file=sys.stderr)
    return tally


def _task_states(scope: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every Task state of a definition, in branches and Map iterations too."""
    found: list[tuple[str, dict[str, Any]]] = []
    states = scope.get("States") if isinstance(scope, dict) else None
    for name, state in (states or {}).items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task" and isinstance(state.get("Resource"), str):
            found.append((name, state))
        for branch in state.get("Branches") or []:
            found.extend(_task_states(branch))
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                found.extend(_task_states(state[key]))
    return found


def _sample(value: Any) -> Any:
    """A Task's Parameters with every path and expression replaced by a sample string."""
    if isinstance(value, dict):
        return {
            (key[:-2] if key.endswith(".$") else key): "sample" if key.endswith(".$") else _sample(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_sample(item) for item in value]
    if isinstance(value, str) and value.strip().startswith("{%"):
        return "sample"
    return value


async def probe(emulate: bool, sources: list[tuple[str, dict[str, Any]]]) -> Tally:
    """Each Task state invoked once, its Parameters' paths filled with sample strings."""
    from engine.asl import classify_resource
    from engine.services import emulation_builtins

    tally = Tally()
    real_builtins = emulation_builtins.serve_builtin_sdk

    async def no_builtins(services: Any, request: TaskRequest) -> Any:
        return emulation_builtins.NOT_BUILT_IN

    for _file, source in sources:
        result = source["result"]
        definitions = {name: _pseudo(definition) for name, definition in result.definitions.items()}
        for machine, definition in definitions.items():
            try:
                runtime = _runtime(result.project, definitions)
            except Exception:
                continue
            runtime.registry.emulate = emulate
            _count(runtime.registry, tally)
            if not emulate:
                emulation_builtins.serve_builtin_sdk = no_builtins  # type: ignore[assignment]
            try:
                for name, state in _task_states(definition):
                    info = classify_resource(state["Resource"])
                    request = TaskRequest(
                        resource=state["Resource"],
                        kind=info.kind if info else "unknown",
                        service=info.service if info else "",
                        action=info.action if info else "",
                        pattern=info.pattern if info else "",
                        payload=_sample(state.get("Parameters", state.get("Arguments", {}))),
                        state_name=name,
                        attempt=0,
                        execution_arn=f"arn:aws:states:us-east-1:123456789012:execution:{machine}:probe",
                        state_machine_name=machine,
                        region="us-east-1",
                        account="123456789012",
                        task_token="probe-token" if (info and info.pattern == ".waitForTaskToken") else None,
                    )
                    request.extra["submit"] = lambda response: None
                    tally.runs += 1
                    with contextlib.suppress(Exception):  # counted by the wrapper
                        await asyncio.wait_for(runtime.registry.invoke(request), RUN_SECONDS)
                for execution in runtime.stepfunctions.executions.values():
                    execution.task.cancel()
                await runtime.close()
            finally:
                emulation_builtins.serve_builtin_sdk = real_builtins  # type: ignore[assignment]
                if runtime.registry.emulation is not None:
                    runtime.registry.emulation.close()
    return tally


def _share(tally: Tally) -> str:
    if not tally.total:
        return "n/a"
    return f"{100 * sum(tally.served.values()) / tally.total:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--verbose", action="store_true", help="list what could not run and each unserved task"
    )
    parser.add_argument("--limit", type=int, help="only the first N files of the corpus")
    args = parser.parse_args(argv)
    if not REALWORLD.is_dir():
        print(f"the real-world corpus is not at {REALWORLD}", file=sys.stderr)
        return 2
    logging.disable(logging.CRITICAL)
    sources = _sources(args.limit)
    print(f"{len(sources)} files of {REALWORLD}")
    for heading, measuring in (
        ("Whole runs, empty input (the Tasks a run reaches)", lambda on: measure(on, sources, args.verbose)),
        ("Every Task state invoked once, paths filled with sample strings", lambda on: probe(on, sources)),
    ):
        print(heading)
        after = Tally()
        for emulate, title in ((False, "before (emulation off)"), (True, "after (emulated services on)")):
            started = time.perf_counter()
            t = asyncio.run(measuring(emulate))
            print(
                f"  {title}: {t.total} non-Lambda Task invocations, {sum(t.served.values())} served, "
                f"{sum(t.unserved.values())} unserved -> {_share(t)} served "
                f"[{t.runs} runs/probes, {t.stuck} given up after {RUN_SECONDS:.0f}s; {t.own_code} "
                f"Lambda/activity/placeholder invocations answered by the script; "
                f"{sum(t.crashed.values())} of them failed inside the emulation; "
                f"{time.perf_counter() - started:.1f}s]"
            )
            after = t
        if after.unserved:
            print("  still unserved after, by resource:")
            for label, count in after.unserved.most_common(None if args.verbose else 15):
                print(f"    {count:4d}  {label}")
        if after.crashed:
            print("  failed inside the emulation (counted as not served):", dict(after.crashed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
