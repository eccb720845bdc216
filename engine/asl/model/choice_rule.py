"""Choice rules: one recursive model holding every comparison operator.

A rule is kept as one flat object rather than a class per operator because authors (and the
canvas) edit operators in place, and because AWS itself reports a rule with two operators as
a validation problem rather than a parse failure: the validator, not the model, owns that.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool

from engine.asl.model.base import AslModel

STRING_OPERATORS = (
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
)
NUMERIC_OPERATORS = (
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
)
TIMESTAMP_OPERATORS = (
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
)
TYPE_TEST_OPERATORS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
VALUE_OPERATORS = (
    *STRING_OPERATORS,
    "StringMatches",
    *NUMERIC_OPERATORS,
    "BooleanEquals",
    *TIMESTAMP_OPERATORS,
)
PATH_OPERATORS = tuple(
    f"{op}Path" for op in (*STRING_OPERATORS, *NUMERIC_OPERATORS, "BooleanEquals", *TIMESTAMP_OPERATORS)
)
COMPARISON_OPERATORS = (*VALUE_OPERATORS, *PATH_OPERATORS, *TYPE_TEST_OPERATORS)


class ChoiceRule(AslModel):
    comment: str | None = None
    variable: str | None = None
    condition: Any = None
    # Boolean combinators.
    and_: list[ChoiceRule] | None = Field(default=None, alias="And")
    or_: list[ChoiceRule] | None = Field(default=None, alias="Or")
    not_: ChoiceRule | None = Field(default=None, alias="Not")
    # String comparisons.
    string_equals: str | None = None
    string_equals_path: str | None = None
    string_less_than: str | None = None
    string_less_than_path: str | None = None
    string_greater_than: str | None = None
    string_greater_than_path: str | None = None
    string_less_than_equals: str | None = None
    string_less_than_equals_path: str | None = None
    string_greater_than_equals: str | None = None
    string_greater_than_equals_path: str | None = None
    string_matches: str | None = None
    # Numeric comparisons.
    numeric_equals: int | float | None = None
    numeric_equals_path: str | None = None
    numeric_less_than: int | float | None = None
    numeric_less_than_path: str | None = None
    numeric_greater_than: int | float | None = None
    numeric_greater_than_path: str | None = None
    numeric_less_than_equals: int | float | None = None
    numeric_less_than_equals_path: str | None = None
    numeric_greater_than_equals: int | float | None = None
    numeric_greater_than_equals_path: str | None = None
    # Boolean comparison.
    boolean_equals: StrictBool | None = None
    boolean_equals_path: str | None = None
    # Timestamp comparisons.
    timestamp_equals: str | None = None
    timestamp_equals_path: str | None = None
    timestamp_less_than: str | None = None
    timestamp_less_than_path: str | None = None
    timestamp_greater_than: str | None = None
    timestamp_greater_than_path: str | None = None
    timestamp_less_than_equals: str | None = None
    timestamp_less_than_equals_path: str | None = None
    timestamp_greater_than_equals: str | None = None
    timestamp_greater_than_equals_path: str | None = None
    # Type tests.
    is_null: StrictBool | None = None
    is_present: StrictBool | None = None
    is_numeric: StrictBool | None = None
    is_string: StrictBool | None = None
    is_boolean: StrictBool | None = None
    is_timestamp: StrictBool | None = None
    # Top-level rules only.
    output: Any = None
    assign: dict[str, Any] | None = None
    next: str | None = None

    def operators(self) -> list[str]:
        """The comparison operators this rule sets, by their ASL names."""
        return [name for name in COMPARISON_OPERATORS if _FIELD_FOR_ALIAS[name] in self.model_fields_set]

    def operator(self) -> tuple[str, Any] | None:
        """The rule's single comparison operator and its operand, if it has exactly one."""
        ops = self.operators()
        if len(ops) != 1:
            return None
        return ops[0], getattr(self, _FIELD_FOR_ALIAS[ops[0]])


_FIELD_FOR_ALIAS = {info.alias or name: name for name, info in ChoiceRule.model_fields.items()}
