"""Loading definitions into the model and writing them back as canonical JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine.asl.loader import DefinitionLoadError, load_document
from engine.asl.model import State, StateMachine
from engine.asl.model.containers import RawState
from engine.values import escape_lone_surrogates

_STATE = TypeAdapter(State)


def load_definition(source: str | Path | dict[str, Any]) -> StateMachine:
    """A state machine from a dict, JSON/YAML text or a file path.

    Text and files are read with the loader's safety limits. States that do not fit their
    type's model are kept as `RawState` (see the validator for what is wrong with them); only
    a document that is not a JSON object at all is refused.
    """
    value = load_document(source)
    if not isinstance(value, dict):
        where = str(source) if isinstance(source, Path) else None
        raise DefinitionLoadError("a state machine definition must be a JSON object", source=where)
    return StateMachine.model_validate(value)


def load_state(source: str | Path | dict[str, Any]) -> Any:
    """A single state, as TestState takes one; a `RawState` when it does not fit a model."""
    value = load_document(source)
    try:
        return _STATE.validate_python(value)
    except ValidationError as exc:
        return RawState(value, str(exc))


def to_json_value(model: StateMachine | Any) -> Any:
    """The JSON value of a machine or a state, exactly the fields its author set."""
    return model.to_json()


def dump_definition(model: StateMachine | dict[str, Any], *, indent: int | None = 2) -> str:
    """Canonical JSON text: fields in the model's order, two-space indent, UTF-8 kept as is."""
    machine = StateMachine.model_validate(model) if isinstance(model, dict) else model
    value = machine.to_json()
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return escape_lone_surrogates(text) + ("\n" if indent is not None else "")
