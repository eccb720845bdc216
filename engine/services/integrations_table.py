"""The optimized-integration table: which Step Functions resources exist, which integration
patterns each allows, and which AWS API (if any) shapes its request.

The table is data (`optimized_integrations.json`, whose `source` names the AWS documentation it
was written from), read once. The validator, the palette, the inspector and the design-time
checks all read this one table, so they can never disagree about what a resource allows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).with_name("optimized_integrations.json")
PATTERN_LABELS = {
    "": "Request response",
    ".sync": "Run a job (.sync)",
    ".sync:2": "Run a job, JSON output (.sync:2)",
    ".waitForTaskToken": "Wait for callback (.waitForTaskToken)",
}


@dataclass(frozen=True, slots=True)
class OptimizedAction:
    """One optimized resource, `arn:aws:states:::{service}:{action}`, and what it allows."""

    service: str
    action: str
    title: str  # the service's name as AWS writes it
    category: str
    patterns: tuple[str, ...]  # "" is request-response
    api: tuple[str, str] | None  # (botocore service, operation) whose input shape is the request's
    members: dict[str, bool] | None  # the request's own members (name -> required) when no API shapes it

    @property
    def resource(self) -> str:
        return f"arn:aws:states:::{self.service}:{self.action}"


@cache
def _table() -> dict[str, Any]:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def table_source() -> str:
    return str(_table()["source"])


@cache
def optimized_actions() -> dict[tuple[str, str], OptimizedAction]:
    """Every optimized resource by (service, action), in the table's order."""
    out: dict[tuple[str, str], OptimizedAction] = {}
    for service, entry in _table()["services"].items():
        for action, spec in entry["actions"].items():
            api = spec.get("api")
            out[(service, action)] = OptimizedAction(
                service=service,
                action=action,
                title=entry["title"],
                category=entry["category"],
                patterns=tuple(spec["patterns"]),
                api=tuple(api.split(":", 1)) if api else None,  # type: ignore[arg-type]
                members=dict(spec["members"]) if "members" in spec else None,
            )
    return out


def optimized_services() -> dict[str, dict[str, tuple[str, ...]]]:
    """service -> action -> patterns beyond request-response (the validator's view)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {s: {} for s in _table()["services"]}
    for (service, action), info in optimized_actions().items():
        out[service][action] = tuple(p for p in info.patterns if p)
    return out


def sdk_patterns() -> tuple[str, ...]:
    """What every AWS SDK integration allows (request-response and callbacks; never `.sync`)."""
    return tuple(_table()["sdk_patterns"])


def categories() -> dict[str, list[str]]:
    """Workflow Studio-like categories: category -> SDK service names, in display order."""
    return {k: list(v) for k, v in _table()["categories"].items()}
