"""Which variables a state reads and writes, and where the ones it reads come from.

The analysis is the engine's (`variable_references`, `assigned_variables`: the same answer
DescribeStateMachine gives); this module only words it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from engine.asl import assigned_variables, variable_references


def variable_flow(definition: dict[str, Any], state: str) -> dict[str, Any]:
    """{"reads": [...], "writes": [...], "sources": {variable: [states assigning it]}}."""
    try:
        reads = variable_references(definition)
        writes = assigned_variables(definition)
    except Exception:  # an analysis bug must not take the inspector down
        return {"reads": [], "writes": [], "sources": {}}
    mine = reads.get(state, [])
    sources = {v: [name for name, names in writes.items() if v in names and name != state] for v in mine}
    return {"reads": mine, "writes": writes.get(state, []), "sources": sources}


def variable_flow_html(definition: dict[str, Any], state: str) -> str:
    flow = variable_flow(definition, state)
    lines = []
    if flow["writes"]:
        lines.append("<b>Writes</b> " + ", ".join(f"<code>${html.escape(v)}</code>" for v in flow["writes"]))
    if flow["reads"]:
        parts = []
        for variable in flow["reads"]:
            sources = flow["sources"].get(variable) or []
            where = (
                "set by " + ", ".join(html.escape(s) for s in sources)
                if sources
                else "<span style='color:#C24E00'>assigned by no other state</span>"
            )
            parts.append(f"<code>${html.escape(variable)}</code> ({where})")
        lines.append("<b>Reads</b> " + "; ".join(parts))
    if not lines:
        return "<span>This state neither reads nor assigns variables.</span>"
    return "<br>".join(lines)


class VariableFlowLabel(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def load(self, definition: dict[str, Any], state: str) -> None:
        self.setText(variable_flow_html(definition, state))
