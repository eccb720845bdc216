"""Step Functions ARNs, spelled in one place.

State machines, executions, map runs and activities are named by ARNs that the interpreter, the
local service, TestState and the endpoint server all make; one function per kind keeps their
spelling the same everywhere (an Express execution's ARN says `express`, a Standard one's
`execution`; a map run's names the machine and the Map's Label).
"""

from __future__ import annotations

import re

_PREFIX = "arn:aws:states"
# What AWS forbids in state machine, execution and activity names (which end up in these ARNs).
_NAME_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


def is_valid_name(name: str) -> bool:
    """A state machine, execution or activity name AWS accepts: 1-80 characters, none it forbids."""
    return 1 <= len(name) <= 80 and _NAME_FORBIDDEN.search(name) is None


def state_machine_arn(region: str, account: str, name: str) -> str:
    return f"{_PREFIX}:{region}:{account}:stateMachine:{name}"


def execution_arn(
    region: str, account: str, machine: str, name: str, *, machine_type: str = "STANDARD"
) -> str:
    """An execution of the named machine; an EXPRESS machine's executions are `express:` ARNs."""
    kind = "express" if machine_type == "EXPRESS" else "execution"
    return f"{_PREFIX}:{region}:{account}:{kind}:{machine}:{name}"


def map_run_arn(region: str, account: str, machine: str, label: str, run_id: str) -> str:
    """A distributed Map's run: the machine, the Map's Label (or state name) and the run's id."""
    return f"{_PREFIX}:{region}:{account}:mapRun:{machine}/{label}:{run_id}"


def map_run_machine(machine: str, label: str) -> str:
    """The name a map run's child executions give their state machine: `machine/label`, so that
    `state_machine_arn` and `execution_arn` spell a child's ARNs as AWS's result writer does."""
    return f"{machine}/{label}"


def activity_arn(region: str, account: str, name: str) -> str:
    return f"{_PREFIX}:{region}:{account}:activity:{name}"
