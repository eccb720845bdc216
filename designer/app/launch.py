"""Starting the designer: the application object, the exception hook, the main window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from designer.app.collector import install_ui_thread_collector
from designer.app.wheel_guard import install_wheel_guard

log = logging.getLogger("statecanvas.designer")
_showing = False


def log_file() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".statecanvas") / "statecanvas.log"


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setOrganizationName("StateCanvas")
        app.setApplicationName("StateCanvas")
    install_wheel_guard(app)  # type: ignore[arg-type]
    install_ui_thread_collector(app)
    return app  # type: ignore[return-value]


def _configure_logging() -> None:
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback; show the user a short message instead (never the traceback itself)."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    app = QApplication.instance()
    if app is None or _showing:
        return
    _showing = True
    try:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Something went wrong",
            f"StateCanvas hit an unexpected problem: {value or kind.__name__}\n\n"
            f"Your work is still open; save it under a new name to be safe. "
            f"Details are in {log_file()}.",
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(_reset_showing)
        box.open()
        application_message_boxes.append(box)
    except Exception:  # the hook itself must never raise
        _showing = False


application_message_boxes: list[QMessageBox] = []


def _reset_showing() -> None:
    global _showing
    _showing = False


def install_excepthook() -> None:
    _configure_logging()
    sys.excepthook = excepthook


def display_problem() -> str | None:
    """Why a window could not be seen here, or None when there is a display to open it on."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in ("offscreen", "minimal"):
        return f"the designer needs a display (QT_QPA_PLATFORM={platform} draws nowhere)"
    if (
        sys.platform.startswith("linux")
        and not platform
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return "the designer needs a display and none was found (DISPLAY and WAYLAND_DISPLAY are not set)"
    if sys.platform.startswith("linux") and platform in ("", "xcb") and os.environ.get("DISPLAY"):
        missing = _missing_x11_library()
        if missing is not None:
            # Qt's X11 plugin would abort the process; say what to install instead.
            return (
                f"the designer cannot use the X11 display: the system library {missing} is missing. On "
                "Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-image0 "
                "libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 "
                "libxkbcommon-x11-0"
            )
    return None


def _missing_x11_library() -> str | None:
    """The shared library Qt's X11 platform plugin cannot find, if any (None when it loads)."""
    # Imported here: only a Linux start on an X11 display asks which library Qt's plugin lacks.
    import ctypes
    import re

    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        names = [n for n in re.findall(r"lib[\w.+-]+?\.so(?:\.\d+)*", str(exc)) if n != "libqxcb.so"]
        return names[0] if names else str(exc)
    return None


def run(path: str | Path | None = None) -> int:
    # Imported here for start-up time: without a display, design stops before the window loads.
    from designer.app.main_window import MainWindow

    app = application()
    install_excepthook()
    window = MainWindow(path)
    window.show()
    window.view.fit(readable=True)
    # Imported here for start-up time: qasync loads once the window is on screen.
    from designer.debug.loop import exec_with_asyncio

    return exec_with_asyncio(app)  # Qt and asyncio on one loop (qasync): runs never block the window
