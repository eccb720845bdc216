"""`statecanvas deploy` and `statecanvas pull`: a project to AWS and back, through the service APIs.

Credentials and region come from boto3's usual sources (environment, shared files, `--profile`);
`--endpoint-url` points every service at one endpoint (LocalStack, moto's server). Exit 0 on
success (a deploy with nothing to change included), 1 when AWS refused or the project is
invalid, 2 for bad usage (no such file, no region or credentials, boto3 missing).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from engine.cli.project import project_file
from engine.cli.stack import deploy_as_stack, pull_stack
from engine.cli.usage import UsageError


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


def _clients(args: argparse.Namespace) -> Any:
    from engine.deploy.clients import DeploySetupError, make_clients

    try:
        return make_clients(region=args.region, profile=args.profile, endpoint_url=args.endpoint_url)
    except DeploySetupError as exc:
        raise UsageError(str(exc)) from None


def _check_definitions(loaded: Any, err: TextIO) -> bool:
    from engine.asl.validation import validate

    ok = True
    for name, definition in sorted(loaded.definitions.items()):
        machine_type = loaded.project.state_machines[name].type
        for d in validate(definition, machine_type=machine_type):
            if d.severity == "ERROR":
                print(f"state machine {name}: {d.code} {d.location or ''}: {d.message}", file=err)
                ok = False
    return ok


def cmd_deploy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from engine.deploy import DeployError, deploy
    from engine.project import ProjectError, load_project

    path = project_file(args.project)
    try:
        loaded = load_project(path)
    except ProjectError as exc:
        print(str(exc), file=err)
        return 1
    if not _check_definitions(loaded, err):
        print("statecanvas: not deployed: fix the state machines above first", file=err)
        return 1
    if args.stack and args.prefix:
        raise UsageError("--prefix is for deploying through the service APIs; a stack names its resources")
    clients = _clients(args)
    if args.stack:
        return deploy_as_stack(loaded, clients, args, out, err)
    applied: list[Any] = []
    done = {"create": "created", "update": "updated", "replace": "replaced"}

    def show_plan(plan: Any) -> None:
        if not args.json:
            out.write(plan.text(verbose=not args.changes_only))
            if plan.has_changes and not args.dry_run:
                print("applying:", file=out)

    def progress(change: Any) -> None:
        applied.append(change)
        if not args.json:
            print(f"  {done[change.action]} {change.kind} {change.name}", file=out)

    try:
        result = deploy(
            loaded, clients, prefix=args.prefix, dry_run=args.dry_run, on_plan=show_plan, progress=progress
        )
    except DeployError as exc:
        print(f"statecanvas: {exc}", file=err)
        if args.json:
            print(
                json.dumps({"error": str(exc), "applied": [c.to_json() for c in applied]}, indent=2), file=out
            )
        return 1
    plan = result.plan
    if args.json:
        value = plan.to_json() | {"dryRun": bool(args.dry_run), "applied": [c.to_json() for c in applied]}
        print(json.dumps(value, indent=2), file=out)
    elif not args.dry_run and plan.has_changes:
        print(f"deployed: {len(applied)} change{'s' if len(applied) != 1 else ''} applied", file=out)
    return 0


def cmd_pull(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from engine.deploy.clients import aws_errors, describe_error
    from engine.deploy.pull import pull
    from engine.project import ProjectError, save_project

    output = Path(args.output)
    if output.exists() and not args.force:
        raise UsageError(f"{output} exists; pass --force to overwrite it")
    if not output.parent.is_dir():
        raise UsageError(f"{output.parent}: no such directory")
    clients = _clients(args)
    name = args.name or output.name.split(".")[0] or "project"
    if args.stack:
        return pull_stack(clients, args.stack, output, name, out, err)
    try:
        result = pull(clients, prefix=args.prefix, name=name)
    except aws_errors() as exc:
        print(f"statecanvas: pull failed: {describe_error(exc)}", file=err)
        return 1
    except ProjectError as exc:
        print(f"statecanvas: what is deployed does not make a valid project:\n{exc}", file=err)
        return 1
    project = result.project
    for note in result.notes:
        print(f"note: {note}", file=err)
    if not project.state_machines and not project.rules:
        where = f"with prefix {args.prefix!r} " if args.prefix else ""
        print(
            f"statecanvas: no state machines or rules {where}in {clients.region}; nothing written", file=err
        )
        return 1
    save_project(project, output)
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
    print(f"wrote {output}: {summary}", file=out)
    return 0
