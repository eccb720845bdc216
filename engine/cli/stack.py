"""`statecanvas deploy --stack` and `statecanvas pull --stack`: a project as a CloudFormation stack.

Same report as the API deploy (the plan, then what happened), with the change set as the plan
and the stack's events as the progress. `pull --stack` reads back the template the stack was
deployed from, so machines and rules come back with the names and settings they were sent with.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any, TextIO


def deploy_as_stack(loaded: Any, clients: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from engine.deploy import DeployError
    from engine.deploy.stack import deploy_stack

    events: list[Any] = []

    def show_plan(plan: Any) -> None:
        if not args.json:
            out.write(plan.text(verbose=not args.changes_only))
            if plan.has_changes and not args.dry_run:
                print(f"executing the change set on stack {args.stack}:", file=out)

    def progress(event: Any) -> None:
        events.append(event)
        if not args.json:
            print(event.line(), file=out, flush=True)

    try:
        result = deploy_stack(
            loaded, clients, args.stack, dry_run=args.dry_run, on_plan=show_plan, progress=progress
        )
    except DeployError as exc:
        print(f"statecanvas: {exc}", file=err)
        if args.json:
            print(json.dumps({"error": str(exc), "events": [e.__dict__ for e in events]}, indent=2), file=out)
        return 1
    plan = result.plan
    if args.json:
        value = plan.to_json() | {
            "stack": args.stack,
            "dryRun": bool(args.dry_run),
            "status": result.status,
            "events": [e.__dict__ for e in events],
        }
        print(json.dumps(value, indent=2), file=out)
    elif not args.dry_run and plan.has_changes:
        print(f"deployed: stack {args.stack} is {result.status}", file=out)
    return 0


def pull_stack(clients: Any, stack: str, output: Path, name: str, out: TextIO, err: TextIO) -> int:
    from engine.deploy.clients import aws_errors, describe_error
    from engine.deploy.stack import stack_template_of
    from engine.export import import_template
    from engine.export.asl_text import dump_yaml
    from engine.project import save_project

    try:
        template = stack_template_of(clients, stack)
    except aws_errors() as exc:
        print(f"statecanvas: pull failed: {describe_error(exc)}", file=err)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stack}.yaml"
        path.write_text(dump_yaml(template), encoding="utf-8")
        result = import_template(path)
    for problem in result.problems:
        print(f"note: stack {stack}: {problem.location or '/'}: {problem.message}", file=err)
    project = result.project
    if not project.state_machines and not project.rules:
        print(f"statecanvas: stack {stack} holds no state machines or rules; nothing written", file=err)
        return 1
    project.name = name
    save_project(project, output)
    print(
        f"wrote {output}: {len(project.state_machines)} state machines, {len(project.rules)} rules "
        f"from stack {stack}",
        file=out,
    )
    return 0
