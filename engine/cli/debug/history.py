"""The terminal debugger's `history` command: the execution's events as a table a person reads
(id, time since the execution started, type, state, a short detail), or as raw JSON lines with
`history --json` for tools. `history N` shows the last N events.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

DETAIL_WIDTH = 60
USAGE = "usage: history [N] [--json]"


def print_history(events: list[dict[str, Any]], arguments: str, out: TextIO) -> None:
    words = arguments.split()
    raw = "--json" in words
    counts = [w for w in words if w != "--json"]
    if len(counts) > 1 or (counts and not counts[0].isdigit()):
        print(USAGE, file=out)
        return
    shown = events[-int(counts[0]) :] if counts and int(counts[0]) > 0 else events
    if raw:
        for event in shown:
            print(json.dumps(event, ensure_ascii=False, default=str), file=out)
        return
    for line in history_table(events, len(events) - len(shown)):
        print(line, file=out)


def history_table(events: list[dict[str, Any]], skip: int = 0) -> list[str]:
    """The table's lines, header first; the first `skip` events are read (for the states they
    open) but not shown."""
    if not events:
        return ["(no events yet)"]
    start = _seconds(events[0].get("timestamp"))
    rows: list[tuple[str, str, str, str, str]] = []
    inside: list[str] = []  # states entered and not yet exited, innermost last
    for position, event in enumerate(events):
        kind = str(event.get("type", ""))
        details = _details(event)
        state = ""
        if kind.endswith("StateEntered"):
            state = str(details.get("name", ""))
            inside.append(state)
        elif kind.endswith("StateExited"):
            state = str(details.get("name", ""))
            if state in inside:
                del inside[len(inside) - 1 - inside[::-1].index(state)]
        elif kind.startswith(("MapIteration", "ParallelState", "MapState")) and details.get("name"):
            state = str(details["name"])
        elif inside and not kind.startswith("Execution"):
            state = inside[-1]
        if position < skip:
            continue
        moment = _seconds(event.get("timestamp"))
        elapsed = _elapsed(moment - start) if moment is not None and start is not None else ""
        rows.append((str(event.get("id", position + 1)), elapsed, kind, state, detail_of(kind, details)))
    header = ("id", "elapsed", "event", "state", "detail")
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(4)]
    lines = []
    for row in (header, *rows):
        cells = [
            row[0].rjust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].ljust(widths[3]),
        ]
        lines.append("  ".join((*cells, row[4])).rstrip())
    return lines


def detail_of(kind: str, details: dict[str, Any]) -> str:
    """The one thing worth reading about an event, cut to fit a line."""
    if "error" in details or "cause" in details:
        text = f"{details.get('error') or ''}: {details.get('cause') or ''}".strip(": ")
    elif kind.startswith("MapIteration"):
        text = f"iteration {details.get('index', '')}"
    elif kind.endswith("StateEntered") or kind == "ExecutionStarted":
        text = "input " + _short(details.get("input"))
    elif kind.endswith("StateExited") or kind == "ExecutionSucceeded" or "output" in details:
        text = "output " + _short(details.get("output"))
    elif "resource" in details:
        text = f"{details.get('resourceType', '')}:{details['resource']}".strip(":")
    elif "length" in details:
        text = f"{details['length']} items"
    else:
        text = ""
    return text if len(text) <= DETAIL_WIDTH else text[: DETAIL_WIDTH - 1] + "…"


def _short(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _seconds(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _elapsed(seconds: float) -> str:
    """+0.000s, +12.500s, +2m05.000s, +1h02m05s: time since the execution started."""
    if seconds < 60:
        return f"+{seconds:.3f}s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"+{int(minutes)}m{rest:06.3f}s"
    hours, minutes = divmod(int(minutes), 60)
    return f"+{hours}h{minutes:02d}m{int(rest):02d}s"
