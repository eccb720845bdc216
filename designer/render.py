"""Offscreen pictures of a project or a definition, drawn by the canvas's own scene.

`statecanvas export FILE --format svg|png -o OUT` calls `render_file`; it needs no display
(it selects Qt's offscreen platform when there is none).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from designer.canvas.export import export_png, export_svg
from designer.canvas.scene import DesignerScene
from designer.document.project_document import ProjectDocument
from designer.theme import theme_named

FORMATS = ("png", "svg")


def _ensure_application() -> object:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if (
            not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
            and sys.platform.startswith("linux")
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(sys.argv[:1])
    return app


def render_file(
    path: str | Path,
    fmt: str,
    out: str | Path,
    *,
    state_machine: str | None = None,
    theme: str = "light",
    direction: str | None = None,
) -> Path:
    """Draw FILE (project, ASL, or a template the engine imports) to OUT as PNG or SVG.

    Raises `designer.document.DocumentLoadError` for a file that cannot be opened and
    `ValueError` for an unknown format or state machine.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {', '.join(FORMATS)}")
    _app = _ensure_application()

    document = ProjectDocument.from_file(path)
    machines = None
    if state_machine is not None:
        if state_machine not in document.definitions:
            known = ", ".join(document.machine_names()) or "none"
            raise ValueError(f"no state machine named {state_machine!r} (the file has: {known})")
        machines = [state_machine]
    scene = DesignerScene(
        document,
        theme_named(theme),
        direction or document.project.layout.direction,
        machines=machines,
        with_resources=state_machine is None,
    )
    target = Path(out)
    if fmt == "png":
        export_png(scene, target)
    else:
        export_svg(scene, target, title=state_machine or document.project.name)
    del _app
    return target
