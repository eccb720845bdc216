"""Mermaid flowcharts: a state machine's states and transitions, and a project's event routes.

Mermaid renders in GitHub, GitLab and most wikis, so a design can be shown in a README or a
pull request without StateCanvas. The state machine chart follows the console's picture:
Choice states as diamonds with their conditions on the edges, Catch edges dashed, Parallel
and Map states as subgraphs holding their branches.
"""

from __future__ import annotations

import json
from typing import Any

from engine.export.catalog import as_loaded
from engine.project import LoadedProject, Project

_MAX_LABEL = 60
_COMPARISONS = (
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "StringMatches",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
    "BooleanEquals",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
)
_SYMBOLS = {
    "Equals": "==",
    "LessThan": "<",
    "GreaterThan": ">",
    "LessThanEquals": "<=",
    "GreaterThanEquals": ">=",
}


def label(text: str) -> str:
    """Text made safe inside a quoted Mermaid label (quotes and angle brackets as entities)."""
    text = text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"
    return (
        text.replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
        .replace("|", "#124;")
    )


def choice_label(rule: Any) -> str:
    """A short reading of a Choice rule: `$.total > 100`, `not (...)`, a JSONata condition."""
    if not isinstance(rule, dict):
        return "?"
    if "Condition" in rule:
        return str(rule["Condition"]).removeprefix("{%").removesuffix("%}").strip()
    for op, joiner in (("And", " and "), ("Or", " or ")):
        if isinstance(rule.get(op), list):
            return "(" + joiner.join(choice_label(r) for r in rule[op]) + ")"
    if "Not" in rule:
        return "not " + choice_label(rule["Not"])
    variable = rule.get("Variable", "")
    for key, value in rule.items():
        base = key.removesuffix("Path")
        if base in _COMPARISONS:
            if base.startswith("Is"):
                return f"{base}({variable})" if value is True else f"not {base}({variable})"
            kind = next((k for k in ("String", "Numeric", "Boolean", "Timestamp") if base.startswith(k)), "")
            op = _SYMBOLS.get(base[len(kind) :], base[len(kind) :])
            shown = value if key.endswith("Path") else json.dumps(value, ensure_ascii=False)
            return f"{variable} {op} {shown}"
    return "?"


class _Chart:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def new_id(self, prefix: str = "s") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def scope(self, branch: dict[str, Any], indent: str, entry_from: str, exit_to: str | None) -> None:
        """Draw one scope (a machine, a branch, a Map's processor): its states and edges."""
        states = branch.get("States") if isinstance(branch.get("States"), dict) else {}
        ids = {name: self.new_id() for name in states}
        start = branch.get("StartAt")
        if start in ids:
            self.lines.append(f"{indent}{entry_from} --> {ids[start]}")
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            node = ids[name]
            kind = state.get("Type", "?")
            text = (
                label(f"{name}")
                if kind in ("Choice", "Pass", "Succeed", "Fail")
                else label(f"{name} ({kind})")
            )
            if kind == "Choice":
                self.lines.append(f'{indent}{node}{{"{text}"}}')
            elif kind in ("Parallel", "Map"):
                self._container(state, node, text, kind, indent)
            elif kind in ("Succeed", "Fail"):
                self.lines.append(f'{indent}{node}(["{text}"])')
            else:
                self.lines.append(f'{indent}{node}["{text}"]')
            self._edges(state, node, ids, indent, exit_to)

    def _container(self, state: dict[str, Any], node: str, text: str, kind: str, indent: str) -> None:
        self.lines.append(f'{indent}subgraph {node} ["{text}"]')
        inner = indent + "    "
        self.lines.append(f"{inner}direction TB")
        branches = (
            state.get("Branches")
            if kind == "Parallel"
            else [state.get("ItemProcessor") or state.get("Iterator")]
        )
        for branch in branches if isinstance(branches, list) else []:
            if isinstance(branch, dict):
                entry = self.new_id("b")
                self.lines.append(f"{inner}{entry}(( ))")
                self.scope(branch, inner, entry, None)
        self.lines.append(f"{indent}end")

    def _edges(
        self, state: dict[str, Any], node: str, ids: dict[str, str], indent: str, exit_to: str | None
    ) -> None:
        def target(name: Any) -> str | None:
            return ids.get(name) if isinstance(name, str) else None

        for choice in state.get("Choices") or [] if isinstance(state.get("Choices"), list) else []:
            to = target(choice.get("Next")) if isinstance(choice, dict) else None
            if to:
                self.lines.append(f'{indent}{node} -->|"{label(choice_label(choice))}"| {to}')
        if target(state.get("Default")):
            self.lines.append(f'{indent}{node} -->|"default"| {target(state.get("Default"))}')
        if target(state.get("Next")):
            self.lines.append(f"{indent}{node} --> {target(state.get('Next'))}")
        for catcher in state.get("Catch") or [] if isinstance(state.get("Catch"), list) else []:
            to = target(catcher.get("Next")) if isinstance(catcher, dict) else None
            if to:
                errors = catcher.get("ErrorEquals")
                text = ", ".join(str(e) for e in errors) if isinstance(errors, list) else "catch"
                self.lines.append(f'{indent}{node} -.->|"{label(text)}"| {to}')
        if exit_to and (state.get("End") is True or state.get("Type") in ("Succeed", "Fail")):
            self.lines.append(f"{indent}{node} --> {exit_to}")


def mermaid_state_machine(definition: dict[str, Any], *, direction: str = "TB") -> str:
    """A Mermaid flowchart of a definition."""
    chart = _Chart()
    chart.lines.append(f"flowchart {direction}")
    chart.lines.append("    start((start))")
    chart.lines.append("    finish(((end)))")
    chart.scope(definition, "    ", "start", "finish")
    return "\n".join(chart.lines) + "\n"


def _pattern_summary(pattern: dict[str, Any] | None, schedule: str | None) -> str:
    if schedule:
        return schedule
    if not isinstance(pattern, dict):
        return ""
    parts = []
    for key in ("source", "detail-type"):
        value = pattern.get(key)
        if isinstance(value, list):
            parts.append(" | ".join(str(v) if not isinstance(v, dict) else json.dumps(v) for v in value))
    return "; ".join(parts)


def mermaid_event_routes(project: LoadedProject | Project, *, direction: str = "LR") -> str:
    """A Mermaid flowchart of how events flow: bus -> rule -> target, topics, queues, consumers."""
    p = as_loaded(project).project
    lines = [f"flowchart {direction}"]
    ids: dict[str, str] = {}

    def node(ref: str) -> str:
        kind, _, name = ref.partition(":") if not ref.startswith("arn:") else ("arn", "", ref)
        key = ref if kind != "arn" else f"arn:{name}"
        if key not in ids:
            ids[key] = f"n{len(ids) + 1}"
            shape = {
                "bus": '[["{}"]]',
                "queue": '[("{}")]',
                "topic": '{{{{"{}"}}}}',
                "rule": '>"{}"]',
                "stateMachine": '(["{}"])',
                "function": '["{}"]',
            }.get(kind, '["{}"]')
            text = label(f"{kind}: {name}" if kind != "arn" else name)
            lines.append(f"    {ids[key]}{shape.format(text)}")
        return ids[key]

    for name in sorted(set(p.buses) | {r.bus for r in p.rules.values()}):
        node(f"bus:{name}")
    for name, rule in sorted(p.rules.items()):
        rule_node = node(f"rule:{name}")
        summary = _pattern_summary(rule.event_pattern, rule.schedule_expression)
        edge = f'-->|"{label(summary)}"|' if summary else "-->"
        lines.append(f"    {node('bus:' + rule.bus)} {edge} {rule_node}")
        for target in rule.targets:
            lines.append(f'    {rule_node} -->|"{label(target.id)}"| {node(target.target)}')
            if target.dead_letter_queue:
                dlq = (
                    target.dead_letter_queue
                    if ":" in target.dead_letter_queue
                    else f"queue:{target.dead_letter_queue}"
                )
                lines.append(f'    {rule_node} -.->|"DLQ"| {node(dlq)}')
    for name, queue in sorted(p.queues.items()):
        if queue.redrive_policy is not None:
            dlq = queue.redrive_policy.dead_letter_queue
            dlq = dlq if ":" in dlq else f"queue:{dlq}"
            times = queue.redrive_policy.max_receive_count
            lines.append(f'    {node("queue:" + name)} -.->|"redrive x{times}"| {node(dlq)}')
    for sub in p.subscriptions:
        topic = sub.topic if ":" in sub.topic else f"topic:{sub.topic}"
        text = f'-->|"{label(json.dumps(sub.filter_policy))}"|' if sub.filter_policy else "-->"
        lines.append(f"    {node(topic)} {text} {node(sub.endpoint)}")
    for consumer in p.consumers:
        queue = consumer.queue if ":" in consumer.queue else f"queue:{consumer.queue}"
        lines.append(f'    {node(queue)} -->|"batch {consumer.batch_size}"| {node(consumer.target)}')
    return "\n".join(lines) + "\n"
