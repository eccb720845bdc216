"""AWS services as Step Functions sees them: the catalog read from botocore's models, the
optimized-integration table, request shapes, StateCanvas's design-time parameter checks, and the
services emulated in process for runs.

Everything here loads lazily: importing the package reads no model. The names below are what the
rest of StateCanvas uses; import them from here rather than from the modules inside the package.
"""

from typing import TYPE_CHECKING

from engine.lazy_exports import lazy_exports
from engine.services import catalog
from engine.services.catalog import ServiceEntry, action_name, operation_name, sdk_service_name
from engine.services.integrations_table import (
    PATTERN_LABELS,
    OptimizedAction,
    categories,
    optimized_actions,
    optimized_services,
    table_source,
)
from engine.services.requests import (
    TaskTarget,
    member_name,
    members_of,
    placeholder_value,
    request_skeleton,
    split_resource,
    task_target,
)

if TYPE_CHECKING:
    from engine.services.action_search import ActionEntry, action_index, search_actions
    from engine.services.emulation import emulation_of
    from engine.services.emulation_builtins import NOT_BUILT_IN, serve_builtin_sdk
    from engine.services.emulation_s3 import EmulatedBuckets, s3_tasks
    from engine.services.emulation_state import SeedError
    from engine.services.parameter_checks import DESIGN_CHECK_SUFFIX, design_warnings

# Loaded on first use, for start-up time (engine.asl reads the optimized-integration table, so every
# command pays for what this package loads): the action index only when the palette searches, the
# parameter checks when a definition is checked, the emulation when a run calls an emulated service.
_LAZY = {
    "ActionEntry": "engine.services.action_search",
    "action_index": "engine.services.action_search",
    "search_actions": "engine.services.action_search",
    "DESIGN_CHECK_SUFFIX": "engine.services.parameter_checks",
    "design_warnings": "engine.services.parameter_checks",
    "emulation_of": "engine.services.emulation",
    "NOT_BUILT_IN": "engine.services.emulation_builtins",
    "serve_builtin_sdk": "engine.services.emulation_builtins",
    "EmulatedBuckets": "engine.services.emulation_s3",
    "s3_tasks": "engine.services.emulation_s3",
    "SeedError": "engine.services.emulation_state",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "DESIGN_CHECK_SUFFIX",
    "NOT_BUILT_IN",
    "PATTERN_LABELS",
    "ActionEntry",
    "EmulatedBuckets",
    "OptimizedAction",
    "SeedError",
    "ServiceEntry",
    "TaskTarget",
    "action_index",
    "action_name",
    "catalog",
    "categories",
    "design_warnings",
    "emulation_of",
    "member_name",
    "members_of",
    "operation_name",
    "optimized_actions",
    "optimized_services",
    "placeholder_value",
    "request_skeleton",
    "s3_tasks",
    "sdk_service_name",
    "search_actions",
    "serve_builtin_sdk",
    "split_resource",
    "table_source",
    "task_target",
]
