"""Matching one compiled pattern against a flattened event, and explaining a miss.

A branch matches when every field is satisfied: a field with ``exists: false`` by the path's
absence, any other by a leaf one of its matchers accepts. When several fields are satisfied only
by leaves inside the same array, AWS requires them to come from one element of it (so
``{"a": [{"b": 1, "c": 2}, {"b": 3, "c": 4}]}`` does not match b=1 with c=4); the leaves that
qualify per field are collected first, and only then is a consistent choice searched for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.bus.pattern.compiled import Branch, CompiledPattern, PatternSource
from engine.bus.pattern.compiler import compile_pattern
from engine.bus.pattern.flatten import (
    MISSING,
    Flat,
    Many,
    Membership,
    check_envelope,
    entries,
    flatten,
    load_event,
)
from engine.bus.pattern.matchers import show

__all__ = ["explain", "match_branch", "matches", "test_event_pattern"]

EventSource = str | bytes | Mapping[str, Any]


def _consistent(one: Membership, other: Membership) -> bool:
    for array, index in one:
        for array2, index2 in other:
            if array == array2 and index != index2:
                return False
    return True


def _choose(
    options: list[list[Membership]], depth: int, chosen: list[Membership], absent: list[list[Membership]]
) -> bool:
    if depth == len(options):
        return all(not any(_within(slots, chosen) for slots in leaves) for leaves in absent)
    for slots in options[depth]:
        if all(_consistent(slots, earlier) for earlier in chosen):
            chosen.append(slots)
            if _choose(options, depth + 1, chosen, absent):
                return True
            chosen.pop()
    return False


def _within(slots: Membership, chosen: list[Membership]) -> bool:
    """Whether a leaf sits in the array elements the other fields were matched in."""
    return all(_consistent(slots, earlier) for earlier in chosen)


def match_branch(branch: Branch, flat: Flat) -> bool:
    """Whether the flattened event satisfies every field of the branch, array-consistently.

    An ``exists: false`` field whose path the event has only inside arrays of objects is
    satisfied, as event-ruler decides it, when the element the other fields matched in lacks
    the path: ``{"d": {"a": [{"exists": true}], "b": [{"exists": false}]}}`` matches
    ``{"d": [{"a": 1, "b": 2}, {"a": 3}]}`` through the second element.
    """
    constrained: list[list[Membership]] | None = None
    absent: list[list[Membership]] = []
    for field in branch.fields:
        leaf = flat.get(field.path, MISSING)
        if leaf is MISSING:
            if field.absent_ok:
                continue
            return False
        if type(leaf) is not Many:  # the usual case: one leaf, no array
            if not field.test(leaf):
                return False
            continue
        if field.absent_ok and not field.matchers:
            leaves = [slots for _, slots in leaf]
            if not all(leaves):  # present outside any array: nothing can make it absent
                return False
            absent.append(leaves)
            continue
        test = field.test
        slots_ok: list[Membership] = []
        free = False
        for value, slots in leaf:
            if test(value):
                if not slots:
                    free = True
                    break
                slots_ok.append(slots)
        if free:
            continue
        if not slots_ok:
            return False
        if constrained is None:
            constrained = []
        constrained.append(slots_ok)
    if absent:
        # Absent within an element needs an element chosen by the other fields.
        return constrained is not None and _choose(constrained, 0, [], absent)
    if constrained is None or len(constrained) < 2:
        return True
    return _choose(constrained, 0, [], absent)


def matches(compiled: CompiledPattern, flat: Flat) -> bool:
    """Whether any branch of the compiled pattern matches the flattened event."""
    return any(match_branch(branch, flat) for branch in compiled.branches)


def _prepare(
    pattern: PatternSource | CompiledPattern, event: EventSource, require_envelope: bool
) -> tuple[CompiledPattern, Flat]:
    loaded = load_event(event)
    if require_envelope:
        check_envelope(loaded)
    compiled = compile_pattern(pattern)
    return compiled, flatten(loaded, compiled.tree)


def test_event_pattern(
    pattern: PatternSource | CompiledPattern, event: EventSource, *, require_envelope: bool = True
) -> bool:
    """EventBridge's TestEventPattern: does ``pattern`` match ``event``?

    ``pattern`` is JSON text (keeps repeated keys, as AWS reads them) or a dict; ``event`` is JSON
    text or a dict. Raises `InvalidEventError` (AWS's ValidationException) for an event that is
    not a JSON object or, with ``require_envelope``, lacks id/account/source/time/region/
    detail-type; raises `InvalidEventPatternError` with AWS's reason for a pattern AWS refuses.
    """
    compiled, flat = _prepare(pattern, event, require_envelope)
    return matches(compiled, flat)


test_event_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _show(flat: Flat, path: str, limit: int = 3) -> str:
    leaves = [show(value) for value, _ in entries(flat, path) or ()]
    shown = ", ".join(leaves[:limit]) + (f" and {len(leaves) - limit} more" if len(leaves) > limit else "")
    return shown if len(leaves) == 1 else f"[{shown}]"


def _branch_reasons(branch: Branch, flat: Flat) -> list[str]:
    reasons: list[str] = []
    for field in branch.fields:
        leaves = entries(flat, field.path)
        if leaves is None:
            if not field.absent_ok:
                reasons.append(f"{field.path}: not in the event (the pattern wants {field.describe()})")
            continue
        if not any(m.test(value) for value, _ in leaves for m in field.matchers):
            if not field.matchers:
                reasons.append(
                    f"{field.path}: the pattern wants it absent (exists: false), "
                    f"but the event has {_show(flat, field.path)}"
                )
            else:
                reasons.append(f"{field.path}: {_show(flat, field.path)} does not match {field.describe()}")
    if not reasons and not match_branch(branch, flat):
        arrays = [f.path for f in branch.fields if any(slots for _, slots in entries(flat, f.path) or ())]
        reasons.append(f"{', '.join(arrays)}: each matches, but not within one element of the same array")
    return reasons


def explain(
    pattern: PatternSource | CompiledPattern, event: EventSource, *, require_envelope: bool = False
) -> list[str]:
    """Why ``pattern`` does not match ``event``: one line per failing field; [] when it matches.

    For a pattern with ``$or``, each branch's reasons are prefixed with the branch's number.
    Raises the same errors as `test_event_pattern` (the envelope is not required by default).
    """
    compiled, flat = _prepare(pattern, event, require_envelope)
    if matches(compiled, flat):
        return []
    branches = compiled.branches
    if len(branches) == 1:
        return _branch_reasons(branches[0], flat)
    out: list[str] = []
    for number, branch in enumerate(branches, start=1):
        prefix = f"$or branch {number} of {len(branches)}: "
        out.extend(prefix + reason for reason in _branch_reasons(branch, flat))
    return out
