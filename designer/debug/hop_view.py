"""The designer's face of choreography stepping: where the event or message is paused on the
canvas, what it is, and the keys that move it on.

When the debugged story pauses at a hop (engine.project.hops), the bus, queue, topic or state
machine it is at gets a "paused here" outline (the matched rules a lighter one), the canvas
scrolls to it, the Choreography panel shows the event or message as JSON with what the hop
decided, and the queue gauges are brought up to that moment. While a hop is paused, Step Over
and Step Into run it on to the next hop, Step Out lets the rest of the story run and stops
where the debugged execution stops next, and Continue lets everything run to the next
breakpoint. The view asks only for the few things it needs from the window (`HopHost`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QDockWidget,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.canvas.items.resource_items import ResourceItem
from designer.debug.overlay import BREAKPOINT_COLOUR
from designer.debug.session import RunSession
from designer.panels.trace_choreography import ChoreographyPanel
from engine.project import BREAK_KINDS, Hop
from engine.runtime import Pause

PAUSED_BLUE = "#0072B2"  # "running / paused here" in the status palette (STATUS_COLOURS in overlay.py)
MARGIN = 5.0


class HopMarker(QGraphicsItem):
    """An outline around the item an event or message is paused at, with a "paused here" tab."""

    def __init__(self, parent: QGraphicsItem, key: str, label: str, primary: bool) -> None:
        super().__init__(parent)
        self.key = key  # the layout key of the item marked
        self.label = label
        self.primary = primary
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(50)

    def frame(self) -> QRectF:
        return self.parentItem().boundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)

    def tab(self) -> QRectF:
        metrics = QFontMetricsF(self._font())
        height = metrics.height() + 4
        width = metrics.horizontalAdvance(self.label) + height + 8
        top_left = self.frame().topLeft()
        return QRectF(top_left.x(), top_left.y() - height, width, height)

    def boundingRect(self) -> QRectF:
        return self.frame().united(self.tab()).adjusted(-2, -2, 2, 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        blue = QColor(PAUSED_BLUE)
        pen = QPen(blue, 3.0 if self.primary else 2.0)
        if not self.primary:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self.frame(), 8, 8)
        tab = self.tab()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(blue if self.primary else QColor("#FFFFFF"))
        painter.drawRoundedRect(tab, 4, 4)
        ink = QColor("#FFFFFF") if self.primary else blue
        if self.primary:  # the pause glyph: two bars, drawn (no font can lose it)
            size = tab.height() - 8
            glyph = QPainterPath()
            x, y = tab.left() + 5, tab.top() + 4
            glyph.addRect(QRectF(x, y, size * 0.32, size))
            glyph.addRect(QRectF(x + size * 0.62, y, size * 0.32, size))
            painter.fillPath(glyph, ink)
        painter.setPen(ink)
        painter.setFont(self._font())
        text_left = tab.left() + (tab.height() + 2 if self.primary else 6)
        painter.drawText(
            QRectF(QPointF(text_left, tab.top()), tab.bottomRight()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.label,
        )

    @staticmethod
    def _font() -> QFont:
        font = QFont()
        font.setPointSizeF(9.0)
        font.setBold(True)
        return font


def tab_text(hop: Hop) -> str:
    """The marker's words: "paused here", with a queue's depth of that moment (a zoomed-out queue
    hides its gauge, and the depth is what a user watches at a queue)."""
    depth = hop.detail.get("depth")
    if hop.kind in ("queue", "consumer") and depth:
        return f"paused here · {depth['visible']} visible · {depth['inFlight']} in flight"
    return "paused here"


class HopBreakpointDot(QGraphicsItem):
    """A breakpoint on a bus, rule, queue or topic: every event or message there pauses."""

    SIZE = 14.0

    def __init__(self, parent: QGraphicsItem, key: str) -> None:
        super().__init__(parent)
        self.key = key
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(40)
        r = parent.boundingRect()
        self.setPos(r.left() - self.SIZE / 2 - 1, r.center().y() - self.SIZE / 2)
        self.setToolTip(f"Breakpoint: every event or message at {key} pauses (F9 clears it)")

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self.SIZE + 4, self.SIZE + 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
        painter.setBrush(QColor(BREAKPOINT_COLOUR))
        painter.drawEllipse(QRectF(0, 0, self.SIZE, self.SIZE))


class HopHost(Protocol):
    """What the hop view needs from the window around it."""

    def item_for_key(self, key: str) -> QGraphicsItem | None: ...

    def selected_resource_keys(self) -> list[str]: ...

    def reveal(self, item: QGraphicsItem) -> None: ...

    def show_hop(self, hop: Hop | None) -> None: ...  # the Choreography panel's hop box

    def refresh_queues(self) -> None: ...

    def say(self, text: str) -> None: ...


class HopView:
    """Shows the paused hop of the current run and routes the stepping commands to it."""

    def __init__(self, host: HopHost) -> None:
        self.host = host
        self.session: RunSession | None = None
        self.hop: Hop | None = None
        self.markers: list[HopMarker] = []
        self.state_paused_last = False  # a state paused after the hop did: the keys act on the state
        self.breakpoints: set[str] = set()  # resource keys: every hop there pauses
        self.dots: list[HopBreakpointDot] = []

    def adopt(self, session: RunSession) -> None:
        """Follow `session`'s hops (a RunSession; one without a debugger has none)."""
        self.clear()
        self.session = session
        # a run replaced by a newer one may still wind down: only the current run's news counts
        session.hop_paused.connect(lambda hop: self._on_hop(hop) if self.session is session else None)
        session.hop_resumed.connect(lambda: self.clear() if self.session is session else None)
        session.finished.connect(lambda: self.clear() if self.session is session else None)
        session.paused.connect(lambda pause: self._on_state_pause(pause) if self.session is session else None)
        self._push_breakpoints()

    # breakpoints on resources -----------------------------------------------------------------

    def toggle_selected(self) -> bool:
        """F9 with buses, rules, queues or topics selected: toggle a breakpoint on each (True), or
        nothing selected of the kind (False, for the state breakpoints to answer)."""
        keys = self.host.selected_resource_keys()
        if not keys:
            return False
        for key in keys:
            if key.split(":", 1)[0] not in BREAK_KINDS:
                self.host.say(f"{key} is not where events stop: break on the rule or queue that feeds it.")
            elif key in self.breakpoints:
                self.breakpoints.discard(key)
            else:
                self.breakpoints.add(key)
        self._push_breakpoints()
        self.show_breakpoints()
        return True

    def show_breakpoints(self) -> None:
        """Draw a dot on every resource with a breakpoint (again after the canvas rebuilds)."""
        for dot in self.dots:
            if shiboken6.isValid(dot) and dot.scene() is not None:
                dot.scene().removeItem(dot)
        self.dots = []
        for key in sorted(self.breakpoints):
            item = self.host.item_for_key(key)
            if item is not None:
                self.dots.append(HopBreakpointDot(item, key))

    def _push_breakpoints(self) -> None:
        hops = getattr(self.session, "hops", None)
        if hops is not None:
            hops.breakpoints = set(self.breakpoints)

    @property
    def paused(self) -> bool:
        return self.hop is not None and self.session is not None and self.session.hops is not None

    def command(self, name: str) -> bool:
        """Act on a stepping command at the paused hop (True), or leave it to the state debugger.

        `name` is the controller's: step, step_into, into, step_out, resume, run. Continue lets the
        hop go and is also the state debugger's (False); a step moves the hop on, unless a state
        paused after it did: like a debugger's threads, the keys act on the latest stop."""
        if not self.paused:
            return False
        if name in ("resume", "run"):
            self.session.hops.resume()
            return False
        debugger = self.session.debugger
        if self.state_paused_last and debugger is not None and debugger.current is not None:
            return False
        if name == "step_out":
            self.session.hops.finish()  # the rest of the story runs; the execution's next state pauses
        else:
            self.session.hops.step()
        return True

    def _on_state_pause(self, _pause: Pause) -> None:
        self.state_paused_last = True

    def _on_hop(self, hop: Hop) -> None:
        self.clear()
        self.hop = hop
        self.state_paused_last = False
        for index, key in enumerate(hop.keys):
            item = self.host.item_for_key(key)
            if item is None:
                continue
            marker = HopMarker(item, key, tab_text(hop) if index == 0 else "matched", primary=index == 0)
            self.markers.append(marker)
            if index == 0:
                self.host.reveal(item)
        self.host.refresh_queues()
        self.host.show_hop(hop)
        self.host.say(f"Paused at {hop.kind} {hop.name}: {hop.summary()}")

    def clear(self) -> None:
        for marker in self.markers:
            if shiboken6.isValid(marker) and marker.scene() is not None:
                marker.scene().removeItem(marker)
        self.markers = []
        if self.hop is not None:
            self.hop = None
            self.host.show_hop(None)

    def marked_keys(self) -> list[str]:
        """The layout keys of the items marked now, the paused one first (for tests and tools)."""
        return [marker.key for marker in self.markers if shiboken6.isValid(marker) and marker.isVisible()]


class PanelsHost:
    """The window's parts a HopView uses: the canvas, the Choreography panel and its dock, the
    queue refresh and the status bar."""

    def __init__(
        self,
        scene: QGraphicsScene,
        view: QGraphicsView,
        panel: ChoreographyPanel,
        dock: QDockWidget,
        refresh_queues: Callable[[], None],
        say: Callable[[str], None],
    ) -> None:
        self.scene, self.view, self.panel, self.dock = scene, view, panel, dock
        self.refresh_queues = refresh_queues
        self.say = say

    def item_for_key(self, key: str) -> QGraphicsItem | None:
        return self.scene.item_for_key(key)

    def selected_resource_keys(self) -> list[str]:
        return [item.layout_key() for item in self.scene.selectedItems() if isinstance(item, ResourceItem)]

    def reveal(self, item: QGraphicsItem) -> None:
        self.view.ensureVisible(item, 60, 60)

    def show_hop(self, hop: Hop | None) -> None:
        if not shiboken6.isValid(self.panel):
            return
        self.panel.hop.show_hop(hop)
        if hop is not None:
            self.dock.show()
            self.dock.raise_()
