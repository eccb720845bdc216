"""A deployment plan: for each resource, create, update (with what changed), replace, unchanged or skip.

`Desired` is what the project wants of one AWS resource, in the same normalized shape the
readers give for what exists, so the plan is a field-by-field comparison. Fields named in
`replace_on` cannot change in place (a state machine's type, a queue's FIFO-ness): a change
there replaces the resource.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ORDER = (
    "role",
    "bus",
    "queue",
    "topic",
    "function",
    "permission",
    "stateMachine",
    "subscription",
    "rule",
    "consumer",
    "policy",  # a stack's queue, topic and IAM policies (the API deploy folds them into their owners)
    "resource",  # any other resource a stack holds (log groups, ...)
)
LABELS = {
    "role": "IAM role",
    "bus": "event bus",
    "queue": "queue",
    "topic": "topic",
    "function": "function",
    "permission": "function permission",
    "stateMachine": "state machine",
    "subscription": "subscription",
    "rule": "rule",
    "consumer": "consumer",
    "policy": "policy",
    "resource": "resource",
}
# delete: only a stack deploy deletes (a resource gone from the template goes from the stack).
SYMBOLS = {"create": "+", "update": "~", "replace": "!", "delete": "x", "unchanged": "=", "skip": "-"}
APPLIED = ("create", "update", "replace", "delete")


@dataclass
class Desired:
    kind: str  # one of ORDER
    name: str  # the deployed name (or a key such as "topic -> queue" for subscriptions)
    props: dict[str, Any]  # compared with what exists
    replace_on: frozenset[str] = frozenset()
    skip: str | None = None  # why it is not deployed
    extra: dict[str, Any] = field(default_factory=dict)  # for the API calls, not compared

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


@dataclass
class Change:
    desired: Desired
    action: str  # create, update, replace, unchanged, skip
    fields: list[str] = field(default_factory=list)
    actual: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return self.desired.kind

    @property
    def name(self) -> str:
        return self.desired.name

    def line(self) -> str:
        text = f"{SYMBOLS[self.action]} {self.action:<9} {LABELS[self.kind]} {self.name}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        if self.action == "skip" and self.desired.skip:
            text += f": {self.desired.skip}"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "action": self.action}
        if self.fields:
            out["changes"] = list(self.fields)
        if self.action == "skip":
            out["reason"] = self.desired.skip
        return out


def changed_fields(desired: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """The desired fields whose value differs from what exists (nested dicts: `a.b`)."""
    out: list[str] = []
    for key, want in desired.items():
        have = actual.get(key)
        if key == "targets" and isinstance(want, dict) and isinstance(have, dict):
            out.extend(f"target {t} added" for t in sorted(set(want) - set(have)))
            out.extend(f"target {t} changed" for t in sorted(set(want) & set(have)) if want[t] != have[t])
            out.extend(f"target {t} removed" for t in sorted(set(have) - set(want)))
        elif _normal(want) != _normal(have):
            out.append(key)
    return out


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True)) if value is not None else None


def compare(desired: Desired, actual: dict[str, Any] | None) -> Change:
    if desired.skip is not None:
        return Change(desired, "skip")
    if actual is None:
        return Change(desired, "create")
    fields = changed_fields(desired.props, actual)
    if not fields:
        return Change(desired, "unchanged", actual=actual)
    action = "replace" if desired.replace_on & set(fields) else "update"
    return Change(desired, action, fields, actual)


@dataclass
class Plan:
    account: str
    region: str
    prefix: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def pending(self) -> list[Change]:
        return [c for c in self.changes if c.action in APPLIED]

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    def summary(self) -> str:
        if not self.has_changes:
            return f"no changes ({self.count('unchanged')} unchanged, {self.count('skip')} skipped)"
        parts = [f"{self.count(a)} to {a}" for a in APPLIED if self.count(a)] + [
            f"{self.count('unchanged')} unchanged",
            f"{self.count('skip')} skipped",
        ]
        return ", ".join(parts)

    def text(self, *, verbose: bool = True) -> str:
        where = f"account {self.account}, region {self.region}"
        if self.prefix:
            where += f", prefix {self.prefix!r}"
        lines = [f"Plan for {where}:"]
        for change in self.changes:
            if verbose or change.action != "unchanged":
                lines.append("  " + change.line())
        lines.extend(f"note: {note}" for note in self.notes)
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "prefix": self.prefix,
            "changes": [c.to_json() for c in self.changes],
            "notes": list(self.notes),
            # delete only where it can happen (a stack), so the API deploy's summary keeps its shape
            "summary": {a: self.count(a) for a in SYMBOLS if a != "delete" or self.count(a)},
            "hasChanges": self.has_changes,
        }


def sort_key(desired: Desired) -> tuple[int, str]:
    return (ORDER.index(desired.kind), desired.name)
