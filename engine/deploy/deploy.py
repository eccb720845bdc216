"""Deploy a project: read what exists, plan, and apply only the changes.

Nothing is deleted except what a resource owns (a rule's targets that the project no longer
has) and what a replacement needs; resources removed from the project stay deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.deploy import desired as d
from engine.deploy import desired_code as dc
from engine.deploy.actual import Reader
from engine.deploy.apply import Applier
from engine.deploy.clients import Clients, DeployError, aws_errors, describe_error
from engine.deploy.naming import Target
from engine.deploy.plan import ORDER, Change, Desired, Plan, compare
from engine.project import LoadedProject


@dataclass
class DeployResult:
    plan: Plan
    applied: list[Change] = field(default_factory=list)
    dry_run: bool = False


def desired_resources(ctx: d.Context) -> list[Desired]:
    """Everything the project wants, in dependency order (dead-letter queues before their queues)."""
    functions = dc.functions(ctx)  # first: later sections ask which functions are deployed
    resources = (
        d.buses(ctx)
        + d.queues(ctx)
        + d.topics(ctx)
        + functions
        + dc.permissions(ctx)
        + dc.state_machines(ctx)
        + d.subscriptions(ctx)
        + dc.rules(ctx)
        + dc.consumers(ctx)
    )
    resources = d.roles(ctx) + resources  # last: the sections above say which roles they use
    return sorted(resources, key=lambda r: ORDER.index(r.kind))  # stable: keeps queue order


def make_plan(loaded: LoadedProject, clients: Clients, *, prefix: str = "") -> tuple[Plan, d.Context, Reader]:
    target = Target(clients.account, clients.region, prefix)
    ctx = d.Context(loaded, target)
    reader = Reader(clients)
    wanted = desired_resources(ctx)
    # Definitions carry queue URLs: use the URLs of the queues that exist.
    for resource in wanted:
        if resource.kind == "queue" and resource.skip is None:
            actual = reader.read(resource)
            if actual is not None:
                ctx.urls[resource.extra["project"]] = actual["_url"]
    if ctx.urls:
        ctx = d.Context(loaded, target, urls=dict(ctx.urls))
        wanted = desired_resources(ctx)
    plan = Plan(target.account, target.region, prefix, notes=ctx.notes)
    for resource in wanted:
        plan.changes.append(compare(resource, reader.read(resource)))
    return plan, ctx, reader


def deploy(
    loaded: LoadedProject,
    clients: Clients,
    *,
    prefix: str = "",
    dry_run: bool = False,
    progress: Callable[[Change], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> DeployResult:
    """Plan, then (unless `dry_run`) apply the plan's creates, updates and replacements in order."""
    try:
        plan, ctx, reader = make_plan(loaded, clients, prefix=prefix)
    except aws_errors() as exc:
        raise DeployError(f"reading what is deployed failed: {describe_error(exc)}") from None
    result = DeployResult(plan, dry_run=dry_run)
    if on_plan is not None:
        on_plan(plan)
    if dry_run or not plan.has_changes:
        return result
    applier = Applier(clients)
    for index, change in enumerate(plan.changes):
        if change.action not in ("create", "update", "replace"):
            continue
        if change.kind == "stateMachine" and applier.queue_urls:
            # Queues made just now have their real URLs: definitions that use them say so.
            change = _refresh_machine(change, ctx, applier, reader)
            plan.changes[index] = change
            if change.action == "unchanged":
                continue
        try:
            applier.apply(change)
        except aws_errors() as exc:
            done = ", ".join(f"{c.kind} {c.name}" for c in result.applied) or "nothing"
            raise DeployError(
                f"{change.action} {change.kind} {change.name} failed: {describe_error(exc)}"
                f" (applied before it: {done})"
            ) from None
        result.applied.append(change)
        if progress is not None:
            progress(change)
    return result


def _refresh_machine(change: Change, ctx: d.Context, applier: Applier, reader: Reader) -> Change:
    urls = dict(ctx.urls)
    for queue in ctx.project.queues:
        deployed = ctx.target.name("queue", queue)
        if deployed in applier.queue_urls:
            urls[queue] = applier.queue_urls[deployed]
    fresh = d.Context(ctx.loaded, ctx.target, urls=urls)
    for resource in dc.state_machines(fresh):
        if resource.name == change.name:
            return compare(resource, change.actual)
    return change
