"""Package names that load their module on first use.

A package's `__init__` is its public surface, but some of what it offers is costly to import
(the debugger and its condition language, the HTTP server, botocore's catalog, the emulated
services) and most callers never touch it. Such a package maps each of those names to the
module that defines it and hands `lazy_exports(...)` to Python as its module `__getattr__`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: `homes` maps a name to the dotted module defining it."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    return __getattr__
