"""What Task resources resolve to: local handlers, mocked responses and built-in services."""

from engine.integrations.lambda_functions import LambdaContext, LambdaFunctions
from engine.integrations.mock_config import MockConfig, MockConfigError
from engine.integrations.registry import ServiceRegistry, lambda_invoke_result
from engine.integrations.request import TaskError, TaskRequest

__all__ = [
    "LambdaContext",
    "LambdaFunctions",
    "MockConfig",
    "MockConfigError",
    "ServiceRegistry",
    "TaskError",
    "TaskRequest",
    "lambda_invoke_result",
]
