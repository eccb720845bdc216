"""What a running state can see: the execution, its scope's variables, the context object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from engine.runtime.callbacks import Callbacks
from engine.runtime.clock import Clock
from engine.runtime.history import History


def iso_time(moment: datetime) -> str:
    """Timestamps in the context object: ISO-8601 with milliseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class ExecutionInfo:
    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    input: Any
    start_time: datetime
    account: str
    region: str
    redrive_count: int = 0

    @cached_property
    def start_time_text(self) -> str:
        """`$$.Execution.StartTime`, formatted once: every context object of the execution repeats it."""
        return iso_time(self.start_time)


@dataclass
class Frame:
    """A scope of states: the machine, one Parallel branch or one Map iteration.

    Variables are copied into a child frame: a branch reads what its parent assigned before it
    started, and nothing it assigns leaks back out (Step Functions' scoping rule).
    """

    variables: dict[str, Any] = field(default_factory=dict)
    map_item: dict[str, Any] | None = None  # {"Index": i, "Value": v} inside an iteration
    parent: Frame | None = None
    path: tuple[str, ...] = ()  # e.g. ("Map", "3") for the designer and the debugger
    kind: str = "machine"  # "machine", "branch" (Parallel) or "iteration" (Map)
    point: tuple[str, str] | None = None  # (name, input text) of the state entered last: a redrive's start

    def child(
        self, *, map_item: dict[str, Any] | None = None, label: tuple[str, ...] = (), kind: str = "iteration"
    ) -> Frame:
        return Frame(dict(self.variables), map_item, self, self.path + label, kind)


@dataclass
class ExecutionEnv:
    info: ExecutionInfo
    clock: Clock
    history: History
    services: Any  # engine.integrations.ServiceRegistry
    gate: Any = None  # the debug gate; None costs nothing
    query_language: str = "JSONPath"
    stopped: bool = False
    callbacks: Callbacks = field(default_factory=Callbacks)
    store: Any = None  # an engine.store.ExecutionStore, or None: histories stay in memory only
    redrive: Any = None  # an engine.runtime.redrive_ledger.RedriveLedger when the execution is stored

    def context_object(
        self,
        state_name: str,
        entered_time: datetime,
        frame: Frame,
        *,
        retry_count: int | None = None,
        task_token: str | None = None,
    ) -> dict[str, Any]:
        """The `$$` object. `retry_count` is given for Task states, whose context carries it.

        Callers build it only when something reads it (see `StateRun.context`): most states never
        do, and formatting the entered time is a large part of what a Pass state costs.
        """
        info = self.info
        context: dict[str, Any] = {
            "Execution": {
                "Id": info.execution_arn,
                "Input": info.input,
                "StartTime": info.start_time_text,
                "Name": info.name,
                "RoleArn": info.role_arn,
                "RedriveCount": info.redrive_count,
            },
            "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
            "State": {"Name": state_name, "EnteredTime": iso_time(entered_time)},
        }
        if retry_count is not None:
            context["State"]["RetryCount"] = retry_count
        if task_token is not None:
            context["Task"] = {"Token": task_token}
        if frame.map_item is not None:
            context["Map"] = {"Item": frame.map_item}
        return context
