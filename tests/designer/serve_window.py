"""The designer on the order-pipeline project for File > Serve Locally tests, and a boto3 client
for what it serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


def open_pipeline(qtbot: Any, tmp_path: Path) -> Any:
    """The main window on the order-pipeline project, shown, with nobody's settings or recovery."""
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    return window


async def stop_serving(window: Any) -> None:
    panel = getattr(window, "serve_panel", None)
    if panel is not None and panel.serving:
        await panel.stop()


def file_menu_action(win: Any, text: str) -> Any:
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == text)


def client(url: str, service: str = "stepfunctions") -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}),
    )
