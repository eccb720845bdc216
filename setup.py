"""Packaging beside pyproject.toml, for the one thing pyproject cannot say: the top-level
`resources/` folder (the example projects and any icon or theme files) is shipped inside the
wheel as the package `statecanvas_resources`, so a plain `pip install .` has them too.
The data files themselves are chosen by [tool.setuptools.package-data] in pyproject.toml."""

from setuptools import find_namespace_packages, find_packages, setup


def _resource_packages() -> list[str]:
    """statecanvas_resources and its folders Python could import (e.g. examples), declared so that
    setuptools ships their files as data without warning; other folders are plain data."""
    found = find_namespace_packages(where="resources", exclude=["*__pycache__*"])
    names = [name for name in found if all(part.isidentifier() for part in name.split("."))]
    return ["statecanvas_resources", *(f"statecanvas_resources.{name}" for name in names)]


setup(
    packages=[*find_packages(include=["engine*", "designer*"]), *_resource_packages()],
    package_dir={"statecanvas_resources": "resources"},
)
