"""Exceptions raised by the expression layer.

They live in one small module so that callers (validator, engine, UI) can
catch a whole family with ``ExprError`` and still tell a definition-time
mistake (a syntax error, refused by AWS at CreateStateMachine) from a
run-time one (a path that does not resolve, which AWS reports as a
``States.Runtime`` or ``States.ResultPathMatchFailure`` error).
"""

from __future__ import annotations


class ExprError(Exception):
    """Base class of every error raised by ``engine.expr``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PathSyntaxError(ExprError, ValueError):
    """A JSONPath string that Step Functions would refuse at definition time."""

    def __init__(self, message: str, *, text: str | None = None, position: int | None = None) -> None:
        if text is not None and position is not None:
            message = f"{message} (at position {position} in {text!r})"
        elif text is not None:
            message = f"{message} (in {text!r})"
        super().__init__(message)
        self.text = text
        self.position = position


class PathNotFoundError(ExprError, LookupError):
    """A definite path that does not resolve against the document it was applied to."""


class ResultPathMatchError(ExprError):
    """ResultPath cannot be applied: an intervening node is not an object, or an index is out of range.

    Step Functions reports this as ``States.ResultPathMatchFailure``.
    """


class IntrinsicSyntaxError(ExprError, ValueError):
    """An intrinsic function call that Step Functions would refuse at definition time."""

    def __init__(self, message: str, *, text: str | None = None, position: int | None = None) -> None:
        if text is not None and position is not None:
            message = f"{message} (at position {position} in {text!r})"
        super().__init__(message)
        self.text = text
        self.position = position
