"""Copy and paste of states as JSON: our own mime type, plus plain text others can read.

Pasting also takes ASL someone copied elsewhere: a States object, a whole definition, or a
single state (an object with a Type).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData

MIME = "application/x-statecanvas-states"


def to_mime(machine: str, states: dict[str, Any], positions: dict[str, tuple[float, float]]) -> QMimeData:
    payload = {
        "statecanvas": "states",
        "machine": machine,
        "states": states,
        "positions": {k: list(v) for k, v in positions.items()},
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    mime = QMimeData()
    mime.setData(MIME, text.encode("utf-8"))
    mime.setText(json.dumps(states, indent=2, ensure_ascii=False))
    return mime


def from_mime(mime: QMimeData) -> tuple[dict[str, Any], dict[str, tuple[float, float]]] | None:
    """(states, positions) from the clipboard, or None when it holds nothing we can paste."""
    if mime.hasFormat(MIME):
        try:
            payload = json.loads(bytes(mime.data(MIME).data()).decode("utf-8"))
            positions = {k: (float(v[0]), float(v[1])) for k, v in payload.get("positions", {}).items()}
            return dict(payload["states"]), positions
        except (ValueError, KeyError, TypeError, IndexError):
            return None
    if mime.hasText():
        return states_from_text(mime.text()), {}
    return None


def states_from_text(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("States"), dict):
        return dict(value["States"])
    if isinstance(value.get("Type"), str):
        return {"Pasted": value}
    if value and all(isinstance(v, dict) and isinstance(v.get("Type"), str) for v in value.values()):
        return value
    return None
