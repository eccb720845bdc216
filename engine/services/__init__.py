"""AWS services as Step Functions sees them: the catalog read from botocore's models, the
optimized-integration table, request shapes and StateCanvas's design-time parameter checks.

Everything here loads lazily: importing the package reads no model.
"""

from engine.services.catalog import ServiceEntry, action_name, operation_name, sdk_service_name
from engine.services.integrations_table import (
    PATTERN_LABELS,
    OptimizedAction,
    optimized_actions,
    optimized_services,
    table_source,
)
from engine.services.requests import TaskTarget, request_skeleton, split_resource, task_target

__all__ = [
    "PATTERN_LABELS",
    "OptimizedAction",
    "ServiceEntry",
    "TaskTarget",
    "action_name",
    "operation_name",
    "optimized_actions",
    "optimized_services",
    "request_skeleton",
    "sdk_service_name",
    "split_resource",
    "table_source",
    "task_target",
]
