"""The words of a deploy or a pull: what was planned, what changed, what was written, why it failed.

`statecanvas deploy`/`pull` and the designer's Deploy dialog show the same report, so its
wording lives here once: a progress line per change or stack event, the counts at the end,
the summary of a pulled project, and failures in words a user can act on. Nothing here calls
AWS; `engine.deploy.session` fills these reports.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.deploy.clients import DeployError, DeploySetupError, describe_error
from engine.deploy.plan import LABELS, Change, Plan
from engine.deploy.stack import StackEvent
from engine.project import Project

INSTALL_HINT = "Deploying and pulling need boto3. Install it with:\n    pip install 'statecanvas[aws]'"
APPLIED = {"create": "created", "update": "updated", "replace": "replaced"}
STACK_APPLIED = APPLIED | {"delete": "deleted"}  # only a stack deletes what left the template
# botocore's names for "the endpoint did not answer"
CONNECTION_FAILURES = ("EndpointConnectionError", "ConnectTimeout", "ReadTimeout", "Could not connect")


def boto3_available() -> bool:
    """Whether deploying can work at all (boto3 is the `aws` extra), without importing it."""
    try:
        return importlib.util.find_spec("boto3") is not None
    except (ImportError, ValueError):
        return False


@dataclass
class DeployReport:
    """What a deploy (or a dry run) did: the plan, the changes applied or stack events seen, or the error."""

    dry_run: bool = False
    stack: str | None = None  # deployed as this CloudFormation stack; None: through the service APIs
    plan: Plan | None = None
    counts: dict[str, int] = field(default_factory=dict)  # created/updated/replaced/unchanged/skipped
    applied: list[str] = field(default_factory=list)  # progress lines, as shown while deploying
    changes: list[Change] = field(default_factory=list)  # what the service-API path applied
    events: list[StackEvent] = field(default_factory=list)  # what the stack path saw
    status: str = ""  # the stack's status at the end
    invalid: list[str] = field(default_factory=list)  # definition errors that stopped it before AWS
    error: str | None = None
    failure: BaseException | None = None  # what was raised, when something was

    @property
    def plan_text(self) -> str:
        return self.plan.text() if self.plan is not None else ""

    def summary(self) -> str:
        if self.error is not None:
            if self.dry_run:
                return f"Plan failed: {self.error}"
            done = ", ".join(self.applied) or "nothing"
            return f"Deploy failed: {self.error}\nApplied before the failure: {done}"
        parts = ", ".join(f"{n} {word}" for word, n in self.counts.items())
        if self.dry_run:
            return f"Plan: {parts}"
        if not any(self.counts.get(w, 0) for w in APPLIED.values()):
            return f"Nothing to change: {parts}"
        return f"Deployed: {parts}"


@dataclass
class PullReport:
    """What a pull wrote (`summary`, lower case as the command line prints it), or why it wrote nothing."""

    path: Path | None = None
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    failure: BaseException | None = None


def change_line(change: Change) -> str:
    """ "created state machine Orders": one applied change, as the progress shows it."""
    return f"{APPLIED.get(change.action, change.action)} {LABELS.get(change.kind, change.kind)} {change.name}"


def applying_line(stack: str | None) -> str:
    """The line between a plan with changes and the progress of applying it."""
    return f"executing the change set on stack {stack}:" if stack else "applying:"


def invalid_error(lines: Sequence[str]) -> str:
    return "fix the state machines first:\n" + "\n".join(lines[:20])


def api_counts(plan: Plan, applied: Sequence[Change], *, dry_run: bool) -> dict[str, int]:
    if dry_run:
        counts = {f"to {a}": plan.count(a) for a in APPLIED if plan.count(a)}
    else:
        counts = {word: sum(1 for c in applied if c.action == a) for a, word in APPLIED.items()}
    return counts | {"unchanged": plan.count("unchanged"), "skipped": plan.count("skip")}


def stack_counts(plan: Plan, *, dry_run: bool) -> dict[str, int]:
    if not plan.has_changes:
        # The template is the one the stack has: no change set was made.
        return {"to change": 0} if dry_run else {"changes": 0}
    if dry_run:
        return {f"to {a}": plan.count(a) for a in STACK_APPLIED if plan.count(a)}
    return {word: plan.count(a) for a, word in STACK_APPLIED.items() if plan.count(a)}


def project_counts(project: Project) -> str:
    """ "3 state machines, 3 rules, 1 queue": what a pulled project holds."""
    counts = [
        (len(project.state_machines), "state machine"),
        (len(project.rules), "rule"),
        (len(project.queues), "queue"),
        (len(project.topics), "topic"),
        (len(project.subscriptions), "subscription"),
        (len(project.functions), "function"),
        (len(project.consumers), "consumer"),
    ]
    return ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in counts if n)


def failure_text(exc: BaseException) -> str:
    """A failure in the engine's words: its own errors as they are, AWS's in one line."""
    if isinstance(exc, DeployError | DeploySetupError):
        return str(exc).strip() or type(exc).__name__
    try:
        return describe_error(exc)
    except Exception:
        return f"{type(exc).__name__}: {exc}".rstrip(": ")


def explain_failure(exc: BaseException, endpoint_url: str | None) -> str:
    """Why a plan, deploy or pull failed, naming the setting to change as a settings form labels it.

    The engine's own messages speak to the command line (--region); the designer's Deploy
    dialog shows these instead, which name its Region, Profile and Endpoint URL, and a failure
    to connect says which endpoint was tried."""
    text = str(exc).strip()
    if isinstance(exc, ImportError) or "needs boto3" in text:
        return " ".join(INSTALL_HINT.split())
    if text.startswith("no AWS region"):
        return (
            "no AWS region: type one in Region (e.g. eu-west-1), set AWS_REGION, or choose a Profile with one"
        )
    if text.startswith("no AWS credentials"):
        return (
            "no AWS credentials found: choose a Profile from your AWS config, or set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY before starting StateCanvas (for LocalStack or moto any values do)"
        )
    if "profile" in text.lower() and "could not be found" in text:
        return f"Profile: {text}"
    if isinstance(exc, ValueError) and "endpoint" in text.lower():
        return f"Endpoint URL: {text}"
    detail = failure_text(exc)
    if any(word in detail for word in CONNECTION_FAILURES):
        where = f"the Endpoint URL {endpoint_url}" if endpoint_url else "AWS"
        return f"{detail} (could not reach {where}: check the address, that it is running, and the network)"
    return detail


def json_failure(report: DeployReport) -> dict[str, Any]:
    """A failed deploy as `--json` prints it: the error and what was done before it."""
    if report.stack:
        return {"error": report.error, "events": [e.__dict__ for e in report.events]}
    return {"error": report.error, "applied": [c.to_json() for c in report.changes]}


def json_result(report: DeployReport) -> dict[str, Any]:
    """A deploy as `--json` prints it: the plan, then what was applied or the stack's events."""
    plan = report.plan
    if plan is None:
        return json_failure(report)
    if report.stack:
        return plan.to_json() | {
            "stack": report.stack,
            "dryRun": report.dry_run,
            "status": report.status,
            "events": [e.__dict__ for e in report.events],
        }
    return plan.to_json() | {"dryRun": report.dry_run, "applied": [c.to_json() for c in report.changes]}
