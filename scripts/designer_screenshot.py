"""The README screenshot: the real main window with the order-pipeline example, drawn offscreen.

Run from the repository root:  QT_QPA_PLATFORM=offscreen python scripts/designer_screenshot.py [OUT]
(default docs/screenshot.png; 1600x1000, light theme, settings and recovery in a temporary folder).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QDockWidget, QTabBar  # noqa: E402

EXAMPLE = ROOT / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
SIZE = (1600, 1000)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    from designer.app import application
    from designer.app.main_window import MainWindow

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("theme", "light")
        window = MainWindow(
            EXAMPLE, settings=settings, recovery_dir=Path(tmp) / "recovery", offer_recovery=False
        )
        window.ask_before_close = False
        window.resize(*SIZE)
        window.show()
        app.processEvents()
        window.resizeDocks([window.palette_dock], [150], Qt.Orientation.Horizontal)
        window.resizeDocks([window.code_dock], [300], Qt.Orientation.Horizontal)
        app.processEvents()
        # The bottom panels (problems, run) have nothing to say about a valid example that is
        # not running; the canvas gets their room.
        removed = set()
        for dock in window.findChildren(QDockWidget):
            if window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
                removed.add(dock.windowTitle())
                window.removeDockWidget(dock)
        app.processEvents()
        for bar in window.findChildren(QTabBar):  # the offscreen platform leaves their tab bar
            if bar.count() and {bar.tabText(i) for i in range(bar.count())} <= removed:
                bar.hide()
        window.view.fit()
        item = window.scene.state_item("RetailOrder", "/States/ChargePayment")
        if item is not None:  # a selection shows the inspector and code view at work
            window.editor.select_item(item)
        app.processEvents()
        window.statusBar().clearMessage()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise SystemExit(f"could not write {out}")
        window.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
