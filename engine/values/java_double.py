"""Java's text for numbers: ``Double.toString`` and the way Jackson writes a JSON number.

AWS runs Step Functions' intrinsic functions and the matching library behind SNS filter policies
on the JVM, so wherever AWS shows a number it wrote back out (``States.Format``,
``States.JsonToString``, the compact policy text quoted in a refusal) the text follows Java:
``1.0`` not ``1``, ``1.0E7`` not ``10000000.0``, ``1.5E-4`` not ``0.00015``. Python's ``repr``
already picks the shortest digits that round-trip, as modern JDKs' ``Double.toString`` does, so
only the layout is redone here.
"""

from __future__ import annotations

import math

__all__ = ["java_double", "java_number"]

# Double.toString switches to computerized scientific notation outside [1e-3, 1e7).
_PLAIN_MIN = 1e-3
_PLAIN_MAX = 1e7


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-tripping digits of a positive finite float and the exponent of the first.

    ``(digits, exp)`` means ``d1.d2d3... * 10**exp``.
    """
    mantissa, _, exponent = repr(value).partition("e")
    exp = int(exponent) if exponent else 0
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    leading_zeros = len(all_digits) - len(significant)
    exp += len(whole) - 1 - leading_zeros
    return significant.rstrip("0") or "0", exp


def java_double(value: float) -> str:
    """``Double.toString(value)``: ``1.0``, ``0.001``, ``1.0E7``, ``1.5E-4``, ``-0.0``, ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    digits, exp = _shortest_digits(magnitude)
    if _PLAIN_MIN <= magnitude < _PLAIN_MAX:
        if exp >= 0:
            whole = digits[: exp + 1].ljust(exp + 1, "0")
            fraction = digits[exp + 1 :] or "0"
        else:
            whole = "0"
            fraction = "0" * (-exp - 1) + digits
        return f"{sign}{whole}.{fraction}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exp}"


def java_number(value: int | float) -> str:
    """A JSON number as Java writes it: integers plainly (any size), doubles via ``Double.toString``."""
    if isinstance(value, bool):  # bool is an int subclass; never a number in JSON
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):
        return java_double(value)
    return str(value)
