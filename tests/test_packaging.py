"""A plain (non-editable) install is a working app: the wheel carries the example projects and
every bundled file, and the code finds them through engine.bundled wherever it is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("engine", "designer", "resources", "setup.py", "pyproject.toml", "README.md")


def _bundled_files() -> list[str]:
    """Every file under resources/ a user needs (not caches), as a path inside the package."""
    files = []
    for path in sorted((ROOT / "resources").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files.append("statecanvas_resources/" + path.relative_to(ROOT / "resources").as_posix())
    return files


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources, so the build leaves nothing in the tree."""
    pytest.importorskip("setuptools", reason="building the wheel needs the test extra's setuptools")
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=ignore)
        else:
            shutil.copy2(item, source / name)
    cache = source / "resources" / "examples" / "order-pipeline" / "handlers" / "__pycache__"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "retail.cpython-313.pyc").write_bytes(b"\0")  # a cache a run leaves: never shipped
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            ".",
        ],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("statecanvas-*.whl")
    return built


def test_the_wheel_holds_every_bundled_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _bundled_files()
    assert "statecanvas_resources/examples/order-pipeline/order-pipeline.statecanvas.json" in expected
    assert "statecanvas_resources/examples/order-pipeline/handlers/fulfillment.py" in expected
    missing = [name for name in expected if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "designer/cli.py" in names and "engine/bundled.py" in names


def test_an_installed_wheel_finds_and_opens_the_example(wheel: Path, tmp_path: Path) -> None:
    """Installed into a plain folder (no source tree on the path), the app finds the example through
    engine.bundled, validates it, puts an event on it and draws it."""
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def python(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-P", *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )

    where = python(
        "-c",
        "import json, designer, engine.bundled as b; "
        "print(json.dumps([designer.__file__, str(b.example_project()), b.example_project().is_file()]))",
    )
    assert where.returncode == 0, where.stderr
    designer_file, example, exists = json.loads(where.stdout)
    assert designer_file.startswith(str(target)) and example.startswith(str(target)) and exists

    validate = python(
        "-m", "designer.cli", "validate", str(Path(example).parents[1] / "order-processing.asl.json")
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    entry = {
        "EventBusName": "orders",
        "Source": "retail.returns",
        "DetailType": "ReturnRequested",
        "Detail": {"orderId": "o-1", "sku": "BOOK-42", "reason": "damaged"},
    }
    put = python(
        "-m", "designer.cli", "put-events", str(Path(example).parent), "--entries", json.dumps(entry)
    )
    assert put.returncode == 0, put.stdout + put.stderr
    assert "rule ReturnRequestedToReturns: matched" in put.stdout
    picture = python("-m", "designer.cli", "export", example, "--format", "png", "-o", str(work / "p.png"))
    assert picture.returncode == 0, picture.stdout + picture.stderr
    assert (work / "p.png").stat().st_size > 1000
