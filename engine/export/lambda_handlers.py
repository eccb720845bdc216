"""A project function's handler path, and Lambda's CodeUri / Handler / Runtime, each from the other.

A project names a function's code as `path/to/file.py:function` (what the offline engine
imports); Lambda wants the code's directory (CodeUri), `file.function` (Handler) and a
runtime. The file's suffix decides the runtime, and the runtime decides the suffix back.
The code directory goes to Lambda without caches, hidden files and project files, whether it
is zipped for a deploy or copied into a SAM application.
"""

from __future__ import annotations

from pathlib import PurePath, PurePosixPath

RUNTIMES = {
    ".py": "python3.12",
    ".js": "nodejs24.x",
    ".mjs": "nodejs24.x",
    ".cjs": "nodejs24.x",
    ".ts": "nodejs24.x",
    ".rb": "ruby3.4",
}
SUFFIXES = {"python": ".py", "nodejs": ".js", "ruby": ".rb"}
SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".statecanvas.json", ".scproj.json")


def code_file_wanted(relative: PurePath) -> bool:
    """Whether a file of a function's code directory (its path relative to it) goes to Lambda."""
    if any(part in SKIP_DIRS or part.startswith(".") for part in relative.parts):
        return False
    return not relative.name.endswith(SKIP_SUFFIXES)


def lambda_parts(handler: str) -> tuple[str, str, str]:
    """(CodeUri, Handler, Runtime) for a project handler such as `src/orders/app.py:handle`."""
    path_text, _, function = handler.partition(":")
    path = PurePosixPath(path_text.replace("\\", "/"))
    code_uri = str(path.parent) if str(path.parent) not in ("", ".") else "."
    if code_uri != ".":
        code_uri += "/"
    runtime = RUNTIMES.get(path.suffix.lower(), "python3.12")
    return code_uri, f"{path.stem}.{function or 'handler'}", runtime


def project_handler(code_uri: str | None, handler: str | None, runtime: str | None) -> str:
    """The project handler for Lambda's CodeUri, Handler and Runtime (best effort for compiled runtimes)."""
    base = (code_uri or ".").replace("\\", "/").rstrip("/")
    handler = handler or "index.handler"
    family = next((k for k in SUFFIXES if (runtime or "python").startswith(k)), None)
    if family is None or "::" in handler or "." not in handler:
        # Java, .NET, Go, custom runtimes: no file to run offline; keep what Lambda was told.
        return f"{base}/{handler}" if base != "." else handler
    module, _, function = handler.rpartition(".")
    file = module.replace(".", "/") + SUFFIXES[family] if family == "python" else module + SUFFIXES[family]
    path = f"{base}/{file}" if base != "." else file
    return f"{path}:{function}"
