"""A `statecanvas serve` of EventBridge, SQS and SNS in a thread, with boto3 clients at it, for
the tests of those endpoints (the server runs on its own loop so blocking SDK calls can be made)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from botocore.config import Config  # noqa: E402

from engine.serve.context import build_context  # noqa: E402
from engine.serve.server import ServeApp  # noqa: E402

MODULES = ["engine.serve.events", "engine.serve.sqs", "engine.serve.sns"]
ACCOUNT = "123456789012"


class ServerThread:
    """A server on its own event loop in a thread, so blocking boto3 calls can be made at it."""

    def __init__(self, project: Any = None, **options: Any) -> None:
        self.project = project
        self.options = options  # build_context's: state_file, time_scale...
        self.context: Any = None
        self.port = 0
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __enter__(self) -> ServerThread:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(20), "the server did not start"
        if self._error is not None:
            raise self._error
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                self.context = build_context(self.project, **self.options)
                app = ServeApp(self.context, MODULES)
                self.port = await app.start("127.0.0.1", 0)
            except BaseException as exc:  # reported to the test, not swallowed
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._stop.wait()
            await app.stop()

        asyncio.run(main())

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}),
        )


def aws_cli() -> str | None:
    """The AWS CLI installed with the test tools (beside this interpreter), else one on PATH."""
    beside = Path(sys.executable).with_name("aws")
    return str(beside) if beside.exists() else shutil.which("aws")


def queue_arn(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def receive_all(sqs: Any, url: str, want: int, *, wait: float = 5.0, **options: Any) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + wait
    while len(got) < want and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **options)
        got.extend(answer.get("Messages", []))
    return got


def error_code(excinfo: pytest.ExceptionInfo[Any]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


# EventBridge -------------------------------------------------------------------------------------
