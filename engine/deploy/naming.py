"""Where a project lands: account, region, a name prefix, and the rewriting of its ARNs.

A project derives its resources' ARNs from its own account and region (`123456789012`,
`us-east-1` by default). Deployed, each resource gets the target's account and region, and its
name is prefixed (`--prefix dev-` makes the queue `orders` into `dev-orders`; the default bus
keeps its name). `Rewriter` maps every project ARN, queue URL and resource name inside a
definition, pattern or request to its deployed form; `Rewriter.reverse` maps back for `pull`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.project import Project
from engine.resource_refs import ResourceRef

DEFAULT_BUS = "default"
# Keys whose string value names a project resource by its bare name rather than by ARN.
NAME_KEYS = {"FunctionName": "function", "EventBusName": "bus", "StateMachineName": "stateMachine"}


def queue_url(name: str, account: str, region: str) -> str:
    """The URL SQS gives a queue in a region (what a project's definitions use)."""
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


@dataclass(frozen=True)
class Target:
    """Where resources go: an account and region, and the prefix put before every name."""

    account: str
    region: str
    prefix: str = ""

    def name(self, kind: str, name: str) -> str:
        if kind == "bus" and name == DEFAULT_BUS:
            return name
        return f"{self.prefix}{name}"

    def unprefixed(self, deployed: str) -> str | None:
        """The project name of a deployed name, or None when it lacks the prefix."""
        if deployed == DEFAULT_BUS:
            return deployed
        if not deployed.startswith(self.prefix):
            return None
        return deployed[len(self.prefix) :] or None

    def arn(self, kind: str, name: str) -> str:
        return ResourceRef(kind, self.name(kind, name)).arn(self.account, self.region)

    def role_arn(self, role: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.prefix}{role}"


def project_names(project: Project) -> dict[str, set[str]]:
    return {
        "stateMachine": set(project.state_machines),
        "function": set(project.functions),
        "bus": set(project.buses) | {DEFAULT_BUS},
        "queue": set(project.queues),
        "topic": set(project.topics),
        "rule": set(project.rules),
    }


@dataclass
class Rewriter:
    """Replaces whole values (ARNs, URLs) wherever they appear in strings, and bare names under
    the keys that take them (FunctionName, EventBusName...)."""

    values: dict[str, str] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {from: to}
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(
        cls,
        names: dict[str, set[str]],
        source: Target,
        dest: Target,
        *,
        source_url: Callable[[str], str] | None = None,
        dest_url: Callable[[str], str] | None = None,
    ) -> Rewriter:
        """From `source` names to `dest` names for every resource in `names` (project names)."""
        values: dict[str, str] = {}
        by_key: dict[str, dict[str, str]] = {key: {} for key in NAME_KEYS}
        for kind, members in names.items():
            for name in members:
                values[source.arn(kind, name)] = dest.arn(kind, name)
                for key, key_kind in NAME_KEYS.items():
                    if key_kind == kind:
                        by_key[key][source.name(kind, name)] = dest.name(kind, name)
        for name in names.get("queue", ()):
            src = (
                source_url(name)
                if source_url
                else queue_url(source.name("queue", name), source.account, source.region)
            )
            dst = (
                dest_url(name) if dest_url else queue_url(dest.name("queue", name), dest.account, dest.region)
            )
            values[src] = dst
        values = {k: v for k, v in values.items() if k != v}
        by_key = {k: {a: b for a, b in v.items() if a != b} for k, v in by_key.items()}
        rewriter = cls(values, by_key)
        if values:
            alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
            # A value is replaced only where it ends: `...:function:Charge` must not match `ChargeCard`.
            rewriter._pattern = re.compile(f"(?:{alternatives})(?![A-Za-z0-9_.-])")
        return rewriter

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self.values[m.group(0)], value)

    def __call__(self, node: Any) -> Any:
        if isinstance(node, str):
            return self.text(node)
        if isinstance(node, list):
            return [self(item) for item in node]
        if isinstance(node, dict):
            out: dict[Any, Any] = {}
            for key, item in node.items():
                mapping = self.names.get(key) if isinstance(key, str) else None
                if mapping and isinstance(item, str) and item in mapping:
                    out[key] = mapping[item]
                else:
                    out[key] = self(item)
            return out
        return node
