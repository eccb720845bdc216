"""What the inspector's forms show, read from the engine's pydantic models and field tables.

The form for a state type lists the model's fields in the model's order (the canonical order
of the JSON), each with a kind of editor chosen from its type, a section, and the query
language it belongs to. Nothing here is hand-maintained per state type except the section a
field belongs in: a field added to the engine's model shows up in the inspector by itself.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.asl import (
    JSONATA_ONLY,
    JSONPATH_ONLY,
    STATE_FIELDS,
    Catcher,
    ChoiceState,
    FailState,
    MapState,
    ParallelState,
    PassState,
    Retrier,
    SucceedState,
    TaskState,
    WaitState,
)

Kind = Literal["text", "int", "int_or_text", "number", "bool", "json", "list", "special", "choice"]
SECTIONS = ("Configuration", "Input", "Output", "Error handling", "Variables")

STATE_MODELS: dict[str, type[BaseModel]] = {
    "Task": TaskState,
    "Pass": PassState,
    "Choice": ChoiceState,
    "Wait": WaitState,
    "Parallel": ParallelState,
    "Map": MapState,
    "Succeed": SucceedState,
    "Fail": FailState,
}

# Shown in the header or handled by the panel itself, not as form fields.
HEADER_FIELDS = frozenset(("Type", "Comment", "QueryLanguage", "Next", "End"))
_SECTION_OF = {
    "InputPath": "Input",
    "Parameters": "Input",
    "Arguments": "Input",
    "ItemSelector": "Input",
    "ResultSelector": "Output",
    "ResultPath": "Output",
    "OutputPath": "Output",
    "Output": "Output",
    "Retry": "Error handling",
    "Catch": "Error handling",
    "TimeoutSeconds": "Error handling",
    "TimeoutSecondsPath": "Error handling",
    "HeartbeatSeconds": "Error handling",
    "HeartbeatSecondsPath": "Error handling",
    "Assign": "Variables",
}
# Fields with an editor of their own rather than one made from the type.
SPECIAL = frozenset(
    ("Retry", "Catch", "Choices", "Default", "Branches", "ItemProcessor", "Iterator", "Resource")
)
# Wait's four ways of saying how long: one is set at a time, chosen in one control.
WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
# Map fields that only a Distributed Map uses; shown when the Map is distributed or has them.
DISTRIBUTED_ONLY = frozenset(("ItemReader", "ItemBatcher", "ResultWriter"))
JITTER_STRATEGIES = ("", "FULL", "NONE")
# Fields few states use: shown only when the state has them (the JSON fold adds them).
RARE = frozenset(("Credentials",))
# Types the models keep loose (so that a bad file still loads) but that a form edits as text.
_KIND_OVERRIDES: dict[str, Kind] = {"Label": "text", "ToleratedFailurePercentage": "number"}

HINTS = {
    "InputPath": "$ (the whole input)",
    "OutputPath": "$ (the whole output)",
    "ResultPath": "$ (replace the input with the result)",
    "ItemsPath": "$ (the input must be an array)",
    "Items": "{% $states.input.items %}",
    "TimeoutSeconds": "no limit",
    "HeartbeatSeconds": "none",
    "MaxConcurrency": "no limit",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the ASL name (the model's alias)
    kind: Kind
    section: str
    language: str | None  # "JSONPath", "JSONata" or None for both

    @property
    def label(self) -> str:
        return self.name


def _alias(name: str, info: Any) -> str:
    return info.alias or name


def _members(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _base(annotation: Any) -> Any:
    """`StrictInt` is `Annotated[int, Strict()]`: look through Annotated."""
    if get_origin(annotation) is typing.Annotated:
        return get_args(annotation)[0]
    return annotation


def kind_of(annotation: Any) -> Kind:
    """The editor a field's type calls for."""
    members = [_base(m) for m in _members(annotation)]
    if annotation is Any or any(m is Any for m in members):
        return "json"
    if members == [bool]:
        return "bool"
    if members == [str]:
        return "text"
    if members == [int]:
        return "int"
    if set(members) == {int, float}:
        return "number"
    if set(members) == {int, str} or set(members) == {int, float, str}:
        return "int_or_text"
    if any(get_origin(m) is list and get_args(m) == (str,) for m in members):
        return "list"
    if any(get_origin(m) is Literal for m in members):
        return "choice"
    return "json"


def language_of(name: str) -> str | None:
    if name in JSONPATH_ONLY:
        return "JSONPath"
    if name in JSONATA_ONLY:
        return "JSONata"
    return None


def model_fields(model: type[BaseModel], section: str = "Configuration") -> list[FieldSpec]:
    out = []
    for name, info in model.model_fields.items():
        alias = _alias(name, info)
        kind: Kind = "special" if alias in SPECIAL else _KIND_OVERRIDES.get(alias) or kind_of(info.annotation)
        out.append(FieldSpec(alias, kind, _SECTION_OF.get(alias, section), language_of(alias)))
    return out


def state_fields(state_type: str) -> list[FieldSpec]:
    model = STATE_MODELS.get(state_type)
    if model is None:
        return []
    allowed = STATE_FIELDS.get(state_type, frozenset())
    return [f for f in model_fields(model) if f.name not in HEADER_FIELDS and f.name in allowed]


def visible(spec: FieldSpec, state: dict[str, Any], language: str) -> bool:
    """Shown when it belongs to the state's query language, or when the state has it anyway
    (so that a field the language refuses can be seen, with its problem, and removed)."""
    if spec.name in state:
        return True
    if spec.name in RARE:
        return False
    if spec.language is not None and spec.language != language:
        return False
    if state.get("Type") == "Map" and spec.name in DISTRIBUTED_ONLY:
        processor = state.get("ItemProcessor") or state.get("Iterator") or {}
        mode = (processor.get("ProcessorConfig") or {}).get("Mode") if isinstance(processor, dict) else None
        return mode == "DISTRIBUTED"
    return not (state.get("Type") == "Map" and spec.name == "Iterator")


def retrier_fields() -> list[FieldSpec]:
    return model_fields(Retrier, "Error handling")


def catcher_fields() -> list[FieldSpec]:
    return model_fields(Catcher, "Error handling")


def query_language(definition: dict[str, Any], state: dict[str, Any]) -> str:
    """The query language in force for a state: its own, else the machine's, else JSONPath."""
    own = state.get("QueryLanguage") if isinstance(state, dict) else None
    if own in ("JSONPath", "JSONata"):
        return own
    top = definition.get("QueryLanguage") if isinstance(definition, dict) else None
    return top if top in ("JSONPath", "JSONata") else "JSONPath"
