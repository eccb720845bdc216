"""What a project's choreography would be refused for, found when the project is loaded.

The bus checks a rule's pattern, schedule and targets when PutRule/PutTargets run, SNS checks a
subscription's filter policy when it subscribes, and a function's handler is looked for when the
function is called. Left there, a typo in one rule surfaced only when `put-events` started (or
when an event finally reached that function). Loading a project runs the same checks up front,
each problem located by its JSON pointer, so `validate`, `run`, `put-events` and the designer all
refuse the project with the same list. Handler files are checked without being imported.
"""

from __future__ import annotations

from typing import Any

from engine.bus import EventBridgeError, Target
from engine.bus.pattern import default_pattern_engine
from engine.bus.rules import check_rule
from engine.messaging import SnsError, SqsError, check_queue_name, check_topic_name, validate_filter_policy
from engine.project.model import Project
from engine.runtime.arns import is_valid_name

__all__ = ["choreography_problems"]


def choreography_problems(project: Project, base_dir: Any) -> list[tuple[str, str]]:
    """(JSON pointer, message) for each name, rule, target, filter policy and handler AWS would refuse.

    `base_dir` is the project's folder; None (a project not read from a file) checks the handlers'
    form only, since there is no folder to find their files in."""
    problems: list[tuple[str, str]] = []
    problems += _name_problems(project)
    problems += _rule_problems(project)
    problems += _filter_policy_problems(project)
    problems += _handler_problems(project, base_dir)
    return problems


def _name_problems(project: Project) -> list[tuple[str, str]]:
    """Names AWS refuses at CreateStateMachine, CreateQueue or CreateTopic (run and serve create
    them the same way, so a name that passed here would fail there, far from the project file)."""
    problems: list[tuple[str, str]] = []
    for name in project.state_machines:
        if not is_valid_name(name):
            problems.append((f"/stateMachines/{name}", f"Invalid Name: '{name}'"))
    for name, queue in project.queues.items():
        try:
            check_queue_name(name, queue.fifo)
        except SqsError as exc:
            problems.append((f"/queues/{name}", str(exc)))
    for name, topic in project.topics.items():
        try:
            check_topic_name(name, topic.fifo)
        except SnsError as exc:
            problems.append((f"/topics/{name}", exc.message))
    return problems


def _rule_problems(project: Project) -> list[tuple[str, str]]:
    patterns = default_pattern_engine()
    problems: list[tuple[str, str]] = []
    for name, rule in project.rules.items():
        pointer = f"/rules/{name}"
        try:
            check_rule(
                name,
                bus=rule.bus,
                event_pattern=rule.event_pattern,
                schedule_expression=rule.schedule_expression,
                state=rule.state,
            )
        except EventBridgeError as exc:
            problems.append((pointer, str(exc)))
        except ValueError as exc:  # a schedule expression the scheduler cannot read
            problems.append((f"{pointer}/scheduleExpression", str(exc)))
        if rule.event_pattern is not None:
            try:
                reason = patterns.check(rule.event_pattern)
            except RecursionError:
                reason = "the pattern is nested too deeply"
            if reason is not None:
                problems.append((f"{pointer}/eventPattern", f"Event pattern is not valid. Reason: {reason}"))
        seen: set[str] = set()
        for index, spec in enumerate(rule.targets):
            where = f"{pointer}/targets/{index}"
            if spec.id in seen:
                problems.append((f"{where}/id", f"target id {spec.id!r} is used twice in this rule"))
            seen.add(spec.id)
            try:
                Target.from_spec(spec).validate()
            except EventBridgeError as exc:
                problems.append((where, str(exc)))
            except (ValueError, TypeError) as exc:
                problems.append((where, str(exc)))
    return problems


def _filter_policy_problems(project: Project) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for index, sub in enumerate(project.subscriptions):
        if sub.filter_policy is None:
            continue
        try:
            validate_filter_policy(sub.filter_policy, sub.filter_policy_scope)
        except (ValueError, RecursionError) as exc:
            problems.append((f"/subscriptions/{index}/filterPolicy", str(exc) or "invalid filter policy"))
    return problems


def _handler_problems(project: Project, base_dir: Any) -> list[tuple[str, str]]:
    # Imported here for start-up time: handler files load only when a project names one.
    from engine.integrations import HandlerLoadError, handler_file

    problems: list[tuple[str, str]] = []
    for name, spec in project.functions.items():
        pointer = f"/functions/{name}/handler"
        if base_dir is None:
            path_text, sep, attr = spec.handler.rpartition(":")
            if not sep or not path_text or not attr.isidentifier():
                problems.append(
                    (pointer, f"{spec.handler!r}: expected FILE:FUNCTION, e.g. handlers.py:charge")
                )
            continue
        try:
            handler_file(spec.handler, base_dir, confine=True, must_exist=False)
        except HandlerLoadError as exc:
            problems.append((pointer, str(exc)))
    return problems
