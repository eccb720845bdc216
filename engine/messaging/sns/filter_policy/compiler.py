"""Compile a filter policy into match rules, refusing it exactly where and how SNS refuses it.

SNS validates a policy by compiling it with its matching library, which reads the compact JSON
token by token and stops at the first problem; which problem is reported (and at which column)
depends on that reading order, so this compiler follows the same order rather than validating
the tree in some other sequence. The result is a list of rules (one per ``$or`` alternative, AND
within a rule), each mapping a dotted property path to the patterns any of which must accept it.

The refusals match what AWS returned when the conformance corpus was recorded (May-Dec 2024):
that library version takes ``anything-but`` with a single ``prefix`` only (``suffix`` and
``equals-ignore-case`` inside ``anything-but`` are refused) and has no ``wildcard`` operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError
from engine.messaging.sns.filter_policy.patterns import (
    AnythingBut,
    AnythingButPrefix,
    CidrRange,
    EqualsIgnoreCase,
    ExactLiteral,
    ExactString,
    Exists,
    NumericEquals,
    NumericRange,
    Pattern,
    Prefix,
    Suffix,
)
from engine.messaging.sns.filter_policy.policy_reader import PolicyReader, compact
from engine.messaging.sns.filter_policy.values import (
    NUMBER_LIMIT,
    NUMBER_RANGE_MESSAGE,
    comparable_number,
)
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
    parse_cidr,
)

OR_KEYWORD = "$or"
_MATCH_OPERATORS = ("exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard")
_NUMERIC_WORDS = ("numeric", "cidr", "=", "<", "<=", ">", ">=")
_DATE_WORDS = ("date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range")
_OTHER_WORDS = (
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "ip-address-in-range",
    "ip-address-not-in-range",
)
#: Field names that stop an ``$or`` array from being read as OR (it is then an ordinary property).
RESERVED_IN_OR = frozenset(_MATCH_OPERATORS + _NUMERIC_WORDS + _DATE_WORDS + _OTHER_WORDS)
_STRING_OPERATORS: dict[str, type[Prefix | Suffix | EqualsIgnoreCase]] = {
    "prefix": Prefix,
    "suffix": Suffix,
    "equals-ignore-case": EqualsIgnoreCase,
}
_MIXED_ANYTHING_BUT = (
    "Inside anything but list, either all values are number or string, mixed type is not supported"
)


@dataclass(frozen=True, slots=True)
class Field:
    """One property of a rule: its path (nesting levels), its patterns, how many values it lists."""

    path: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    value_count: int

    @property
    def name(self) -> str:
        """The dotted name the message is flattened to (``a.b`` for ``{"a": {"b": ...}}``)."""
        return ".".join(self.path)


Rule = dict[str, Field]


def compile_rules(tree: Any) -> list[Rule]:
    """Compile a parsed policy into rules, raising ``InvalidFilterPolicyError`` as SNS would."""
    return _Compiler(tree).compile()


class _Compiler:
    def __init__(self, tree: Any) -> None:
        self._tree = tree
        self._source, tokens = compact(tree)
        self._stream = PolicyReader(tokens)

    def _fail(self, reason: str) -> NoReturn:
        raise InvalidFilterPolicyError(reason, source=self._source, column=self._stream.column)

    def compile(self) -> list[Rule]:
        if self._stream.next_token() != START_OBJECT:
            self._fail("Filter is not an object")
        rules: list[Rule] = []
        self._object(rules, (), self._tree)
        return rules

    def _object(self, rules: list[Rule], path: tuple[str, ...], node: dict[str, Any]) -> None:
        """The object ``node`` whose opening brace was just read (its tokens follow in the stream)."""
        stream = self._stream
        present = False
        while stream.next_token() != END_OBJECT:
            present = True
            name = stream.current.text
            if name == OR_KEYWORD and _is_or(node.get(name)):
                self._or(rules, path, node[name])
                continue
            kind = stream.next_token()
            if kind == START_OBJECT:
                self._object(rules, (*path, name), _member(node, name))
            elif kind == START_ARRAY:
                self._values(rules, (*path, name))
            else:
                self._fail(f'"{name}" must be an object or an array')
        if not present:
            self._fail("Empty objects are not allowed")

    def _or(self, rules: list[Rule], path: tuple[str, ...], alternatives: list[Any]) -> None:
        """Each object of the ``$or`` array forks the rules gathered so far (OR of ANDs)."""
        before = [dict(rule) for rule in rules]
        rules.clear()
        self._stream.next_token()  # the array, already known to hold only objects
        for alternative in alternatives:
            self._stream.next_token()  # its opening brace
            branch = [dict(rule) for rule in before] or [{}]
            self._object(branch, path, alternative)
            rules.extend(branch)
        self._stream.next_token()  # the array's end

    def _values(self, rules: list[Rule], path: tuple[str, ...]) -> None:
        stream = self._stream
        patterns: list[Pattern] = []
        count = 0
        while (kind := stream.next_token()) != END_ARRAY:
            count += 1
            if kind == START_OBJECT:
                patterns.append(self._expression())
            elif kind == STRING:
                patterns.append(ExactString.of(stream.text()))
            elif kind == NUMBER:
                key = comparable_number(_number(stream.current.text))
                if key is not None:  # out-of-range numbers still match as written
                    patterns.append(NumericEquals(key))
                patterns.append(ExactLiteral("number", stream.text()))
            elif kind in (TRUE, FALSE, NULL):
                patterns.append(ExactLiteral(kind, kind))
            else:
                self._fail("Match value must be String, number, true, false, or null")
        if not count:
            self._fail("Empty arrays are not allowed")
        if not rules:
            rules.append({})
        field = Field(path, tuple(patterns), count)
        for rule in rules:
            rule[field.name] = field

    def _expression(self) -> Pattern:
        """One ``{"operator": ...}`` alternative."""
        stream = self._stream
        if stream.next_token() != FIELD:
            self._fail("Match expression name not found")
        operator = stream.current.text
        if operator in _STRING_OPERATORS:
            if stream.next_token() != STRING:
                self._fail(f"{operator} match pattern must be a string")
            text = stream.text()
            self._end_of_expression()
            return _STRING_OPERATORS[operator](text)
        if operator == "numeric":
            if stream.next_token() != START_ARRAY:
                self._fail("Value of numeric must be an array.")
            pattern = self._numeric()
            if stream.next_token() != END_OBJECT:
                self._fail("Too many elements in numeric expression")
            return pattern
        if operator == "anything-but":
            return self._anything_but()
        if operator == "exists":
            kind = stream.next_token()
            if kind not in (TRUE, FALSE):
                self._fail("exists match pattern must be either true or false.")
            self._end_of_expression()
            return Exists(kind == TRUE)
        if operator == "cidr":
            if stream.next_token() != STRING:
                self._fail("prefix match pattern must be a string")  # sic: AWS's wording for cidr
            try:
                block = parse_cidr(stream.text())
            except IpValueError as error:  # refused without a location, as AWS does
                raise InvalidFilterPolicyError(str(error)) from None
            self._end_of_expression()
            return CidrRange(block)
        self._fail(f"Unrecognized match type {operator}")

    def _end_of_expression(self) -> None:
        if self._stream.next_token() != END_OBJECT:
            self._fail("Only one key allowed in match expression")

    def _anything_but(self) -> Pattern:
        stream = self._stream
        kind = stream.next_token()
        if kind == START_OBJECT:
            if stream.next_token() != FIELD:
                self._fail("Anything-But expression name not found")
            operator = stream.current.text
            if operator != "prefix":
                self._fail(f"Unsupported anything-but pattern: {operator}")
            if stream.next_token() != STRING:
                self._fail("prefix match pattern must be a string")
            text = stream.text()
            if not text:
                self._fail("Null prefix not allowed")
            self._end_of_expression()
            self._end_of_expression()
            return AnythingButPrefix(text)
        if kind == START_ARRAY:
            pattern = self._anything_but_list()
        elif kind == STRING:
            pattern = AnythingBut(strings=frozenset({stream.text()}))
        elif kind == NUMBER:
            key = comparable_number(_number(stream.current.text))
            if key is None:  # AWS lets this one escape unlocated
                raise InvalidFilterPolicyError(NUMBER_RANGE_MESSAGE)
            pattern = AnythingBut(keys=frozenset({key}), numeric=True)
        else:
            self._fail("Value of anything-but must be an array or single string/number value.")
        if stream.next_token() != END_OBJECT:
            self._fail("Too many elements in numeric expression")
        return pattern

    def _anything_but_list(self) -> Pattern:
        stream = self._stream
        strings: set[str] = set()
        keys: set[int] = set()
        has_string = has_number = False
        while (kind := stream.next_token()) != END_ARRAY:
            if kind == STRING:
                strings.add(stream.text())
                has_string = True
            elif kind == NUMBER:
                keys.add(self._comparable(_number(stream.current.text)))
                has_number = True
            else:
                self._fail("Inside anything but list, start|null|boolean is not supported.")
        if has_string == has_number:
            self._fail(_MIXED_ANYTHING_BUT)
        return AnythingBut(frozenset(strings), frozenset(keys), numeric=has_number)

    def _numeric(self) -> Pattern:
        """``["op", n]`` or ``[">"|">=", lo, "<"|"<=", hi]``, with the library's messages."""
        stream = self._stream
        if stream.next_token() != STRING:
            self._fail(f"Invalid member in numeric match: {stream.text()}")
        operator = stream.text()
        kind = stream.next_token()
        if operator == "=":
            if kind != NUMBER:
                self._fail("Value of equals must be numeric")
            value = _number(stream.current.text)
            if stream.next_token() != END_ARRAY:
                self._fail("Too many elements in numeric expression")
            return NumericEquals(self._comparable(value))
        if operator in (">", ">="):
            if kind != NUMBER:
                self._fail(f"Value of {operator} must be numeric")
            bottom = _number(stream.current.text)
            kind = stream.next_token()
            if kind == END_ARRAY:
                return self._range(bottom, operator == ">", NUMBER_LIMIT, False)
            return self._upper_bound(kind, bottom, operator == ">")
        if operator in ("<", "<="):
            if kind != NUMBER:
                self._fail(f"Value of {operator} must be numeric")
            top = _number(stream.current.text)
            if stream.next_token() != END_ARRAY:
                self._fail("Too many elements in numeric expression")
            return self._range(-NUMBER_LIMIT, False, top, operator == "<")
        self._fail(f"Unrecognized numeric range operator: {operator}")

    def _upper_bound(self, kind: str, bottom: float, open_bottom: bool) -> Pattern:
        stream = self._stream
        if kind != STRING:
            self._fail(f"Bad value in numeric range: {stream.text()}")
        operator = stream.text()
        if operator not in ("<", "<="):
            self._fail(f"Bad numeric range operator: {operator}")
        if stream.next_token() != NUMBER:
            self._fail(f"Value of {operator} must be numeric")
        top = _number(stream.current.text)
        if stream.next_token() != END_ARRAY:
            self._fail("Too many terms in numeric range expression")
        return self._range(bottom, open_bottom, top, operator == "<")

    def _range(self, bottom: float, open_bottom: bool, top: float, open_top: bool) -> Pattern:
        if bottom >= top:
            self._fail("Bottom must be less than top")
        return NumericRange(self._comparable(bottom), open_bottom, self._comparable(top), open_top)

    def _comparable(self, value: float) -> int:
        key = comparable_number(value)
        if key is None:
            self._fail(NUMBER_RANGE_MESSAGE)
        return key


def _number(text: str) -> float:
    """A policy number as a double (huge integers become infinite, as the library reads them)."""
    return float(text)


def _member(node: dict[Any, Any], name: str) -> Any:
    """The value shown under ``name`` in the compact text (which writes every key with ``str``)."""
    if name in node:
        return node[name]
    return next(value for key, value in node.items() if str(key) == name)


def _is_or(node: Any) -> bool:
    """Whether an ``$or`` value is read as OR: an array of 2+ objects free of reserved names."""
    return (
        isinstance(node, list | tuple)
        and len(node) >= 2
        and all(isinstance(item, dict) and not _has_reserved_name(item) for item in node)
    )


def _has_reserved_name(node: dict[str, Any]) -> bool:
    for key, value in node.items():
        if key in RESERVED_IN_OR:
            return True
        if isinstance(value, dict) and _has_reserved_name(value):
            return True
        nested_or = key == OR_KEYWORD and isinstance(value, list)
        if nested_or and any(isinstance(item, dict) and _has_reserved_name(item) for item in value):
            return True
    return False
