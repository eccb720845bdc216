"""Errors the EventBridge API raises for a whole call, named by AWS's error codes.

Per-entry failures of PutEvents are not exceptions (they come back in the response, as in
AWS); these are for what AWS refuses outright - a malformed request, an unknown resource - so
the designer and the CLI can print the same code and message a deployed app would see.
"""

from __future__ import annotations


class EventBridgeError(Exception):
    """An API error: `code` is AWS's error code (`ValidationException`...), `message` its text."""

    code = "EventBridgeException"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationException(EventBridgeError):
    code = "ValidationException"


class ResourceNotFoundException(EventBridgeError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExistsException(EventBridgeError):
    code = "ResourceAlreadyExistsException"


class LimitExceededException(EventBridgeError):
    code = "LimitExceededException"


class IllegalStatusException(EventBridgeError):
    code = "IllegalStatusException"


class InvalidEventPatternException(EventBridgeError):
    code = "InvalidEventPatternException"
