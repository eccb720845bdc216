"""A newcomer's first ten minutes in a real window, with a screenshot of every step.

Run from the repository root (after `scripts/dev run` or `scripts/dev test` made .venv):

    .venv/bin/python scripts/newcomer_walkthrough.py [--out docs/walkthrough]

It needs an X display. Without DISPLAY it starts its own Xvfb (1600x1000) when `Xvfb` is
installed. The example project is copied to a temporary folder first, so the walk never changes
the repository; settings and recovery data live there too.

The steps: open the example, read it, select a state, add a state by dropping it from the
palette, drop one onto a transition (the flow is spliced), connect two states by dragging from a
port, rename inline, set the machine's settings, serve a new Lambda Task with a handler stub,
run, debug and step, save, and reopen. Each step's widgets get real mouse and key events
(QTest on the live window). A step that does not do what it should is reported and the script
exits 1, so a broken first hour cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE_DIR = ROOT / "resources" / "examples" / "order-pipeline"
SIZE = (1600, 1000)


def ensure_display() -> subprocess.Popen[bytes] | None:
    """Use DISPLAY when set; else start an Xvfb of our own on a free display number."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("newcomer_walkthrough: no DISPLAY and no Xvfb (apt-get install xvfb)")
    for number in range(90, 110):
        if not Path(f"/tmp/.X{number}-lock").exists():
            server = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            os.environ["DISPLAY"] = f":{number}"
            deadline = time.monotonic() + 10
            while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            return server
    sys.exit("newcomer_walkthrough: no free X display number between :90 and :109")


class Walk:
    """The live window, the screenshots taken so far and the steps that went wrong."""

    def __init__(self, window: Any, out: Path) -> None:
        self.window = window
        self.out = out
        self.shots: list[Path] = []
        self.failures: list[str] = []

    async def settle(self, seconds: float = 0.4) -> None:
        await asyncio.sleep(seconds)

    def shot(self, name: str) -> None:
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], check=True)
        else:
            self.window.grab().save(str(path))
        self.shots.append(path)
        print(f"  screenshot {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)
            print(f"  NOT AS EXPECTED: {what}")

    # -- real input on the canvas ---------------------------------------------------------------

    def point_of(self, item: Any, where: str = "centre") -> Any:
        from PySide6.QtCore import QPointF

        box = item.sceneBoundingRect()
        scene_point = {
            "centre": box.center(),
            "header": QPointF(box.left() + 40, box.top() + 10),
        }[where]
        return self.window.view.mapFromScene(scene_point)

    def click(self, point: Any, double: bool = False) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        viewport = self.window.view.viewport()
        if double:
            QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        else:
            QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)

    def drag_mouse(self, start: Any, end: Any, steps: int = 12) -> None:
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        viewport = self.window.view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for i in range(1, steps + 1):
            x = start.x() + (end.x() - start.x()) * i // steps
            y = start.y() + (end.y() - start.y()) * i // steps
            QTest.mouseMove(viewport, QPoint(x, y))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    def palette_drag(self, entry: str, point: Any, *, drop: bool = True) -> None:
        """What a drag from the palette delivers to the canvas: enter, moves, then the drop."""
        from PySide6.QtCore import QByteArray, QMimeData, QPointF, Qt
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
        from PySide6.QtWidgets import QApplication

        from designer.canvas.view import PALETTE_MIME

        mime = QMimeData()
        mime.setData(PALETTE_MIME, QByteArray(entry.encode("utf-8")))
        viewport = self.window.view.viewport()
        buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            QApplication.sendEvent(
                viewport, QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, none)
            )
            QApplication.sendEvent(
                viewport, QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, none)
            )
        if drop:
            QApplication.sendEvent(
                viewport, QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, buttons, none)
            )

    def key(self, key: Any, modifier: Any = None, widget: Any = None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(widget or self.window.view.viewport(), key, modifier or Qt.KeyboardModifier.NoModifier)

    def type_text(self, widget: Any, text: str) -> None:
        from PySide6.QtTest import QTest

        QTest.keyClicks(widget, text)

    async def until(self, condition: Callable[[], bool], seconds: float = 15.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            await asyncio.sleep(0.05)
        return condition()


# -- the steps -------------------------------------------------------------------------------------

Step = Callable[[Walk], Awaitable[None]]


async def first_sight(walk: Walk) -> None:
    w = walk.window
    names = [item for item in w.scene.items() if hasattr(item, "address")]
    walk.expect(len(names) > 10, "the example's states are on the canvas")
    walk.shot("first-sight")


async def select_a_state(walk: Walk) -> None:
    w = walk.window
    charge = w.scene.state_item("RetailOrder", "/States/ChargePayment")
    walk.click(walk.point_of(charge))
    await walk.settle()
    walk.expect(charge.isSelected(), "a click selects ChargePayment")
    walk.expect(w.inspector.title.text() != "", "the inspector shows the selected state")
    walk.shot("select-a-state")


async def drop_on_an_edge(walk: Walk) -> None:
    w = walk.window
    from PySide6.QtCore import QPoint

    source = w.scene.state_item("RetailOrder", "/States/ValidateOrder")
    target = w.scene.state_item("RetailOrder", "/States/IsOrderValid")
    a, b = walk.point_of(source), walk.point_of(target)
    # The middle of the transition between the two, where a user lets go.
    middle = QPoint((a.x() + b.x()) // 2, (walk.point_of(source).y() + b.y()) // 2)
    edge = next(
        (
            e
            for e in source.edges
            if getattr(e, "source", None) is source and getattr(e, "target", None) is target
        ),
        None,
    )
    if edge is not None:
        path = edge.path() if hasattr(edge, "path") else None
        if path is not None and not path.isEmpty():
            middle = w.view.mapFromScene(edge.mapToScene(path.pointAtPercent(0.5)))
    walk.palette_drag("state:Wait", middle, drop=False)
    await walk.settle()
    walk.shot("drag-over-a-transition")
    walk.palette_drag("state:Wait", middle)
    await walk.settle()
    definition = w.document.definition("RetailOrder")
    validate_next = definition["States"]["ValidateOrder"].get("Next")
    walk.expect(
        validate_next != "IsOrderValid"
        and definition["States"].get(validate_next, {}).get("Next") == "IsOrderValid",
        "the dropped Wait is spliced between ValidateOrder and IsOrderValid",
    )
    walk.shot("dropped-on-a-transition")


async def add_and_connect(walk: Walk) -> None:
    w = walk.window
    frame = w.scene.machines["RetailOrder"].frame
    box = frame.sceneBoundingRect()
    completed = w.scene.state_item("RetailOrder", "/States/OrderCompleted")
    before = set(w.document.definition("RetailOrder")["States"])
    from PySide6.QtCore import QPointF

    spot = w.view.mapFromScene(QPointF(box.right() - 80, completed.sceneBoundingRect().center().y()))
    walk.palette_drag("state:Pass", spot)
    await walk.settle()
    added = set(w.document.definition("RetailOrder")["States"]) - before
    walk.expect(len(added) == 1, "a Pass dropped inside the frame is added to RetailOrder")
    walk.shot("dropped-a-pass")
    if not added:
        return
    (name,) = added
    item = w.scene.state_item("RetailOrder", f"/States/{name}")
    port = w.view.mapFromScene(item.mapToScene(item.port_centre()))
    walk.drag_mouse(port, walk.point_of(completed))
    await walk.settle()
    walk.expect(
        w.document.definition("RetailOrder")["States"][name].get("Next") == "OrderCompleted",
        "dragging from the Pass's port to OrderCompleted connects them",
    )
    walk.shot("connected")
    # Rename inline: double-click, type, Enter.
    walk.click(walk.point_of(item), double=True)
    await walk.settle()
    from PySide6.QtCore import Qt

    from designer.canvas.inline_rename import InlineRename

    editor = w.view.viewport().findChild(InlineRename)
    walk.expect(editor is not None, "a double-click opens the name for editing in place")
    if editor is not None:
        editor.selectAll()
        walk.type_text(editor, "RecordAudit")
        walk.key(Qt.Key.Key_Return, widget=editor)
    await walk.settle()
    walk.expect(
        "RecordAudit" in w.document.definition("RetailOrder")["States"], "the Pass is renamed RecordAudit"
    )
    walk.shot("renamed")


async def machine_settings(walk: Walk) -> None:
    w = walk.window
    frame = w.scene.machines["RetailOrder"].frame
    header = frame.mapToScene(frame.header_rect().center())
    walk.click(w.view.mapFromScene(header))
    await walk.settle()
    from designer.panels.inspector.machine_form import MachineForm

    form = w.inspector.form
    walk.expect(isinstance(form, MachineForm), "selecting the frame shows the machine's settings")
    if isinstance(form, MachineForm):
        from PySide6.QtCore import Qt

        for field, text in (
            ("Comment", "Takes an order, charges it and waits for shipping"),
            ("TimeoutSeconds", "86400"),
        ):
            line = form.editors[field].line
            line.setFocus()
            line.selectAll()
            walk.type_text(line, text)
            walk.key(Qt.Key.Key_Return, widget=line)
            await walk.settle(0.2)
        definition = w.document.definition("RetailOrder")
        walk.expect(
            "waits for shipping" in str(definition.get("Comment", ""))
            and definition.get("TimeoutSeconds") == 86400,
            "the machine's Comment and TimeoutSeconds are set from the inspector",
        )
    walk.shot("machine-settings")


async def serve_a_new_task(walk: Walk) -> None:
    w = walk.window
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    completed = w.scene.state_item("RetailOrder", "/States/OrderCompleted")
    before = set(w.document.definition("RetailOrder")["States"])
    # Drop a Task onto the transition into OrderCompleted.
    source = w.scene.state_item("RetailOrder", "/States/RecordAudit")
    point = walk.point_of(completed)
    if source is not None:  # halfway along the transition from RecordAudit to OrderCompleted
        a = walk.point_of(source)
        point = QPoint((a.x() + point.x()) // 2, (a.y() + point.y()) // 2)
    walk.palette_drag("state:Task", point)
    await walk.settle()
    added = set(w.document.definition("RetailOrder")["States"]) - before
    walk.expect(len(added) == 1, "a Task is added")
    if not added:
        return
    (name,) = added
    task = w.scene.state_item("RetailOrder", f"/States/{name}")
    walk.click(walk.point_of(task))
    await walk.settle()
    from designer.panels.inspector.local_behaviour import LocalBehaviourSection, reveal_local_behaviour

    reveal_local_behaviour(w)
    await walk.settle()
    section = w.inspector.findChild(LocalBehaviourSection)
    walk.expect(section is not None, "the Task's inspector has a Local behaviour section")
    if section is None:
        return
    walk.shot("task-not-served")
    QTest.mouseClick(section.handler.create_stub, Qt.MouseButton.LeftButton)
    await walk.settle()
    reveal_local_behaviour(w)
    await walk.settle()
    handlers = list((w.document.path.parent / "handlers").glob("*.py")) if w.document.path else []
    walk.expect(bool(handlers), "Create handler stub writes handlers/NAME.py beside the project")
    walk.shot("handler-stub")


async def run_it(walk: Walk) -> None:
    w = walk.window
    d = w.debug
    d.ui.run_panel.machine.setCurrentText("RetailOrder")
    w.view.setFocus()
    d.ui.run_action.trigger()
    done = await walk.until(lambda: d.session is not None and d.session.done, 30)
    await walk.settle(0.6)
    walk.expect(done, "the run ends")
    walk.expect(
        getattr(d.picture, "status", None) == "SUCCEEDED",
        f"RetailOrder runs to SUCCEEDED (got {getattr(d.picture, 'status', None)})",
    )
    walk.shot("run")


async def debug_and_step(walk: Walk) -> None:
    w = walk.window
    d = w.debug
    from PySide6.QtCore import Qt

    charge = w.scene.state_item("RetailOrder", "/States/ChargePayment")
    walk.click(walk.point_of(charge))
    walk.key(Qt.Key.Key_F9)  # a breakpoint on the selected state
    await walk.settle()
    walk.expect(
        "/States/ChargePayment" in d.breakpoints.get("RetailOrder", {}),
        "F9 sets a breakpoint on ChargePayment",
    )
    walk.key(Qt.Key.Key_F5)  # Debug: run to the breakpoint
    paused = await walk.until(lambda: d.pause is not None, 20)
    await walk.settle()
    walk.expect(paused and d.pause.state == "ChargePayment", "Debug pauses at the breakpoint")
    walk.shot("debug-paused")
    if not paused:
        return
    first = d.pause.state
    walk.key(Qt.Key.Key_F10)
    moved = await walk.until(lambda: d.pause is not None and d.pause.state != first, 20)
    await walk.settle()
    walk.expect(moved, "F10 steps to the next state")
    walk.shot("debug-stepped")
    d.ui.stop_action.trigger()
    await walk.until(lambda: d.session is None or d.session.done, 20)


async def save_and_reopen(walk: Walk) -> None:
    w = walk.window
    from PySide6.QtCore import Qt

    w.view.setFocus()
    walk.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier, widget=w)
    saved = await walk.until(lambda: not w.document.modified, 10)
    walk.expect(saved, "Ctrl+S saves the project")
    path = w.document.path
    w.open_file(path)
    await walk.settle(0.8)
    states = w.document.definition("RetailOrder")["States"]
    walk.expect("RecordAudit" in states, "the reopened project has the work done above")
    walk.shot("reopened")


STEPS: list[Step] = [
    first_sight,
    select_a_state,
    drop_on_an_edge,
    add_and_connect,
    machine_settings,
    serve_a_new_task,
    run_it,
    debug_and_step,
    save_and_reopen,
]


async def walk_through(out: Path, workdir: Path) -> Walk:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QDesktopServices

    from designer.app.main_window import MainWindow

    QDesktopServices.openUrl = lambda url: True  # no editor to open handler files in here
    project = workdir / "order-pipeline"
    shutil.copytree(EXAMPLE_DIR, project, ignore=shutil.ignore_patterns("__pycache__"))
    settings = QSettings(str(workdir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        project / "order-pipeline.statecanvas.json",
        settings=settings,
        recovery_dir=workdir / "recovery",
        offer_recovery=False,
    )
    window.ask_before_close = False
    window.resize(*SIZE)
    window.show()
    window.activateWindow()  # keys go where a user's would: the window has the focus
    window.view.setFocus()
    window.view.fit(readable=True)
    walk = Walk(window, out)
    await walk.settle(1.0)
    for step in STEPS:
        print(f"{step.__name__.replace('_', ' ')}")
        try:
            await step(walk)
        except Exception as exc:  # report the step and go on: every step gets its look
            walk.failures.append(f"{step.__name__}: {type(exc).__name__}: {exc}")
            print(f"  FAILED: {type(exc).__name__}: {exc}")
    window.close()
    return walk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "walkthrough")
    args = parser.parse_args(argv)
    server = ensure_display()
    try:
        import qasync

        from designer.app import application

        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob("*.png"):
            old.unlink()
        app = application([sys.argv[0]])  # as `statecanvas design` makes it
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["HOME"] = tmp  # nobody's settings, recovery data or recent files
            with loop:
                walk = loop.run_until_complete(walk_through(args.out, Path(tmp)))
        print(f"{len(walk.shots)} screenshots in {args.out}")
        if walk.failures:
            print("Not as expected:\n" + "\n".join(f"  - {f}" for f in walk.failures))
            return 1
        return 0
    finally:
        if server is not None:
            server.terminate()


if __name__ == "__main__":
    raise SystemExit(main())
