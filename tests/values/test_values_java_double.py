"""Java's number text, written once for intrinsic functions and for SNS's compact policy text."""

from __future__ import annotations

import pytest

from engine.values import java_double, java_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (1.1, "1.1"),
        (100.0, "100.0"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (1e7, "1.0E7"),
        (9999999.0, "9999999.0"),
        (1.5e-4, "1.5E-4"),
        (1.5e-5, "1.5E-5"),
        (1e10, "1.0E10"),
        (-2e9, "-2.0E9"),
        (-2.5, "-2.5"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (1.234e100, "1.234E100"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (float("nan"), "NaN"),
    ],
)
def test_doubles_are_written_as_double_to_string_writes_them(value: float, text: str) -> None:
    assert java_double(value) == text
    assert java_number(value) == text


def test_integers_are_written_plainly_whatever_their_size() -> None:
    assert java_number(7) == "7"
    assert java_number(-(10**30)) == "-" + "1" + "0" * 30


def test_a_boolean_is_not_a_number() -> None:
    with pytest.raises(TypeError):
        java_number(True)
