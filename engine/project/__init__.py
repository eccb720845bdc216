"""The project document: what a StateCanvas project holds and how it is read and written, the
choreography checks, local Task behaviour, choreography hops and a project's runtime.

The names below are what the rest of StateCanvas uses; import them from here rather than from the
modules inside the package, which may move.
"""

from typing import TYPE_CHECKING

from engine.lazy_exports import lazy_exports
from engine.project.atomic import atomic_write_text
from engine.project.checks import choreography_problems
from engine.project.containment import OutsideProjectError, confined_path, is_inside
from engine.project.loader import (
    PROJECT_SUFFIXES,
    LoadedProject,
    ProjectError,
    ProjectProblem,
    load_definitions,
    load_project,
    looks_like_project,
    project_from_value,
    project_to_value,
    reference_problems,
    save_project,
)
from engine.project.model import (
    FORMAT_VERSION,
    BusSpec,
    ConsumerSpec,
    FunctionSpec,
    InputTransformer,
    LoggingSpec,
    Position,
    Project,
    QueueSpec,
    RedrivePolicy,
    RetryPolicy,
    RuleSpec,
    SeedSpec,
    StateMachineSpec,
    SubscriptionSpec,
    TargetSpec,
    TopicSpec,
)

if TYPE_CHECKING:
    from engine.project.behaviour import (
        BUILT_IN,
        PLACEHOLDER_FUNCTION,
        TaskBehaviour,
        lambda_target,
        task_behaviour,
        unserved_message,
    )
    from engine.project.hops import BREAK_KINDS, Hop, HopGate, resource_keys
    from engine.project.runtime import ProjectRuntime

# Loaded on first use, for start-up time: the runtime brings the Step Functions service, service
# tasks and local handlers, and the designer needs them, Task behaviour and hops only once a run
# or an inspector page asks.
_LAZY = {
    "ProjectRuntime": "engine.project.runtime",
    **dict.fromkeys(
        (
            "BUILT_IN",
            "PLACEHOLDER_FUNCTION",
            "TaskBehaviour",
            "lambda_target",
            "task_behaviour",
            "unserved_message",
        ),
        "engine.project.behaviour",
    ),
    **dict.fromkeys(("BREAK_KINDS", "Hop", "HopGate", "resource_keys"), "engine.project.hops"),
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "BREAK_KINDS",
    "BUILT_IN",
    "FORMAT_VERSION",
    "PLACEHOLDER_FUNCTION",
    "PROJECT_SUFFIXES",
    "BusSpec",
    "ConsumerSpec",
    "FunctionSpec",
    "Hop",
    "HopGate",
    "InputTransformer",
    "LoadedProject",
    "LoggingSpec",
    "OutsideProjectError",
    "Position",
    "Project",
    "ProjectError",
    "ProjectProblem",
    "ProjectRuntime",
    "QueueSpec",
    "RedrivePolicy",
    "RetryPolicy",
    "RuleSpec",
    "SeedSpec",
    "StateMachineSpec",
    "SubscriptionSpec",
    "TargetSpec",
    "TaskBehaviour",
    "TopicSpec",
    "atomic_write_text",
    "choreography_problems",
    "confined_path",
    "is_inside",
    "lambda_target",
    "load_definitions",
    "load_project",
    "looks_like_project",
    "project_from_value",
    "project_to_value",
    "reference_problems",
    "resource_keys",
    "save_project",
    "task_behaviour",
    "unserved_message",
]
