"""`statecanvas serve`: AWS wire protocols (Step Functions, EventBridge, SQS, SNS) on one loopback port,
answered by one project runtime, so unchanged SDK code can run against the bundled engine."""

from typing import TYPE_CHECKING

from engine.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from engine.serve.clock import MAX_TIME_SCALE, MIN_TIME_SCALE
    from engine.serve.context import build_context, stop_executions
    from engine.serve.server import NonLoopbackRefused, ServeApp, check_host

# Loaded on first use: the package's modules import one another (and aiohttp), and the command line
# and the designer reach for the server only when asked to serve.
_LAZY = {
    "MAX_TIME_SCALE": "engine.serve.clock",
    "MIN_TIME_SCALE": "engine.serve.clock",
    "build_context": "engine.serve.context",
    "stop_executions": "engine.serve.context",
    "NonLoopbackRefused": "engine.serve.server",
    "ServeApp": "engine.serve.server",
    "check_host": "engine.serve.server",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "MAX_TIME_SCALE",
    "MIN_TIME_SCALE",
    "NonLoopbackRefused",
    "ServeApp",
    "build_context",
    "check_host",
    "stop_executions",
]
