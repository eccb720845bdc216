"""`statecanvas deploy` and `statecanvas pull`: a project to AWS and back, through the service APIs
or as a CloudFormation stack (`--stack`: a change set is the plan, the stack's events the progress).

Credentials and region come from boto3's usual sources (environment, shared files, `--profile`);
`--endpoint-url` points every service at one endpoint (LocalStack, moto's server). Exit 0 on
success (a deploy with nothing to change included), 1 when AWS refused or the project is
invalid, 2 for bad usage (no such file, no region or credentials, boto3 missing). The steps and
the report's words are `engine.deploy`'s (`run_deploy`, `run_pull`), shared with the designer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from engine.cli.project import project_file
from engine.cli.usage import UsageError
from engine.project import ProjectError, load_project

if TYPE_CHECKING:  # engine.deploy is imported when a deploy or pull runs, not for every command
    from engine.deploy import AwsSettings, Clients, Plan


def _aws_options(cmd: argparse.ArgumentParser, *, region_required: bool) -> None:
    cmd.add_argument(
        "--region",
        required=region_required,
        metavar="REGION",
        help="the AWS region"
        + ("" if region_required else " (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)"),
    )
    cmd.add_argument(
        "--profile", metavar="NAME", help="a named profile from the AWS config and credentials files"
    )
    cmd.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send every API call here (LocalStack, moto_server) instead of AWS",
    )
    cmd.add_argument(
        "--prefix",
        default="",
        metavar="P",
        help="deployed names are the project's with this prefix (e.g. dev-); the default bus keeps its name",
    )


def add_deploy_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    deploy = sub.add_parser(
        "deploy",
        help="deploy a project to AWS (only what changed)",
        description="Deploy PROJECT's roles, buses, queues, topics, subscriptions, functions, state "
        "machines, rules and consumers through the service APIs: read what exists, print the plan "
        "(+ create, ~ update, ! replace, = unchanged, - skip), and apply only the changes.",
    )
    deploy.add_argument("project", metavar="PROJECT", help="a .statecanvas.json project file or its folder")
    _aws_options(deploy, region_required=False)
    deploy.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    deploy.add_argument("--json", action="store_true", help="print the plan (and what was applied) as JSON")
    deploy.add_argument(
        "--changes-only", action="store_true", help="leave unchanged resources out of the plan"
    )
    deploy.add_argument(
        "--stack",
        metavar="NAME",
        help="deploy as this CloudFormation stack instead: a change set is the plan, then the stack's "
        "events until it is done (a failure names the resource and the rollback)",
    )
    deploy.set_defaults(handler=cmd_deploy)

    pull = sub.add_parser(
        "pull",
        help="import deployed state machines and rules into a project",
        description="Build a project from what is deployed: state machines and rules (names with "
        "--prefix, which is removed), with the buses, queues, topics, subscriptions, functions and "
        "consumers they refer to. The layout is left to the designer's auto-layout.",
    )
    _aws_options(pull, region_required=True)
    pull.add_argument("-o", "--output", required=True, metavar="PROJECT", help="the project file to write")
    pull.add_argument("--name", metavar="NAME", help="the project's name (default: from the file name)")
    pull.add_argument("--force", action="store_true", help="overwrite PROJECT if it exists")
    pull.add_argument(
        "--stack", metavar="NAME", help="read the state machines and rules of this CloudFormation stack"
    )
    pull.set_defaults(handler=cmd_pull)


def _settings(args: argparse.Namespace) -> AwsSettings:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import AwsSettings

    return AwsSettings(args.region, args.profile, args.endpoint_url, args.prefix, args.stack)


def _clients(settings: AwsSettings) -> Clients:
    """The clients, or bad usage: no region, no credentials, no such profile, no boto3."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import DeploySetupError, settings_clients

    try:
        return settings_clients(settings)
    except DeploySetupError as exc:
        raise UsageError(str(exc)) from None


def _deploy_words(exc: BaseException) -> str:
    """What AWS refused is the deploy's message; anything else is an internal error (see main)."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import DeployError

    if isinstance(exc, DeployError):
        return str(exc)
    raise exc


def _pull_words(exc: BaseException) -> str:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import aws_errors, describe_error

    if isinstance(exc, aws_errors()):
        return f"pull failed: {describe_error(exc)}"
    raise exc


def cmd_deploy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import applying_line, json_failure, json_result, run_deploy

    path = project_file(args.project)
    try:
        loaded = load_project(path)
    except ProjectError as exc:
        print(str(exc), file=err)
        return 1
    if args.stack and args.prefix:
        raise UsageError("--prefix is for deploying through the service APIs; a stack names its resources")

    def show_plan(plan: Plan) -> None:
        if not args.json:
            out.write(plan.text(verbose=not args.changes_only))
            if plan.has_changes and not args.dry_run:
                print(applying_line(args.stack), file=out)

    def progress(line: str) -> None:
        if not args.json:
            print(f"  {line}", file=out, flush=True)

    report = run_deploy(
        loaded,
        _settings(args),
        dry_run=args.dry_run,
        clients=_clients,
        on_plan=show_plan,
        progress=progress,
        explain=_deploy_words,
    )
    if report.invalid:
        for line in report.invalid:
            print(line, file=err)
        print("statecanvas: not deployed: fix the state machines above first", file=err)
        return 1
    if report.error is not None:
        print(f"statecanvas: {report.error}", file=err)
        if args.json:
            print(json.dumps(json_failure(report), indent=2), file=out)
        return 1
    if args.json:
        print(json.dumps(json_result(report), indent=2), file=out)
    elif not args.dry_run and report.plan is not None and report.plan.has_changes:
        if args.stack:
            print(f"deployed: stack {args.stack} is {report.status}", file=out)
        else:
            done = len(report.changes)
            print(f"deployed: {done} change{'s' if done != 1 else ''} applied", file=out)
    return 0


def cmd_pull(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.deploy import output_problem, run_pull

    output = Path(args.output)
    problem = output_problem(output, overwrite=args.force, to_overwrite="pass --force to overwrite it")
    if problem is not None:
        raise UsageError(problem)
    report = run_pull(_settings(args), output, name=args.name, clients=_clients, explain=_pull_words)
    for note in report.notes:
        print(f"note: {note}", file=err)
    if report.error is not None:
        print(f"statecanvas: {report.error}", file=err)
        return 1
    print(report.summary, file=out)
    return 0
