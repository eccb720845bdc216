"""Local handlers in Python files (`handlers/retail.py:validate_order`): loading them, listing
the functions a file defines without running it, and writing a new handler from a stub."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from engine.project import OutsideProjectError, confined_path

HANDLERS_DIR = "handlers"
STUB_FUNCTION = "handler"


class HandlerLoadError(Exception):
    """A handler that cannot be loaded, with the file and the reason."""


def handler_file(
    spec: str, base_dir: Path | None = None, *, confine: bool = False, must_exist: bool = True
) -> tuple[Path, str]:
    """(file, function name) of `FILE:FUNCTION`, checked without running anything.

    With `confine` (a project's own handlers), FILE must be relative and stay inside `base_dir`:
    a project someone else wrote cannot make StateCanvas import `../anything.py`. Without
    `must_exist`, a file not written yet passes (its function fails when called, as Lambda's
    would without its code)."""
    path_text, sep, attr = spec.rpartition(":")
    if not sep or not path_text or not attr:
        raise HandlerLoadError(f"{spec!r}: expected FILE:FUNCTION, e.g. handlers.py:charge")
    if confine and base_dir is not None:
        try:
            path = confined_path(base_dir, path_text, "the handler file")
        except OutsideProjectError as exc:
            raise HandlerLoadError(str(exc)) from None
    else:
        path = Path(path_text)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
    if must_exist and not path.is_file():
        raise HandlerLoadError(f"{path}: no such file")
    if not attr.isidentifier():
        raise HandlerLoadError(f"{spec!r}: {attr!r} is not a Python function name")
    return path, attr


class FileHandler:
    """A project function's handler, imported when the function is first invoked, never before.

    Starting a project (put-events, a run, the designer's Run) must not run code the user never
    asked for: a handler file is imported only when its function is called, and imported again
    when it changed. ``resolve()`` returns the callable; the Lambda runtime calls it."""

    def __init__(self, spec: str, base_dir: Path | None) -> None:
        self.spec = spec
        self.base_dir = base_dir

    def resolve(self) -> Any:
        return load_handler(self.spec, self.base_dir, confine=True)

    def __call__(self, event: Any, context: Any) -> Any:
        return self.resolve()(event, context)

    def __repr__(self) -> str:
        return f"FileHandler({self.spec!r})"


def load_handler(spec: str, base_dir: Path | None = None, *, confine: bool = False) -> Any:
    """The callable named by `FILE:FUNCTION`, FILE relative to `base_dir` when not absolute.

    A file is imported again when it changed since it was last imported, so that a run started
    after editing a handler runs the edited code. `confine` as for `handler_file`."""
    path, attr = handler_file(spec, base_dir, confine=confine)
    module_name = f"statecanvas_handlers_{abs(hash(str(path.resolve())))}"
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    module = sys.modules.get(module_name)
    if module is None or getattr(module, "__statecanvas_version__", None) != version:
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
        module.__statecanvas_version__ = version  # type: ignore[attr-defined]
        sys.modules[module_name] = module
    handler = getattr(module, attr, None)
    if not callable(handler):
        raise HandlerLoadError(f"{path}: has no function {attr!r}")
    return handler


def top_level_functions(path: Path) -> list[str]:
    """The functions `path` defines at its top level, read with `ast` (the file is never run,
    so choosing a file cannot execute a stranger's code). Raises HandlerLoadError, located."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HandlerLoadError(f"{path}: cannot read: {exc}") from None
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise HandlerLoadError(f"{path}:{exc.lineno}: {exc.msg}") from None
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def module_name_for(function_name: str) -> str:
    """A Python file name for a function name: `charge-payment` -> `charge_payment`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", function_name)
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", words).strip("_").lower() or "handler"
    return f"h_{name}" if name[0].isdigit() else name


def stub_text(function_name: str, state_name: str) -> str:
    return f'''"""The local handler of the Lambda function {function_name} (the Task state {state_name}).

StateCanvas calls it as Lambda would: `{STUB_FUNCTION}(event, context)`, with the Task's Payload
as `event`. What it returns becomes the function's result (under `Payload` for lambda:invoke);
what it raises becomes the Task's error, which Retry and Catch see.
"""


def {STUB_FUNCTION}(event, context):
    # Replace this with what the function does; for now it returns the event unchanged.
    return event
'''


def create_handler_stub(base_dir: Path, function_name: str, state_name: str) -> tuple[Path, bool]:
    """Write `handlers/NAME.py` (NAME from the function name) under `base_dir` holding a
    Lambda-convention stub, never replacing a file: returns (path, created). An existing file
    that already defines `handler` is reused as it is (created False); one that does not gets a
    free name beside it (`NAME_2.py`...). The write is atomic: a temporary file, flushed and
    linked into place only if the name is still free."""
    folder = base_dir / HANDLERS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stem = module_name_for(function_name)
    text = stub_text(function_name, state_name)
    for n in range(1, 1000):
        path = folder / (f"{stem}.py" if n == 1 else f"{stem}_{n}.py")
        if path.exists():
            with contextlib.suppress(HandlerLoadError):
                if STUB_FUNCTION in top_level_functions(path):
                    return path, False
            continue
        if _write_new(path, text):
            return path, True
    raise HandlerLoadError(f"{folder}: no free file name for {stem}.py")


def _write_new(path: Path, text: str) -> bool:
    """Write `text` to `path` if no file has that name; False if one appeared meanwhile."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            if hasattr(os, "fchmod"):  # a source file as any other (mkstemp makes it owner-only)
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(out.fileno(), 0o666 & ~umask)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)  # fails if the name is taken: nothing is ever replaced
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create exclusively instead
            try:
                with open(path, "x", encoding="utf-8") as out:
                    out.write(text)
            except FileExistsError:
                return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
