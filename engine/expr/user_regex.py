"""Regular expressions written by users, run in bounded time.

A definition's JSONPath filter (``=~``) and its JSONata (``$match``, ``$replace``, ``$split``,
``$contains`` with a ``/regex/``) run patterns that come from the user's file against data that
comes from the execution. Python's backtracking engine takes exponential time on patterns such as
``(a+)+$``, so one line of a definition could hang a run (or the designer) for hours.

Patterns run on RE2, whose time is linear in the text. RE2 has no backreferences or lookaround;
a pattern that uses them (AWS runs JSONata's regexes on JavaScript's engine, which has both) runs
on the ``regex`` package instead, under a time budget that its matcher checks while it works, so
the budget holds even inside one catastrophic match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, Final

import re2
import regex

from engine.expr.errors import ExprError

# How long one fallback (non-RE2) match may take before the expression fails.
FALLBACK_TIMEOUT_S: Final = 1.0

__all__ = [
    "FALLBACK_TIMEOUT_S",
    "RegexBudgetError",
    "UserRegex",
    "UserRegexError",
    "compile_flagged",
    "compile_user_regex",
]


class UserRegexError(ValueError):
    """The pattern does not compile."""


class RegexBudgetError(ExprError):
    """A pattern ran past its time budget (only patterns RE2 cannot run)."""

    def __init__(self, pattern: str) -> None:
        super().__init__(
            f"The regular expression /{pattern}/ took longer than {FALLBACK_TIMEOUT_S:g} s "
            "(it uses backreferences or lookaround, which can take exponential time)"
        )
        self.pattern = pattern


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    return options


_OPTIONS: Final = _re2_options()


class UserRegex:
    """A compiled user pattern with the ``re.Pattern`` methods JSONata and the filters use."""

    def __init__(
        self,
        pattern: str,
        *,
        ignore_case: bool = False,
        multiline: bool = False,
        dotall: bool = False,
        verbose: bool = False,
    ) -> None:
        self.pattern = pattern
        inline = "".join(flag for flag, on in (("i", ignore_case), ("m", multiline), ("s", dotall)) if on)
        self._fast: Any = None
        self._slow: Any = None
        if not verbose:
            try:
                self._fast = re2.compile(f"(?{inline}){pattern}" if inline else pattern, _OPTIONS)
                return
            except re2.error:
                pass
        flags = regex.V0 | (regex.IGNORECASE if ignore_case else 0) | (regex.MULTILINE if multiline else 0)
        flags |= (regex.DOTALL if dotall else 0) | (regex.VERBOSE if verbose else 0)
        try:
            self._slow = regex.compile(pattern, flags)
        except (regex.error, ValueError, OverflowError, RecursionError) as exc:
            raise UserRegexError(str(exc)) from None

    @property
    def linear(self) -> bool:
        """True when the pattern runs on RE2 (linear time)."""
        return self._fast is not None

    def _run(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._fast is not None:
            return getattr(self._fast, method)(*args, **kwargs)
        try:
            return getattr(self._slow, method)(*args, timeout=FALLBACK_TIMEOUT_S, **kwargs)
        except TimeoutError:
            raise RegexBudgetError(self.pattern) from None

    def search(self, string: str) -> Any:
        return self._run("search", string)

    def fullmatch(self, string: str) -> Any:
        return self._run("fullmatch", string)

    def finditer(self, string: str) -> Iterator[Any]:
        if self._fast is not None:
            return iter(list(self._fast.finditer(string)))
        try:
            return iter(list(self._slow.finditer(string, timeout=FALLBACK_TIMEOUT_S)))
        except TimeoutError:
            raise RegexBudgetError(self.pattern) from None

    def sub(self, repl: str | Callable[[Any], str], string: str, count: int = 0) -> str:
        return self._run("sub", repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return self._run("split", string, maxsplit)

    def __repr__(self) -> str:
        return f"/{self.pattern}/"


@lru_cache(maxsize=1024)
def compile_user_regex(
    pattern: str,
    *,
    ignore_case: bool = False,
    multiline: bool = False,
    dotall: bool = False,
    verbose: bool = False,
) -> UserRegex:
    """A cached ``UserRegex``; raises ``UserRegexError`` when the pattern does not compile."""
    return UserRegex(pattern, ignore_case=ignore_case, multiline=multiline, dotall=dotall, verbose=verbose)


def compile_flagged(pattern: str, flags: str) -> UserRegex:
    """A pattern with JSONPath filter flags (``i``, ``m``, ``s``, ``x``) as written after ``/.../``."""
    return compile_user_regex(
        pattern, ignore_case="i" in flags, multiline="m" in flags, dotall="s" in flags, verbose="x" in flags
    )
