"""What Task resources resolve to: local handlers, mocked responses and built-in services.

The names below are what the rest of StateCanvas uses; import them from here rather than from the
modules inside the package, which may move.
"""

from typing import TYPE_CHECKING

from engine.integrations.lambda_functions import LambdaContext, LambdaFunctions, function_name_of
from engine.integrations.mock_config import MockConfig, MockConfigError, SavedMocks, outcome_problem
from engine.integrations.registry import ServiceRegistry, lambda_invoke_result
from engine.integrations.request import TaskError, TaskRequest, unavailable
from engine.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from engine.integrations.handler_files import (
        HANDLERS_DIR,
        STUB_FUNCTION,
        FileHandler,
        HandlerLoadError,
        create_handler_stub,
        handler_file,
        load_handler,
        module_name_for,
        top_level_functions,
    )
    from engine.integrations.s3_objects import S3Error, S3ObjectStore, StoredObject, attach_s3, store_of

# Loaded on first use, for start-up time: handler files only when a project names one or the
# inspector shows one, the S3 object store only when a distributed Map reads or writes S3.
_LAZY = {
    **dict.fromkeys(
        (
            "HANDLERS_DIR",
            "STUB_FUNCTION",
            "FileHandler",
            "HandlerLoadError",
            "create_handler_stub",
            "handler_file",
            "load_handler",
            "module_name_for",
            "top_level_functions",
        ),
        "engine.integrations.handler_files",
    ),
    **dict.fromkeys(
        ("S3Error", "S3ObjectStore", "StoredObject", "attach_s3", "store_of"),
        "engine.integrations.s3_objects",
    ),
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "HANDLERS_DIR",
    "STUB_FUNCTION",
    "FileHandler",
    "HandlerLoadError",
    "LambdaContext",
    "LambdaFunctions",
    "MockConfig",
    "MockConfigError",
    "S3Error",
    "S3ObjectStore",
    "SavedMocks",
    "ServiceRegistry",
    "StoredObject",
    "TaskError",
    "TaskRequest",
    "attach_s3",
    "create_handler_stub",
    "function_name_of",
    "handler_file",
    "lambda_invoke_result",
    "load_handler",
    "module_name_for",
    "outcome_problem",
    "store_of",
    "top_level_functions",
    "unavailable",
]
