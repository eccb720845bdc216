"""open_store and the default store location."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import (
    MemoryStore,
    SqliteStore,
    WriteBatching,
    default_store_path,
    open_store,
    user_data_dir,
)


@pytest.mark.parametrize("spec", [None, "", ":memory:", "memory:", "sqlite://:memory:"])
def test_memory_specs(spec: str | None) -> None:
    with open_store(spec) as store:
        assert isinstance(store, MemoryStore)


def test_paths_and_urls(tmp_path: Path) -> None:
    for spec in (
        str(tmp_path / "a.sqlite3"),
        tmp_path / "b.sqlite3",
        f"sqlite://{tmp_path}/c.sqlite3",
        f"sqlite:{tmp_path}/d.sqlite3",
    ):
        with open_store(spec) as store:
            assert isinstance(store, SqliteStore)
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == [
        "a.sqlite3",
        "b.sqlite3",
        "c.sqlite3",
        "d.sqlite3",
    ]


def test_options_reach_the_sqlite_store(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3"), write_batching=WriteBatching(max_events=7)) as store:
        assert isinstance(store, SqliteStore)
        assert store._batching == WriteBatching(max_events=7)


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with open_store("~/sc/x.sqlite3"):
        pass
    assert (tmp_path / "sc" / "x.sqlite3").is_file()


def test_default_locations() -> None:
    home = {"HOME": "/home/ada"}
    assert default_store_path("linux", home) == Path("/home/ada/.local/share/statecanvas/executions.sqlite3")
    assert default_store_path("linux", {**home, "XDG_DATA_HOME": "/data"}) == Path(
        "/data/statecanvas/executions.sqlite3"
    )
    assert user_data_dir("linux", {**home, "XDG_DATA_HOME": "relative"}) == Path(
        "/home/ada/.local/share/statecanvas"
    )
    assert default_store_path("darwin", {"HOME": "/Users/ada"}) == Path(
        "/Users/ada/Library/Application Support/StateCanvas/executions.sqlite3"
    )
    assert user_data_dir(
        "win32", {"HOME": "C:/Users/ada", "LOCALAPPDATA": "C:/Users/ada/AppData/Local"}
    ) == Path("C:/Users/ada/AppData/Local/StateCanvas")


def test_default_path_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "statecanvas" / "executions.sqlite3"
