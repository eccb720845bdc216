"""A real AWS API implementation on loopback for the deploy tests: moto's server, one per session.

`moto_server` starts `python -m moto.server` on 127.0.0.1 on a free port, in an account other
than the projects' (so ARN rewriting is exercised), with Step Functions set to really execute
state machines; it is stopped when the session ends. Without moto[server] and boto3 the tests
that need it skip and say why.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = REPO / "resources" / "examples" / "order-pipeline"
EXAMPLE = EXAMPLE_DIR / "order-pipeline.statecanvas.json"
MOTO_ACCOUNT = "210987654321"
REGION = "eu-west-1"
STARTUP_SECONDS = 60.0


def _missing_modules() -> list[str]:
    missing = []
    for module in ("boto3", "moto", "flask", "flask_cors"):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post_json(url: str, value: object) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(value).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The endpoint URL of a moto server on loopback."""
    missing = _missing_modules()
    if missing:
        pytest.skip(
            f"deploy tests need moto[server] and boto3 (missing: {', '.join(missing)}); "
            "pip install -e '.[test]' installs them"
        )
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    env = dict(os.environ, MOTO_ACCOUNT_ID=MOTO_ACCOUNT)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"moto_server exited with {process.returncode}:\n{log.read_text(errors='replace')}"
                )
            try:
                with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not answer within {STARTUP_SECONDS:.0f}s")
                time.sleep(0.2)
        # Before anything is made: executing machines live in a backend of their own.
        _post_json(f"{url}/moto-api/config", {"stepfunctions": {"execute_state_machine": True}})
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def aws_env(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Dummy credentials and region in the environment, no profile or config file of the user's."""
    home = tmp_path_factory.mktemp("aws-home")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN"):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_SESSION_TOKEN", "testing")
        mp.setenv("AWS_SECURITY_TOKEN", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_REGION", REGION)
        mp.setenv("AWS_CONFIG_FILE", str(home / "config"))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_MAX_ATTEMPTS", "2")
        yield moto_server


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """The order-pipeline example copied (handlers included) so that a test may edit it."""
    target = tmp_path / "order-pipeline"
    shutil.copytree(EXAMPLE_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target / EXAMPLE.name
