"""Where the designer and CLI keep executions when the user has not said.

Per-user data, not config or cache: losing it loses run history, so it goes where each platform keeps
application data -- ``$XDG_DATA_HOME/statecanvas`` (default ``~/.local/share/statecanvas``) on Linux
and other Unixes, ``~/Library/Application Support/StateCanvas`` on macOS, ``%LOCALAPPDATA%\\StateCanvas``
on Windows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

STORE_FILENAME = "executions.sqlite3"

Environ = Mapping[str, str]


def user_data_dir(platform: str | None = None, environ: Environ | None = None) -> Path:
    """StateCanvas's per-user data directory (not created). Arguments exist for tests."""
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "StateCanvas"
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or env.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "StateCanvas"
    xdg = env.get("XDG_DATA_HOME")
    # The XDG spec says relative values are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base / "statecanvas"


def default_store_path(platform: str | None = None, environ: Environ | None = None) -> Path:
    """The default SQLite file: ``<user data dir>/executions.sqlite3`` (directory not created)."""
    return user_data_dir(platform, environ) / STORE_FILENAME
