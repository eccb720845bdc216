"""Finding an AWS action by what a user types: "dynamo put", "PutItem", "start job run".

The index holds one entry per action: the optimized integrations from the table first, then
every SDK operation of every service in the catalog (about 20,000). It is built once from the
catalog's cached index (no service model is read) and searched in a single pass of prefix
tests, so a query answers in milliseconds as the user types.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from functools import cache

from engine.services import catalog
from engine.services.integrations_table import optimized_actions

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """One action a Task can call."""

    resource: str  # the Task's Resource ARN (request-response)
    service: str  # Step Functions' service name
    service_title: str
    operation: str  # PascalCase
    optimized: bool
    patterns: tuple[str, ...] = ("",)
    words: str = field(default="", compare=False)  # " start job run glue ...": one prefix test a word
    compact: str = field(default="", compare=False)  # "dynamodbputitem": for "PutItem" typed whole

    @property
    def label(self) -> str:
        return f"{self.service_title}: {self.operation}"


def words_of(text: str) -> list[str]:
    """`StartJobRun` -> start, job, run; `Amazon DynamoDB` -> amazon, dynamo, db, dynamodb."""
    out: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", text):
        if not chunk:
            continue
        out.append(chunk.lower())
        parts = _WORD.findall(chunk)
        if len(parts) > 1:
            out.extend(p.lower() for p in parts)
    return out


@cache
def _service_words(service: str, title: str) -> list[str]:
    return words_of(service) + words_of(title)


def _entry(
    resource: str, service: str, title: str, operation: str, optimized: bool, patterns: tuple
) -> ActionEntry:
    words = " " + " ".join(dict.fromkeys(_service_words(service, title) + words_of(operation)))
    name = service.split()[0]
    return ActionEntry(
        resource, name, title, operation, optimized, patterns, words, (name + operation).lower()
    )


@cache
def action_index() -> tuple[ActionEntry, ...]:
    """Every action, optimized ones first (built once per process)."""
    out: list[ActionEntry] = []
    for info in optimized_actions().values():
        operation = catalog.operation_name(info.action)
        sdk = catalog.service_by_botocore(info.api[0]) if info.api else None
        alias = sdk.sdk if sdk is not None else ""  # "sfn start" finds states:startExecution too
        out.append(
            _entry(info.resource, f"{info.service} {alias}", info.title, operation, True, info.patterns)
        )
    for entry in catalog.services().values():
        for operation in entry.operations:
            resource = f"arn:aws:states:::aws-sdk:{entry.sdk}:{catalog.action_name(operation)}"
            out.append(_entry(resource, entry.sdk, entry.title, operation, False, ("", ".waitForTaskToken")))
    return tuple(out)


# The last query and every action it matched: typing on narrows that set instead of the index.
_last: dict[str, object] = {"query": None, "matches": ()}


def search_actions(query: str, limit: int = 40) -> list[ActionEntry]:
    """The actions whose words start with every word typed, best first: optimized
    integrations, then operations named as typed, then the shortest names.

    A query that extends the previous one (the user typing on) searches only what the previous
    one matched: every word it adds or lengthens can only narrow the set.
    """
    text = query.lower().strip()
    tokens = [" " + t for t in re.split(r"[^a-z0-9]+", text) if t]
    if not tokens:
        return []
    whole = "".join(t.strip() for t in tokens)
    previous = _last["query"]
    pool = _last["matches"] if isinstance(previous, str) and previous and text.startswith(previous) else None
    single = len(tokens) == 1
    matches = [
        entry
        for entry in (pool if pool is not None else action_index())  # type: ignore[union-attr]
        if all(t in entry.words for t in tokens) or (single and whole in entry.compact)
    ]
    _last["query"], _last["matches"] = text, matches

    def rank(entry: ActionEntry) -> tuple[int, int, int, str]:
        named = entry.operation.lower().startswith(whole)
        return (0 if entry.optimized else 1, 0 if named else 1, len(entry.operation), entry.label)

    return heapq.nsmallest(limit, matches, key=rank)
