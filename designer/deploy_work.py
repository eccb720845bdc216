"""The Deploy and Pull dialog's work: `engine.deploy` calls, their reports and the words for failures.

Runs on the dialog's worker thread and holds no Qt: settings in, a DeployReport or PullReport out,
with every failure turned into a message (what went wrong, which field to change) rather than raised.
Credentials come from boto3's usual sources; nothing here reads, shows or logs them.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("statecanvas.designer.deploy")

INSTALL_HINT = "Deploying and pulling need boto3. Install it with:\n    pip install 'statecanvas[aws]'"
APPLIED = {"create": "created", "update": "updated", "replace": "replaced"}
# botocore's names for "the endpoint did not answer"
CONNECTION_FAILURES = ("EndpointConnectionError", "ConnectTimeout", "ReadTimeout", "Could not connect")


def boto3_available() -> bool:
    try:
        return importlib.util.find_spec("boto3") is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class AwsSettings:
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    prefix: str = ""
    stack: str | None = None  # deploy as this CloudFormation stack; None: through the service APIs


@dataclass
class DeployReport:
    """What a deploy (or a dry run) did: the plan, the changes applied, or the error."""

    plan_text: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # created/updated/replaced/unchanged/skipped
    applied: list[str] = field(default_factory=list)
    error: str | None = None
    dry_run: bool = False

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
    path: Path | None = None
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class StackLine:
    """One stack event, already in words, passed where the API path passes a Change."""

    text: str


def change_line(change: Any) -> str:
    """ "created state machine Orders": one applied change (or stack event), for the log."""
    from engine.deploy.plan import LABELS

    if isinstance(change, StackLine):
        return change.text

    return f"{APPLIED.get(change.action, change.action)} {LABELS.get(change.kind, change.kind)} {change.name}"


def _clients(settings: AwsSettings) -> Any:
    from engine.deploy import make_clients

    return make_clients(region=settings.region, profile=settings.profile, endpoint_url=settings.endpoint_url)


def definition_errors(loaded: Any) -> list[str]:
    from engine.asl.validation import validate

    errors = []
    for name, definition in sorted(loaded.definitions.items()):
        spec = loaded.project.state_machines.get(name)
        machine_type = spec.type if spec is not None else "STANDARD"
        for d in validate(definition, machine_type=machine_type):
            if d.severity == "ERROR":
                errors.append(f"state machine {name}: {d.code} {d.location or ''}: {d.message}")
    return errors


def run_deploy(
    loaded: Any,
    settings: AwsSettings,
    *,
    dry_run: bool,
    on_plan: Callable[[Any], None] | None = None,
    progress: Callable[[Any], None] | None = None,
    clients: Callable[[AwsSettings], Any] | None = None,
) -> DeployReport:
    """Plan (and unless `dry_run`, apply) through engine.deploy; failures are in the report, not raised.

    `clients` makes the boto3 clients from the settings (default: engine.deploy.make_clients)."""
    from engine.deploy import DeployError, DeploySetupError, deploy

    make = clients or _clients
    report = DeployReport(dry_run=dry_run)
    errors = definition_errors(loaded)
    if errors:
        report.error = "fix the state machines first:\n" + "\n".join(errors[:20])
        return report
    if settings.stack:
        from designer.deploy_stack import run_stack_deploy

        line = None if progress is None else (lambda text: progress(StackLine(text)))
        return run_stack_deploy(loaded, settings, report, on_plan=on_plan, progress=line, clients=make)

    def applied(change: Any) -> None:
        report.applied.append(change_line(change))
        if progress is not None:
            progress(change)

    try:
        result = deploy(
            loaded,
            make(settings),
            prefix=settings.prefix,
            dry_run=dry_run,
            on_plan=on_plan,
            progress=applied,
        )
    except (DeployError, DeploySetupError) as exc:
        report.error = explain_failure(exc, settings)
        return report
    except Exception as exc:  # anything else boto3 or the engine raises: a line, not a traceback
        log.debug("deploy failed", exc_info=True)
        report.error = explain_failure(exc, settings)
        return report
    plan = result.plan
    report.plan_text = plan.text()
    if dry_run:
        report.counts = {f"to {a}": plan.count(a) for a in APPLIED if plan.count(a)}
    else:
        report.counts = {word: sum(1 for c in result.applied if c.action == a) for a, word in APPLIED.items()}
    report.counts |= {"unchanged": plan.count("unchanged"), "skipped": plan.count("skip")}
    return report


def run_pull(
    settings: AwsSettings,
    output: Path,
    *,
    overwrite: bool = False,
    clients: Callable[[AwsSettings], Any] | None = None,
) -> PullReport:
    """Write a project built from what is deployed to `output`; failures are in the report."""
    from engine.deploy import DeploySetupError
    from engine.deploy.pull import pull
    from engine.project import ProjectError, save_project

    if output.exists() and not overwrite:
        return PullReport(error=f"{output} exists; choose another file or tick Overwrite")
    if not output.parent.is_dir():
        return PullReport(error=f"{output.parent}: no such directory")
    name = output.name.split(".")[0] or "project"
    try:
        made = (clients or _clients)(settings)
        result = pull(made, prefix=settings.prefix, name=name)
    except DeploySetupError as exc:
        return PullReport(error=explain_failure(exc, settings))
    except ProjectError as exc:
        return PullReport(error=f"what is deployed does not make a valid project:\n{exc}")
    except Exception as exc:
        log.debug("pull failed", exc_info=True)
        return PullReport(error=explain_failure(exc, settings))
    project = result.project
    if not project.state_machines and not project.rules:
        where = f"with prefix {settings.prefix!r} " if settings.prefix else ""
        return PullReport(
            error=f"no state machines or rules {where}in {made.region}; nothing written",
            notes=list(result.notes),
        )
    try:
        save_project(project, output)
    except OSError as exc:
        return PullReport(error=f"could not write {output}: {exc.strerror or exc}")
    counts = [
        (len(project.state_machines), "state machine"),
        (len(project.rules), "rule"),
        (len(project.queues), "queue"),
        (len(project.topics), "topic"),
        (len(project.subscriptions), "subscription"),
        (len(project.functions), "function"),
        (len(project.consumers), "consumer"),
    ]
    summary = ", ".join(f"{n} {label}{'s' if n != 1 else ''}" for n, label in counts if n)
    return PullReport(output, f"Wrote {output}: {summary}", list(result.notes))


def explain_failure(exc: BaseException, settings: AwsSettings) -> str:
    """Why a plan, deploy or pull failed, in the dialog's terms, with what to do about it.

    The engine's messages speak to the command line (--region); here they name the dialog's
    fields, and a failure to connect says which endpoint was tried."""
    from engine.deploy import DeployError, DeploySetupError

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
    detail = (
        (text or type(exc).__name__) if isinstance(exc, DeployError | DeploySetupError) else _describe(exc)
    )
    if any(word in detail for word in CONNECTION_FAILURES):
        where = f"the Endpoint URL {settings.endpoint_url}" if settings.endpoint_url else "AWS"
        return f"{detail} (could not reach {where}: check the address, that it is running, and the network)"
    return detail


def _describe(exc: BaseException) -> str:
    try:
        from engine.deploy.clients import describe_error

        return describe_error(exc)
    except Exception:
        return f"{type(exc).__name__}: {exc}".rstrip(": ")


def status_line(summary: str) -> str:
    """The summary's first line for the status label; the rest is in the log above it."""
    first, _, rest = summary.partition("\n")
    if rest and not rest.startswith("Applied before the failure"):
        first = first.rstrip(":") + " (details above)"
    return first
