"""A `statecanvas serve` server on a random loopback port, in a thread with its own event loop,
and boto3 clients pointed at it (any credentials, as the server accepts)."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # serve_clients, shared by the endpoint tests

from serve_clients import ServerThread as EndpointServer


class ServerThread:
    def __init__(self, project: Any = None, **options: Any) -> None:
        self.project = project
        self.options = options
        self.loop = asyncio.new_event_loop()
        self.app: Any = None
        self.url = ""
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        if self._failure is None:
            self.loop.run_forever()
        self.loop.close()

    async def _start(self) -> None:
        from engine.serve.context import build_context
        from engine.serve.server import ServeApp

        try:
            project = self.project
            if isinstance(project, str):
                from engine.cli.project import load_project_arg

                project = load_project_arg(project)
            context = build_context(project, **self.options)
            self.app = ServeApp(context)
            port = await self.app.start("127.0.0.1", 0)
            self.url = f"http://127.0.0.1:{port}"
        except BaseException as exc:
            self._failure = exc
        finally:
            self._ready.set()

    def start(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(30)
        if self._failure is not None:
            raise self._failure
        return self

    @property
    def context(self) -> Any:
        return self.app.context

    def call(self, coroutine: Any) -> Any:
        """Run a coroutine on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def stop(self) -> None:
        if self.app is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self.app.stop(), self.loop).result(30)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)

    def client(self, service: str = "stepfunctions", **config: Any) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(inject_host_prefix=False, retries={"max_attempts": 0}, **config),
        )


@pytest.fixture
def serve_factory() -> Iterator[Callable[..., ServerThread]]:
    """Start servers (a project, --state, --mocks, --time-scale as keyword options); all stop at the end."""
    started: list[ServerThread] = []

    def make(project: Any = None, **options: Any) -> ServerThread:
        server = ServerThread(project, **options).start()
        started.append(server)
        return server

    yield make
    for server in reversed(started):
        server.stop()


@pytest.fixture
def serve(serve_factory: Callable[..., ServerThread]) -> ServerThread:
    return serve_factory()


@pytest.fixture
def sfn(serve: ServerThread) -> Any:
    return serve.client("stepfunctions")


# EventBridge, SQS and SNS endpoints: one server per test module, shared by its tests.


@pytest.fixture(scope="module")
def server() -> Iterator[EndpointServer]:
    with EndpointServer() as running:
        yield running


@pytest.fixture(scope="module")
def events(server: EndpointServer) -> Any:
    return server.client("events")


@pytest.fixture(scope="module")
def sqs(server: EndpointServer) -> Any:
    return server.client("sqs")


@pytest.fixture(scope="module")
def sns(server: EndpointServer) -> Any:
    return server.client("sns")
