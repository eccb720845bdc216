"""The Deploy dialog's CloudFormation path: `engine.deploy.stack` with the dialog's report.

Runs on the dialog's worker thread (no Qt here). The change set is the plan, shown in the same
words as the service-API plan; the stack's events are the progress lines; a failure is the
engine's one sentence (the failing resource and the rollback), never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("statecanvas.designer.deploy")

APPLIED_WORDS = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}


def run_stack_deploy(
    loaded: Any,
    settings: Any,
    report: Any,
    *,
    on_plan: Callable[[Any], None] | None = None,
    progress: Callable[[str], None] | None = None,
    clients: Callable[[Any], Any] | None = None,
) -> Any:
    """Fill `report` (a DeployReport) from a stack deploy or its dry run; failures go in the report.

    `clients` makes the boto3 clients from the settings (default: engine.deploy.make_clients)."""
    from designer.deploy_work import _clients, explain_failure
    from engine.deploy import DeployError, DeploySetupError
    from engine.deploy.stack import deploy_stack

    def event(e: Any) -> None:
        report.applied.append(e.line().strip())
        if progress is not None:
            progress(e.line().strip())

    try:
        result = deploy_stack(
            loaded,
            (clients or _clients)(settings),
            settings.stack,
            dry_run=report.dry_run,
            on_plan=on_plan,
            progress=event,
        )
    except (DeployError, DeploySetupError) as exc:
        report.error = explain_failure(exc, settings)
        return report
    except Exception as exc:  # anything else boto3 raises: a line, not a traceback
        log.debug("stack deploy failed", exc_info=True)
        report.error = explain_failure(exc, settings)
        return report
    plan = result.plan
    report.plan_text = plan.text()
    if report.dry_run:
        report.counts = {f"to {a}": plan.count(a) for a in APPLIED_WORDS if plan.count(a)}
    else:
        report.counts = {word: plan.count(a) for a, word in APPLIED_WORDS.items() if plan.count(a)}
    if not plan.has_changes:
        # The template is the one the stack has: no change set was made.
        report.counts = {"to change": 0} if report.dry_run else {"changes": 0}
    return report
