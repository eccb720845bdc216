"""Run the conformance corpus's execution cases and compare with what AWS recorded.

Cases that call AWS resources are served by mocks rebuilt from the task results in the
case's recorded history, so the engine's own behaviour (data flow, retries, catchers, Map,
Parallel...) is what gets measured.

    python -m engine.testing.corpus_runner [CORPUS_DIR]   # figures by category and every failure
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.integrations import MockConfig
from engine.runtime import run_async
from engine.testing.corpus_resources import seed_services, uses_only_s3

# The recording's account and role, so compare.py's masking applies to our output as to AWS's.
ACCOUNT = "111111111111"
REGION = "us-east-1"
ROLE = "arn:aws:iam::111111111111:role/fake-sfn-role"
RESULT_EVENTS = {
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
}


@dataclass
class CaseResult:
    name: str
    category: str
    ok: bool
    reason: str
    clean: bool


def default_corpus() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "conformance"


def is_clean(case: dict[str, Any]) -> bool:
    return bool(
        case.get("resource_free") and case.get("exact_checkable") and not case.get("timing_dependent")
    )


def mocks_from_history(case: dict[str, Any]) -> MockConfig | None:
    """Per-state task outcomes in the order the recorded history shows them."""
    history = case.get("history")
    if not history:
        return None
    by_id = {event["id"]: event for event in history if isinstance(event.get("id"), int)}
    outcomes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    last_task: str | None = None
    for event in history:
        if event["type"] == "TaskStateEntered":
            last_task = event["stateEnteredEventDetails"]["name"]
        key = RESULT_EVENTS.get(event["type"])
        if key is None:
            continue
        # Histories of concurrent branches were recorded with masked ids: fall back to order.
        state = _entered_state(event, by_id) or last_task
        if state is None:
            continue
        details = event.get(key) or {}
        if event["type"].endswith("Succeeded"):
            outcomes[state].append({"Return": _json_value(details.get("output"))})
        elif event["type"].endswith("TimedOut"):
            outcomes[state].append({"Throw": {"Error": details.get("error", "States.Timeout")}})
        else:
            cause = details.get("cause")
            if cause is not None and not isinstance(cause, str):
                # Lambda reports its error document as Python writes JSON; integrations compact it.
                spaced = event["type"].startswith("LambdaFunction")
                cause = json.dumps(cause) if spaced else json.dumps(cause, separators=(",", ":"))
            outcomes[state].append({"Throw": {"Error": details.get("error"), "Cause": cause}})
    return MockConfig.from_sequences(dict(outcomes)) if outcomes else None


def _entered_state(event: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> str | None:
    seen = 0
    current: dict[str, Any] | None = event
    while current is not None and seen < 50:
        if current["type"] == "TaskStateEntered":
            return current["stateEnteredEventDetails"]["name"]
        previous = current.get("previousEventId")
        current = by_id.get(previous) if isinstance(previous, int) else None
        seen += 1
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def run_case(case: dict[str, Any]) -> CaseResult:
    from compare import check_result  # the corpus's own comparison (on sys.path)

    name, category = case["name"], case.get("category", "?")
    clean = is_clean(case)
    mocks = None if case.get("resource_free") else mocks_from_history(case)
    services = seed_services(case)  # local S3 objects for ItemReader / ResultWriter
    # Without recorded task results the case still runs: it passes if it fails before any task.
    unserved = (
        not case.get("resource_free") and mocks is None and not (services is not None and uses_only_s3(case))
    )
    try:
        execution = await asyncio.wait_for(
            run_async(
                case["definition"],
                case.get("input"),
                mocks=mocks,
                services=services,
                account=ACCOUNT,
                region=REGION,
                role_arn=ROLE,
                machine_type=case.get("state_machine_type") or "STANDARD",
                state_machine_name="StateMachine",
                name="exec0",
            ),
            timeout=30,
        )
    except TimeoutError:
        return CaseResult(name, category, False, "did not finish within 30 s", clean)
    except Exception as exc:  # a crash is a failure with its reason, not a stop of the whole run
        return CaseResult(name, category, False, f"crashed: {type(exc).__name__}: {exc}", clean)
    ok, why = check_result(
        case,
        execution.status,
        execution.output,
        execution.error,
        execution.cause,
        account=ACCOUNT,
        region=REGION,
    )
    if not ok and unserved:
        reason = f"needs AWS resources and has no recorded task results ({why})"
        return CaseResult(name, category, False, reason, clean)
    if not ok:
        got = (
            execution.output
            if execution.status == "SUCCEEDED"
            else {"error": execution.error, "cause": execution.cause}
        )
        return CaseResult(name, category, False, f"{why}: got {json.dumps(got)[:300]}", clean)
    types_ok, types_why = _check_event_types(case, execution.history)
    if not types_ok:
        return CaseResult(name, category, False, types_why, clean)
    return CaseResult(name, category, True, "ok", clean)


def _check_event_types(case: dict[str, Any], history: list[dict[str, Any]]) -> tuple[bool, str]:
    expected = case.get("history_event_types")
    if not expected:
        return True, "ok"
    got = [event["type"] for event in history]
    if _recording_has_gaps(case):
        # Events with masked ids collided when the history was recorded and some were lost:
        # what was kept must all be there, in any order.
        missing = Counter(expected) - Counter(got)
        if missing:
            return False, f"history lacks recorded event types {dict(missing)}: got {got}"
        return True, "ok"
    if case.get("history_order_nondeterministic"):
        if Counter(got) != Counter(expected):
            return False, f"history event types differ (as multisets): got {got} expected {expected}"
    elif got != expected:
        return False, f"history event types differ: got {got} expected {expected}"
    return True, "ok"


def _recording_has_gaps(case: dict[str, Any]) -> bool:
    """True when the recorded history is missing events (its numbered ids skip some)."""
    history = case.get("history") or []
    ids = [e["id"] for e in history if isinstance(e.get("id"), int)]
    if not ids or len(ids) == len(history):
        return bool(ids) and max(ids) != len(history)
    return max(ids) > len(history)


def load_execution_cases(corpus: Path) -> list[dict[str, Any]]:
    cases = []
    for path in sorted((corpus / "asl").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if case["kind"] == "execution":
            cases.append(case)
    return cases


async def run_all(cases: list[dict[str, Any]]) -> list[CaseResult]:
    return [await run_case(case) for case in cases]


def summarize(results: list[CaseResult]) -> list[str]:
    lines = []
    clean = [r for r in results if r.clean]
    lines.append(
        f"clean execution cases (resource-free, exact, not timing-dependent): "
        f"{sum(r.ok for r in clean)}/{len(clean)}"
    )
    lines.append(f"all execution cases: {sum(r.ok for r in results)}/{len(results)}")
    by_category: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        by_category[r.category].append(r)
    for category in sorted(by_category):
        group = by_category[category]
        lines.append(f"  {category}: {sum(r.ok for r in group)}/{len(group)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else default_corpus()
    if not (corpus / "asl").is_dir():
        print(f"no conformance corpus at {corpus}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(corpus))
    results = asyncio.run(run_all(load_execution_cases(corpus)))
    for line in summarize(results):
        print(line)
    failures = [r for r in results if not r.ok]
    if failures:
        print(f"\nfailures ({len(failures)}):")
        for r in failures:
            print(f"  {r.name}: {r.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
