"""Loading local handlers from Python files: `handlers/retail.py:validate_order`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any


class HandlerLoadError(Exception):
    """A handler that cannot be loaded, with the file and the reason."""


def load_handler(spec: str, base_dir: Path | None = None) -> Any:
    """The callable named by `FILE:FUNCTION`, FILE relative to `base_dir` when not absolute."""
    path_text, sep, attr = spec.rpartition(":")
    if not sep or not path_text or not attr:
        raise HandlerLoadError(f"{spec!r}: expected FILE:FUNCTION, e.g. handlers.py:charge")
    path = Path(path_text)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise HandlerLoadError(f"{path}: no such file")
    module_name = f"statecanvas_handlers_{abs(hash(str(path.resolve())))}"
    module = sys.modules.get(module_name)
    if module is None:
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        if module_spec is None or module_spec.loader is None:
            raise HandlerLoadError(f"{path}: not a Python file")
        module = importlib.util.module_from_spec(module_spec)
        try:
            module_spec.loader.exec_module(module)
        except SyntaxError as exc:
            raise HandlerLoadError(f"{path}:{exc.lineno}: {exc.msg}") from None
        except Exception as exc:
            raise HandlerLoadError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from None
        sys.modules[module_name] = module
    handler = getattr(module, attr, None)
    if not callable(handler):
        raise HandlerLoadError(f"{path}: has no function {attr!r}")
    return handler
