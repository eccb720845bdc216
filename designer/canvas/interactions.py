"""Mouse modes as short-lived objects with start, move, end and cancel.

The scene creates one on press and drops it on release; the interaction turns what the user
did into one undo command. Rubber-band selection is QGraphicsView's own and needs no object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from designer.canvas.items.base import NodeItem
from designer.canvas.items.state_item import StateItem
from designer.document.commands import ConnectCommand, MoveCommand
from designer.document.edits import EditRefused

if TYPE_CHECKING:
    from designer.canvas.scene import DesignerScene


class Interaction:
    def __init__(self, scene: DesignerScene) -> None:
        self.scene = scene

    def start(self, pos: QPointF) -> None: ...

    def move(self, pos: QPointF) -> None: ...

    def end(self, pos: QPointF) -> None: ...

    def cancel(self) -> None: ...


class MoveInteraction(Interaction):
    """A drag of the selection: Qt moves the items; on release, one MoveCommand records it."""

    def __init__(self, scene: DesignerScene, items: list[NodeItem]) -> None:
        super().__init__(scene)
        self.items = items
        self.before = {item: (item.pos().x(), item.pos().y()) for item in items}

    def end(self, pos: QPointF) -> None:
        moves = {}
        for item, old in self.before.items():
            new = (round(item.pos().x(), 1), round(item.pos().y(), 1))
            key = item.layout_key()
            if key and (abs(new[0] - old[0]) > 0.05 or abs(new[1] - old[1]) > 0.05):
                moves[key] = (old, new)
        if moves:
            self.scene.document.push(MoveCommand(self.scene.document, moves))


class NewEdgeInteraction(Interaction):
    """Drag from a state's port to another state of the same scope.

    Plain: Next (a Choice gets a new rule); Shift: a Catch; Alt on a Choice: its Default.
    """

    def __init__(self, scene: DesignerScene, source: StateItem, modifiers: Qt.KeyboardModifier) -> None:
        super().__init__(scene)
        self.source = source
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.kind = "catch"
        elif modifiers & Qt.KeyboardModifier.AltModifier and source.kind == "Choice":
            self.kind = "default"
        else:
            self.kind = "next"
        self.line = QGraphicsPathItem()
        pen = QPen(
            scene.theme.color("catch" if self.kind == "catch" else "accent"), 1.6, Qt.PenStyle.DashLine
        )
        self.line.setPen(pen)
        self.line.setZValue(10)

    def start(self, pos: QPointF) -> None:
        self.scene.addItem(self.line)
        self.move(pos)

    def move(self, pos: QPointF) -> None:
        path = QPainterPath(self.source.mapToScene(self.source.port_centre()))
        path.lineTo(pos)
        self.line.setPath(path)

    def cancel(self) -> None:
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)

    def end(self, pos: QPointF) -> None:
        self.cancel()
        target = self.scene.node_at(pos, exclude=self.source)
        if not isinstance(target, StateItem):
            return
        connect(self.scene, self.source, target, self.kind)


def connect(scene: DesignerScene, source: StateItem, target: StateItem, kind: str = "next") -> bool:
    """Push the command that connects two states; report a refusal instead of raising."""
    if source.address.machine != target.address.machine or source.address.scope != target.address.scope:
        scene.report("Transitions stay inside one scope: connect states of the same machine, branch or map.")
        return False
    try:
        scene.document.push(ConnectCommand(scene.document, source.address, target.address.name, kind))
    except EditRefused as exc:
        scene.report(str(exc))
        return False
    return True
