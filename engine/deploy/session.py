"""One deploy or pull as a front end asks for it: settings in, a report out.

`statecanvas deploy`/`pull` and the designer's Deploy dialog both run these, so the steps are
written once: check the definitions, make the clients, deploy through the service APIs or as a
CloudFormation stack, pull from what is deployed or from a stack's template, and save. A
failure while talking to AWS ends up in the report in the caller's words (`explain`), never as
a traceback; making the clients is the caller's (`clients`), so that a command line can call a
missing region bad usage and a dialog can name the field to fill in.
Credentials come from boto3's usual sources; nothing here reads, shows or logs them.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.asl import validate
from engine.deploy.clients import Clients, make_clients
from engine.deploy.deploy import deploy
from engine.deploy.plan import Change, Plan
from engine.deploy.pull import pull
from engine.deploy.reports import (
    DeployReport,
    PullReport,
    api_counts,
    change_line,
    failure_text,
    invalid_error,
    project_counts,
    stack_counts,
)
from engine.deploy.stack import StackEvent, deploy_stack, stack_template_of
from engine.export import dump_yaml, import_template
from engine.project import LoadedProject, Project, ProjectError, save_project

log = logging.getLogger("statecanvas.deploy")

Explain = Callable[[BaseException], str]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class AwsSettings:
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    prefix: str = ""
    stack: str | None = None  # deploy as (or pull from) this CloudFormation stack; None: the service APIs


def settings_clients(settings: AwsSettings) -> Clients:
    """Clients for the settings' region, profile and endpoint (raises DeploySetupError)."""
    return make_clients(region=settings.region, profile=settings.profile, endpoint_url=settings.endpoint_url)


def definition_errors(loaded: LoadedProject) -> list[str]:
    """Every state machine's validation errors, one located line each: a deploy stops on any."""
    errors = []
    for name, definition in sorted(loaded.definitions.items()):
        spec = loaded.project.state_machines.get(name)
        machine_type = spec.type if spec is not None else "STANDARD"
        for d in validate(definition, machine_type=machine_type):
            if d.severity == "ERROR":
                errors.append(f"state machine {name}: {d.code} {d.location or ''}: {d.message}")
    return errors


def run_deploy(
    loaded: LoadedProject,
    settings: AwsSettings,
    *,
    dry_run: bool,
    clients: Callable[[AwsSettings], Clients] = settings_clients,
    on_plan: Callable[[Plan], None] | None = None,
    progress: Progress | None = None,
    explain: Explain = failure_text,
) -> DeployReport:
    """Plan (and unless `dry_run`, apply) through the service APIs or, with `settings.stack`, a stack.

    `on_plan` gets the plan before anything is applied; `progress` a line per change or stack
    event. What `clients` raises is the caller's to handle; every later failure is in the report."""
    report = DeployReport(dry_run=dry_run, stack=settings.stack)
    report.invalid = definition_errors(loaded)
    if report.invalid:
        report.error = invalid_error(report.invalid)
        return report
    made = clients(settings)
    try:
        if settings.stack:
            _deploy_stack(loaded, made, settings.stack, report, on_plan, progress)
        else:
            _deploy_api(loaded, made, settings.prefix, report, on_plan, progress)
    except Exception as exc:  # anything boto3 or the engine raises: a line, not a traceback
        log.debug("deploy failed", exc_info=True)
        report.failure = exc
        report.error = explain(exc)
    return report


def _deploy_api(
    loaded: LoadedProject,
    clients: Clients,
    prefix: str,
    report: DeployReport,
    on_plan: Callable[[Plan], None] | None,
    progress: Progress | None,
) -> None:
    def applied(change: Change) -> None:
        report.changes.append(change)
        _progress(report, change_line(change), progress)

    result = deploy(loaded, clients, prefix=prefix, dry_run=report.dry_run, on_plan=on_plan, progress=applied)
    report.plan = result.plan
    report.counts = api_counts(result.plan, result.applied, dry_run=report.dry_run)


def _deploy_stack(
    loaded: LoadedProject,
    clients: Clients,
    stack: str,
    report: DeployReport,
    on_plan: Callable[[Plan], None] | None,
    progress: Progress | None,
) -> None:
    def event(e: StackEvent) -> None:
        report.events.append(e)
        _progress(report, e.line().strip(), progress)

    result = deploy_stack(loaded, clients, stack, dry_run=report.dry_run, on_plan=on_plan, progress=event)
    report.plan = result.plan
    report.status = result.status
    report.counts = stack_counts(result.plan, dry_run=report.dry_run)


def _progress(report: DeployReport, line: str, progress: Progress | None) -> None:
    report.applied.append(line)
    if progress is not None:
        progress(line)


def output_problem(output: Path, *, overwrite: bool, to_overwrite: str) -> str | None:
    """Why a pull cannot write `output`, or None; `to_overwrite` says how the front end allows it."""
    if output.exists() and not overwrite:
        return f"{output} exists; {to_overwrite}"
    if not output.parent.is_dir():
        return f"{output.parent}: no such directory"
    return None


def run_pull(
    settings: AwsSettings,
    output: Path,
    *,
    name: str | None = None,
    clients: Callable[[AwsSettings], Clients] = settings_clients,
    explain: Explain = failure_text,
) -> PullReport:
    """Write a project built from what is deployed (or from `settings.stack`'s template) to `output`.

    The project is named `name` (default: from the file name). What `clients` raises is the
    caller's to handle; every later failure is in the report."""
    name = name or output.name.split(".")[0] or "project"
    made = clients(settings)
    try:
        if settings.stack:
            return _pull_stack(made, settings.stack, output, name)
        result = pull(made, prefix=settings.prefix, name=name)
    except ProjectError as exc:
        return PullReport(error=f"what is deployed does not make a valid project:\n{exc}", failure=exc)
    except Exception as exc:
        log.debug("pull failed", exc_info=True)
        return PullReport(error=explain(exc), failure=exc)
    project = result.project
    if not project.state_machines and not project.rules:
        where = f"with prefix {settings.prefix!r} " if settings.prefix else ""
        return PullReport(
            error=f"no state machines or rules {where}in {made.region}; nothing written",
            notes=list(result.notes),
        )
    return _save(project, output, f"wrote {output}: {project_counts(project)}", list(result.notes))


def _pull_stack(clients: Clients, stack: str, output: Path, name: str) -> PullReport:
    """The project in the template `stack` was deployed from, with the names and settings it was sent with."""
    template = stack_template_of(clients, stack)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stack}.yaml"
        path.write_text(dump_yaml(template), encoding="utf-8")
        result = import_template(path)
    notes = [f"stack {stack}: {problem.location or '/'}: {problem.message}" for problem in result.problems]
    project = result.project
    if not project.state_machines and not project.rules:
        return PullReport(
            error=f"stack {stack} holds no state machines or rules; nothing written", notes=notes
        )
    project.name = name
    summary = (
        f"wrote {output}: {len(project.state_machines)} state machines, {len(project.rules)} rules "
        f"from stack {stack}"
    )
    return _save(project, output, summary, notes)


def _save(project: Project, output: Path, summary: str, notes: list[str]) -> PullReport:
    try:
        save_project(project, output)
    except OSError as exc:
        return PullReport(error=f"could not write {output}: {exc.strerror or exc}", notes=notes, failure=exc)
    return PullReport(output, summary, notes)
