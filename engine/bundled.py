"""Where StateCanvas's bundled files are: the example projects (and any icon or theme files).

They live in the repository's top-level `resources/` folder, which is installed as the package
`statecanvas_resources` (setup.py), so the same files are found from an editable install, a
plain `pip install .` and a wheel. Every caller goes through `bundled_path` so that no code
depends on where the source tree happens to be.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

EXAMPLE_PROJECT = ("examples", "order-pipeline", "order-pipeline.statecanvas.json")


def bundled_root() -> Path:
    """The folder holding the bundled files."""
    spec = importlib.util.find_spec("statecanvas_resources")
    if spec is not None and spec.origin is not None:
        return Path(spec.origin).resolve().parent
    # Run from a source checkout that was never installed (python -m designer.cli in the repository).
    return Path(__file__).resolve().parents[1] / "resources"


def bundled_path(*parts: str) -> Path:
    """The path of a bundled file, e.g. bundled_path("examples", "order-processing.asl.json")."""
    return bundled_root().joinpath(*parts)


def example_project() -> Path:
    """The project the designer opens when it is given no file: the order-pipeline example."""
    return bundled_path(*EXAMPLE_PROJECT)
