"""Compiling an EventBridge pattern: validation with AWS's reasons, then matchers per field.

The compiler reads the pattern as a token stream in the order AWS's matcher does, so that the
first problem it meets is the one AWS reports, in AWS's words. ``$or`` is expanded into branches
(a rule matches when any branch does); within a branch each dotted field path maps to a list of
matchers of which one must accept a value of the event (a repeated key: the last one wins).
What it produces, a `CompiledPattern`, is defined in `compiled`.
"""

from __future__ import annotations

import json

from engine.bus.pattern.compiled import ABSENT, CompiledPattern, PatternSource, compiled_from
from engine.bus.pattern.errors import InvalidEventPatternError
from engine.bus.pattern.matchers import (
    AnythingBut,
    AnythingButNumbers,
    Cidr,
    Exists,
    Matcher,
    NumericRange,
    StringTest,
    Wildcard,
    exact_for_literal,
    exact_for_number,
    exact_for_string,
)
from engine.bus.pattern.values import PatternValueError, require_comparable
from engine.bus.pattern.wildcard import parse_wildcard, wildcard_regex
from engine.deep_nesting import nesting_headroom
from engine.values import (
    END_ARRAY,
    END_OBJECT,
    FALSE,
    FIELD,
    NULL,
    NUMBER,
    START_ARRAY,
    START_OBJECT,
    STRING,
    TRUE,
    IpValueError,
    JsonSyntaxError,
    TokenStream,
    check_nesting,
    parse_cidr,
    tokens_from_object,
    tokens_from_text,
)

__all__ = ["compile_pattern"]

_RESERVED_IN_OR = frozenset(
    {
        "exactly",
        "equals-ignore-case",
        "prefix",
        "suffix",
        "anything-but",
        "exists",
        "wildcard",
        "numeric",
        "cidr",
        "=",
        "<",
        "<=",
        ">",
        ">=",
        "regex",
        "not-wildcard",
        "not-equals-ignore-case",
        "date-after",
        "date-on-or-after",
        "date-before",
        "date-on-or-before",
        "in-date-range",
        "ip-address-in-range",
        "ip-address-not-in-range",
    }
)
_ONE_KEY = "Only one key allowed in match expression"
_TOO_MANY = "Too many elements in numeric expression"
_AB_MODES = {
    "equals-ignore-case": "ignore-case",
    "prefix": "prefix",
    "suffix": "suffix",
    "wildcard": "wildcard",
}


def _fail(reason: str) -> InvalidEventPatternError:
    return InvalidEventPatternError(reason)


class _Compiler:
    def __init__(self, stream: TokenStream) -> None:
        self.ts = stream

    # -- structure -----------------------------------------------------------------------------
    def compile(self) -> list[dict[str, list[Matcher]]]:
        if self.ts.next() != START_OBJECT:
            raise _fail("Filter is not an object")
        rules: list[dict[str, list[Matcher]]] = []
        self.parse_object(rules, [], in_or=False)
        return rules

    def parse_object(self, rules: list[dict[str, list[Matcher]]], path: list[str], in_or: bool) -> None:
        ts = self.ts
        present = False
        while ts.next() != END_OBJECT:
            present = True
            name = ts.text
            if name == "$or":
                self.parse_or(rules, path)
                continue
            if in_or and name in _RESERVED_IN_OR:
                raise _fail(f"{name} is Ruler reserved fieldName which cannot be used inside $or.")
            kind = ts.next()
            if kind == START_OBJECT:
                self.parse_object(rules, [*path, name], in_or)
            elif kind == START_ARRAY:
                self.write_field(rules, ".".join([*path, name]))
            else:
                raise _fail(f'"{name}" must be an object or an array')
        if not present:
            raise _fail("Empty objects are not allowed")

    def parse_or(self, rules: list[dict[str, list[Matcher]]], path: list[str]) -> None:
        ts = self.ts
        before = [dict(rule) for rule in rules]
        rules.clear()
        if ts.next() != START_ARRAY:
            raise _fail("It must be an Array followed with $or.")
        count = 0
        while ts.next() != END_ARRAY:
            count += 1
            if ts.kind != START_OBJECT:
                raise _fail("Only JSON object is allowed in array of $or relationship.")
            forked = [dict(rule) for rule in before] or [{}]
            self.parse_object(forked, path, in_or=True)
            rules.extend(forked)
        if count < 2:
            raise _fail("There must have at least 2 Objects in $or relationship.")

    def write_field(self, rules: list[dict[str, list[Matcher]]], name: str) -> None:
        ts = self.ts
        values: list[Matcher] = []
        while ts.next() != END_ARRAY:
            kind = ts.kind
            if kind == START_OBJECT:
                values.append(self.match_expression())
            elif kind == STRING:
                values.append(exact_for_string(ts.text))
            elif kind == NUMBER:
                values.append(exact_for_number(ts.text))
            elif kind in (TRUE, FALSE, NULL):
                values.append(exact_for_literal(kind))
            else:
                raise _fail("Match value must be String, number, true, false, or null")
        if not values:
            raise _fail("Empty arrays are not allowed")
        if not rules:
            rules.append({})
        for rule in rules:
            rule[name] = values

    # -- operators -----------------------------------------------------------------------------
    def expect_end(self, reason: str = _ONE_KEY) -> None:
        if self.ts.next() != END_OBJECT:
            raise _fail(reason)

    def match_expression(self) -> Matcher:
        ts = self.ts
        if ts.next() != FIELD:
            raise _fail("Match expression name not found")
        op = ts.text
        if op in ("prefix", "suffix"):
            return self.prefix_or_suffix(op)
        if op == "exactly":
            if ts.next() != STRING:
                raise _fail("exact match pattern must be a string")
            matcher: Matcher = StringTest("exact", ts.text, ignore_case=False)
        elif op == "equals-ignore-case":
            if ts.next() != STRING:
                raise _fail("equals-ignore-case match pattern must be a string")
            matcher = StringTest("equals", ts.text, ignore_case=True)
        elif op == "numeric":
            if ts.next() != START_ARRAY:
                raise _fail("Value of numeric must be an array.")
            matcher = self.numeric()
            self.expect_end(_TOO_MANY)
            return matcher
        elif op == "anything-but":
            return self.anything_but()
        elif op == "exists":
            kind = ts.next()
            if kind not in (TRUE, FALSE):
                raise _fail("exists match pattern must be either true or false.")
            matcher = Exists() if kind == TRUE else ABSENT
        elif op == "cidr":
            if ts.next() != STRING:
                raise _fail("prefix match pattern must be a string")
            text = ts.text
            block = parse_cidr(text)
            matcher = Cidr(block.size, block.low, block.high, text)
        elif op == "wildcard":
            if ts.next() != STRING:
                raise _fail("wildcard match pattern must be a string")
            text = ts.text
            parse_wildcard(text)
            matcher = Wildcard(wildcard_regex(text), text)
        else:
            raise _fail(f"Unrecognized match type {op}")
        self.expect_end()
        return matcher

    def prefix_or_suffix(self, op: str) -> Matcher:
        ts = self.ts
        kind = ts.next()
        if kind == START_OBJECT:
            title = op.capitalize()
            if ts.next() != FIELD:
                raise _fail(f"{title} expression name not found")
            if ts.text != "equals-ignore-case":
                raise _fail(f"Unsupported {op} pattern: {ts.text}")
            if ts.next() != STRING:
                raise _fail("equals-ignore-case match pattern must be a string")
            matcher = StringTest(op, ts.text, ignore_case=True)
            self.expect_end()
            self.expect_end()
            return matcher
        if kind != STRING:
            raise _fail(f"{op} match pattern must be a string")
        matcher = StringTest(op, ts.text, ignore_case=False)
        self.expect_end()
        return matcher

    def numeric(self) -> NumericRange:
        ts = self.ts
        if ts.next() != STRING:
            raise _fail(f"Invalid member in numeric match: {ts.text}")
        op = ts.text
        if op not in ("=", ">", ">=", "<", "<="):
            ts.next()
            raise _fail(f"Unrecognized numeric range operator: {op}")
        if ts.next() != NUMBER:
            raise _fail(f"Value of {'equals' if op == '=' else op} must be numeric")
        first = ts.text
        if op in ("=", "<", "<="):
            if ts.next() != END_ARRAY:
                raise _fail(_TOO_MANY)
            value = require_comparable(first)
            if op == "=":
                return NumericRange.equal_to(value, f'["=", {first}]')
            return NumericRange.one_sided(op, value, f'["{op}", {first}]')
        if ts.next() == END_ARRAY:
            return NumericRange.one_sided(op, require_comparable(first), f'["{op}", {first}]')
        if ts.kind != STRING:
            raise _fail(f"Bad value in numeric range: {ts.text}")
        upper_op = ts.text
        if upper_op not in ("<", "<="):
            raise _fail(f"Bad numeric range operator: {upper_op}")
        if ts.next() != NUMBER:
            raise _fail(f"Value of {upper_op} must be numeric")
        second = ts.text
        if ts.next() != END_ARRAY:
            raise _fail("Too many terms in numeric range expression")
        low, high = require_comparable(first), require_comparable(second)
        if low >= high:
            raise _fail("Bottom must be less than top")
        shown = f'["{op}", {first}, "{upper_op}", {second}]'
        return NumericRange(low, op == ">", high, upper_op == "<", shown)

    def anything_but(self) -> Matcher:
        ts = self.ts
        mode = "exact"
        kind = ts.next()
        if kind == START_OBJECT:
            if ts.next() != FIELD:
                raise _fail("Anything-But expression name not found")
            if ts.text not in _AB_MODES:
                raise _fail(f"Unsupported anything-but pattern: {ts.text}")
            mode = _AB_MODES[ts.text]
            kind = ts.next()
        if kind not in (START_ARRAY, STRING, NUMBER):
            raise _fail("Value of anything-but must be an array or single string/number value.")
        matcher = self.anything_but_values(kind) if mode == "exact" else self.anything_but_set(mode, kind)
        self.expect_end(_TOO_MANY)
        if mode != "exact":
            self.expect_end(_TOO_MANY)
        return matcher

    def anything_but_values(self, kind: str) -> Matcher:
        ts = self.ts
        if kind != START_ARRAY:
            if kind == STRING:
                return AnythingBut("exact", [ts.text], json.dumps(ts.text))
            return AnythingButNumbers([require_comparable(ts.text)], ts.text)
        strings: list[str] = []
        numbers: list[str] = []
        while ts.next() != END_ARRAY:
            if ts.kind == STRING:
                strings.append(ts.text)
            elif ts.kind == NUMBER:
                require_comparable(ts.text)
                numbers.append(ts.text)
            else:
                raise _fail("Inside anything but list, start|null|boolean is not supported.")
        if bool(strings) == bool(numbers):
            raise _fail(
                "Inside anything but list, either all values are number or string, "
                "mixed type is not supported"
            )
        if strings:
            return AnythingBut("exact", strings, json.dumps(strings))
        return AnythingButNumbers([require_comparable(n) for n in numbers], "[" + ", ".join(numbers) + "]")

    def anything_but_set(self, mode: str, kind: str) -> Matcher:
        ts = self.ts
        texts: list[str] = []

        def take() -> None:
            if ts.kind != STRING:
                if mode == "ignore-case":
                    raise _fail(
                        "Inside anything-but/equals-ignore-case list, number|start|null|boolean "
                        "is not supported."
                    )
                if mode == "wildcard":
                    raise _fail("wildcard match pattern must be a string")
                raise _fail("prefix/suffix match pattern must be a string")
            if mode in ("prefix", "suffix") and not ts.text:
                raise _fail("Null prefix/suffix not allowed")
            texts.append(ts.text)

        if kind == START_ARRAY:
            while ts.next() != END_ARRAY:
                take()
            shown_value = json.dumps(texts)
        else:
            take()
            shown_value = json.dumps(texts[0])
        regexes = []
        if mode == "wildcard":
            for text in texts:
                parse_wildcard(text)
            regexes = [wildcard_regex(text) for text in texts]
        sub = {"ignore-case": "equals-ignore-case"}.get(mode, mode)
        return AnythingBut(mode, texts, f'{{"{sub}": {shown_value}}}', regexes)


def compile_pattern(pattern: PatternSource | CompiledPattern) -> CompiledPattern:
    """Validates and compiles a pattern given as JSON text (preferred: repeated keys count) or a dict.

    Raises `InvalidEventPatternError` with AWS's reason when AWS would refuse the pattern.
    """
    if isinstance(pattern, CompiledPattern):
        return pattern
    if isinstance(pattern, bytes):
        pattern = pattern.decode("utf-8")
    try:
        check_nesting(pattern)  # the compiler recurses a level at a time: refuse what Jackson refuses
        tokens = tokens_from_text(pattern) if isinstance(pattern, str) else tokens_from_object(pattern)
        with nesting_headroom():  # and patterns may nest as deeply as Jackson reads them
            rules = _Compiler(TokenStream(tokens)).compile()
        return compiled_from(rules)
    except (JsonSyntaxError, PatternValueError, IpValueError) as exc:
        raise InvalidEventPatternError(str(exc)) from None
