"""SNS subscription filter policies: validate them and decide delivery the way AWS does.

A subscription with a ``FilterPolicy`` only receives the messages the policy accepts, and SNS
refuses policies it cannot use when they are set. The local engine has to agree with AWS on
both, or a design that works offline breaks in the cloud (a message silently not delivered, a
policy refused at deploy time), so this module reproduces AWS's rules, including its limits and
its error wording, as recorded in the conformance corpus:

* a policy is JSON; ``MessageAttributes`` scope (the default) allows no nesting, ``MessageBody``
  scope nests to address body properties; ``$or`` splits a policy into alternatives;
* at most 5 keys (top-level keys; nesting and ``$or`` are looked through), and at most 150
  combinations, summed over the ``$or`` alternatives, each the product over its properties of
  (nesting depth x number of listed values);
* a message without attributes (or a body that is not a non-empty JSON object) matches no policy.

Use ``test_filter_policy`` for a one-off decision, or ``compile_filter_policy`` once per
subscription and ``FilterPolicy.matches`` per message.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from engine.deep_nesting import nesting_headroom
from engine.messaging.sns.filter_policy.compiler import Field, Rule, compile_rules
from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError
from engine.messaging.sns.filter_policy.message import Leaves, attribute_leaves, body_leaves
from engine.messaging.sns.filter_policy.patterns import Exists
from engine.messaging.sns.filter_policy.values import Membership
from engine.values import JsonSyntaxError, check_nesting

FilterPolicyScope = Literal["MessageAttributes", "MessageBody"]
SCOPES: tuple[str, ...] = ("MessageAttributes", "MessageBody")
MAX_KEYS = 5
MAX_COMBINATIONS = 150


@dataclass(frozen=True)
class FilterPolicy:
    """A validated policy, ready to decide message after message without re-parsing."""

    scope: str
    rules: tuple[Rule, ...]

    def matches(self, message: Any, message_attributes: Mapping[str, Any] | None = None) -> bool:
        """Whether SNS would deliver this message (body text, attributes) to the subscription."""
        leaves = body_leaves(message) if self.scope == "MessageBody" else attribute_leaves(message_attributes)
        if not leaves:
            return False  # AWS: an empty set of attributes (or body properties) matches no policy
        return any(_rule_matches(list(rule.values()), leaves) for rule in self.rules)


def compile_filter_policy(policy: Any, scope: str = "MessageAttributes") -> FilterPolicy | None:
    """Validate and compile a policy; ``None`` when there is no policy (everything is delivered).

    ``policy`` is the JSON text of ``FilterPolicy`` (use the exact text when keys repeat: the
    last one wins, as in AWS) or an already-parsed dict. Raises ``InvalidFilterPolicyError``.
    """
    _check_scope(scope)
    tree = _parse_policy(policy)
    if tree is _NO_POLICY:
        return None
    with nesting_headroom():  # the compiler recurses a level at a time; policies may nest 1,000 levels
        rules = compile_rules(tree)
    _check_limits(rules, scope)
    return FilterPolicy(scope, tuple(rules))


def validate_filter_policy(policy: Any, scope: str = "MessageAttributes") -> None:
    """Raise ``InvalidFilterPolicyError`` (AWS's wording) if SNS would refuse the policy."""
    compile_filter_policy(policy, scope)


def test_filter_policy(
    policy: Any,
    message: Any,
    message_attributes: Mapping[str, Any] | None = None,
    scope: str = "MessageAttributes",
) -> bool:
    """Whether a subscription with ``policy`` receives the message; refuses invalid policies."""
    compiled = compile_filter_policy(policy, scope)
    return True if compiled is None else compiled.matches(message, message_attributes)


test_filter_policy.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, whatever its name

_NO_POLICY = object()


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise InvalidFilterPolicyError(
            f"Invalid value [{scope}]. Please use either MessageBody or MessageAttributes",
            attribute="FilterPolicyScope",
        )


def _parse_policy(policy: Any) -> Any:
    """The policy's JSON tree; text is parsed as SNS does (duplicate keys: the last one wins)."""
    if policy is None or (isinstance(policy, str) and not policy.strip()):
        return _NO_POLICY  # AWS: setting FilterPolicy to "" removes it
    if isinstance(policy, bytes | bytearray):
        policy = policy.decode("utf-8")
    try:
        check_nesting(policy)  # before any recursive read: deeper than Jackson reads is refused
        if not isinstance(policy, str):
            return policy
        return json.loads(policy, parse_constant=_refuse_constant)
    except JsonSyntaxError as error:
        raise InvalidFilterPolicyError(f"failed to parse JSON. {error}") from None
    except ValueError as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise InvalidFilterPolicyError(f"failed to parse JSON. {reason}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


def _check_limits(rules: list[Rule], scope: str) -> None:
    """SNS's own limits, checked after the policy compiled (so syntax errors are reported first)."""
    fields = [field for rule in rules for field in rule.values()]
    if scope == "MessageAttributes" and any(len(field.path) > 1 for field in fields):
        raise InvalidFilterPolicyError(
            "Filter policy scope MessageAttributes does not support nested filter policy", attribute=None
        )
    if len({field.path[0] for field in fields}) > MAX_KEYS:
        raise InvalidFilterPolicyError(f"Filter policy can not have more than {MAX_KEYS} keys")
    combinations = sum(math.prod(len(f.path) * f.value_count for f in rule.values()) for rule in rules)
    if combinations > MAX_COMBINATIONS:
        raise InvalidFilterPolicyError("Filter policy is too complex")


def _rule_matches(fields: list[Field], leaves: Leaves) -> bool:
    """AND over the rule's properties, choosing leaves that agree on shared array elements."""
    return _match_from(0, fields, leaves, {})


def _match_from(index: int, fields: list[Field], leaves: Leaves, chosen: dict[int, int]) -> bool:
    if index == len(fields):
        return True
    field = fields[index]
    found = leaves.get(field.name, [])
    absent_ok = not found and any(isinstance(p, Exists) and not p.present for p in field.patterns)
    if absent_ok and _match_from(index + 1, fields, leaves, chosen):
        return True
    value_patterns = [p for p in field.patterns if not isinstance(p, Exists) or p.present]
    for leaf in found:
        merged = _merge(chosen, leaf.membership)
        if merged is None or not any(pattern.matches(leaf) for pattern in value_patterns):
            continue
        if _match_from(index + 1, fields, leaves, merged):
            return True
    return False


def _merge(chosen: dict[int, int], membership: Membership) -> dict[int, int] | None:
    """The array positions fixed so far plus this leaf's, or ``None`` if they disagree."""
    merged = dict(chosen)
    for array_id, position in membership:
        if merged.setdefault(array_id, position) != position:
            return None
    return merged
