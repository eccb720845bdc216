"""The two refusals of EventBridge's TestEventPattern, as exceptions.

AWS answers a bad pattern with ``InvalidEventPatternException`` and a bad event with a
``ValidationException``; the designer shows the message to the user, so it carries AWS's wording
(the first line of AWS's message, without the parser's ``at [Source: ...]`` location lines).
"""

from __future__ import annotations

__all__ = ["InvalidEventError", "InvalidEventPatternError"]

_PATTERN_PREFIX = "Event pattern is not valid. Reason: "


class InvalidEventPatternError(ValueError):
    """A pattern AWS would refuse; ``str(error)`` is AWS's message, ``reason`` the part after it.

    ``reason`` is kept apart so callers (the designer's sandbox) can show just the cause.
    """

    code = "InvalidEventPatternException"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(_PATTERN_PREFIX + reason)


class InvalidEventError(ValueError):
    """An event AWS would refuse: not JSON, not an object, or (for TestEventPattern) no envelope."""

    code = "ValidationException"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__("Parameter Event is not valid.")
