"""File > Export's text formats: ASL YAML, EventBridge rules, CloudFormation, SAM and Mermaid.

Each `export_*` function takes the document (as it is now, unsaved edits included) and where to
write, and returns the path it wrote; the engine does the work (`engine.export`). Any failure
becomes an `ExportError` with a one-line message, never a traceback. `export_dialog` is the
menu's side: it asks for a path (a directory for SAM) and shows the outcome.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from engine.export import (
    OutputPathError,
    asl_yaml,
    cloudformation_template,
    eventbridge_requests,
    mermaid_event_routes,
    mermaid_state_machine,
    sam_project,
    write_output_text,
)

log = logging.getLogger("statecanvas.designer.export")


class ExportError(Exception):
    """An export that could not be written; the message is for the user."""


@dataclass(frozen=True)
class ExportFormat:
    label: str  # the menu's text, without the ellipsis
    suffix: str  # the suggested file name's ending ("" for a directory)
    filter: str  # QFileDialog's name filter
    per_machine: bool = False  # exports one state machine (the current one)
    directory: bool = False  # writes a directory (SAM: the template and its definition files)


FORMATS: dict[str, ExportFormat] = {
    "asl-yaml": ExportFormat("ASL YAML", ".asl.yaml", "ASL YAML (*.asl.yaml *.yaml *.yml)", per_machine=True),
    "rules": ExportFormat("EventBridge rules (PutRule/PutTargets JSON)", ".rules.json", "JSON (*.json)"),
    "cloudformation": ExportFormat("CloudFormation template", ".template.yaml", "YAML (*.yaml *.yml)"),
    "sam": ExportFormat("SAM application", "", "", directory=True),
    "mermaid": ExportFormat("Mermaid state machine", ".mmd", "Mermaid (*.mmd *.md)", per_machine=True),
    "mermaid-routes": ExportFormat("Mermaid event routes", ".routes.mmd", "Mermaid (*.mmd *.md)"),
}


def _machine(document: Any, machine: str | None) -> tuple[str, dict[str, Any]]:
    names = list(document.definitions)
    if not names:
        raise ExportError("there is no state machine to export")
    name = machine or names[0]
    if name not in document.definitions:
        raise ExportError(f"no state machine named {name!r}; there are: {', '.join(names)}")
    return name, document.definitions[name]


def _write(path: str | Path, text: str) -> Path:
    try:
        return write_output_text(path, text if text.endswith("\n") else text + "\n")
    except OutputPathError as exc:
        raise ExportError(f"could not write {exc}") from None


def export_asl_yaml(document: Any, path: str | Path, machine: str | None = None) -> Path:
    _, definition = _machine(document, machine)
    return _write(path, asl_yaml(copy.deepcopy(definition)))


def export_rules(document: Any, path: str | Path) -> Path:
    loaded = document.loaded_project()
    if not loaded.project.rules:
        raise ExportError("this project has no rules to export")
    return _write(path, json.dumps(eventbridge_requests(loaded), indent=2))


def export_cloudformation(document: Any, path: str | Path) -> Path:
    return _write(path, cloudformation_template(document.loaded_project()).text("yaml"))


def export_sam(document: Any, directory: str | Path) -> Path:
    """A SAM application under `directory`: template.yaml, statemachine/ and the handlers' functions/."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is a file; SAM exports to a directory")
    root.mkdir(parents=True, exist_ok=True)
    return sam_project(document.loaded_project()).write(root)


def export_mermaid(document: Any, path: str | Path, machine: str | None = None) -> Path:
    _, definition = _machine(document, machine)
    return _write(path, mermaid_state_machine(copy.deepcopy(definition)))


def export_mermaid_routes(document: Any, path: str | Path) -> Path:
    loaded = document.loaded_project()
    if not loaded.project.rules:
        raise ExportError("this project has no event rules to chart")
    return _write(path, mermaid_event_routes(loaded))


EXPORTERS: dict[str, Callable[..., Path]] = {
    "asl-yaml": export_asl_yaml,
    "rules": export_rules,
    "cloudformation": export_cloudformation,
    "sam": export_sam,
    "mermaid": export_mermaid,
    "mermaid-routes": export_mermaid_routes,
}


def export_document(kind: str, document: Any, path: str | Path, machine: str | None = None) -> Path:
    """Write `document` as `kind` to `path`; every failure is an ExportError with a readable message."""
    if kind not in EXPORTERS:
        raise ExportError(f"unknown export format {kind!r}")
    try:
        if FORMATS[kind].per_machine:
            return EXPORTERS[kind](document, path, machine)
        return EXPORTERS[kind](document, path)
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(f"could not write {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # the engine refusing this project: a message, not a traceback
        log.debug("export %s failed", kind, exc_info=True)
        raise ExportError(f"{FORMATS[kind].label} export failed: {exc}") from None


def suggested_name(kind: str, document: Any, machine: str | None) -> str:
    fmt = FORMATS[kind]
    if fmt.per_machine and (machine or document.definitions):
        base = machine or next(iter(document.definitions))
    else:
        base = getattr(document.project, "name", "") or "export"
    return f"{base}{fmt.suffix}" if not fmt.directory else f"{base}-sam"


def export_dialog(window: Any, kind: str) -> Path | None:
    """Ask where to write (QFileDialog), export, and report in the window; the path written or None."""
    fmt = FORMATS[kind]
    machine = window.current_machine()
    start = window._last_dir() / suggested_name(kind, window.document, machine)
    if fmt.directory:
        path = QFileDialog.getExistingDirectory(window, f"Export {fmt.label} to directory", str(start.parent))
    else:
        path, _ = QFileDialog.getSaveFileName(window, f"Export {fmt.label}", str(start), fmt.filter)
    if not path:
        return None
    return export_to_path(window, kind, path, machine)


def export_to_path(window: Any, kind: str, path: str | Path, machine: str | None = None) -> Path | None:
    """Export and tell the user: the status bar on success, a (non-modal) message on failure."""
    try:
        written = export_document(kind, window.document, path, machine)
    except ExportError as exc:
        window.show_message("Export failed", str(exc))
        return None
    window.statusBar().showMessage(f"Exported {written}", 5000)
    return written
