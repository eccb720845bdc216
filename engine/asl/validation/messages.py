"""AWS's wording for definition problems, in one place.

Where AWS's answer is on record (recorded against the service, see the conformance corpus and
the project's notes) the text here is AWS's, character for character, trailing spaces included.
Where it is not, the text follows the same sentence shapes so that users see one voice.
"""

from __future__ import annotations

from collections.abc import Iterable

STATE_TYPES = ("Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map")


def listing(names: Iterable[str]) -> str:
    return "[" + ", ".join(names) + "]"


def required(names: Iterable[str]) -> str:
    return f"These fields are required: {listing(names)}"


def required_field(name: str) -> str:
    return f"The field '{name}' is required but was missing"


def not_supported(name: str) -> str:
    return f"Field '{name}' is not supported"


def expected_type(json_type: str) -> str:
    return f"Expected value of type [{json_type}]"


def one_of_values(values: Iterable[str]) -> str:
    return f"Value should be one of the following: {listing(values)}"


def type_values() -> str:
    return f"The field 'Type' should have one of these values: {listing(STATE_TYPES)}"


def only_one_of(names: Iterable[str]) -> str:
    return f"There should only be one of the following fields: {listing(names)}"


def exactly_one_of(names: Iterable[str]) -> str:
    return f"This object should have only one of the following fields: {listing(names)}"


def minimum(value: float) -> str:
    return f"Minimum value is {_number(value)}"


def maximum(value: float) -> str:
    return f"Maximum value is {_number(value)}"


EMPTY = "Value cannot be empty"
NOT_A_JSON_OBJECT = "Definition must be a valid JSON object"
INVALID_JSONPATH = "Value must be a valid JSONPath."
NOT_RFC3339 = "String does not match RFC3339 timestamp"
STATES_ALL_POSITION = "States.ALL must appear alone and at end of list"
NO_TERMINAL_STATE = "Workflow has no terminal state"
DOWNGRADE_QUERY_LANGUAGE = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"


def not_reference_path(reason: str) -> str:
    return f"Value is not a Reference Path: {reason}"


def invalid_payload_path(key: str) -> str:
    return f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"


def duplicate_template_field(name: str) -> str:
    # AWS recorded no wording for this; the spec forbids a name twice once `.$` is stripped.
    return f"The field '{name}' is given twice in the template: as '{name}' and as '{name}.$'"


def intrinsic_not_a_string(field: str, function: str) -> str:
    # AWS's Fail state documentation lists the intrinsics that return a string; its wording is ours.
    return (
        f"The value for the field '{field}' must be a valid JSONPath or an intrinsic function that returns "
        f"a string; {function} does not"
    )


def wrong_query_language(language: str, field: str) -> str:
    other = "JSONPath" if language == "JSONata" else "JSONata"
    return (
        f"The QueryLanguage is set to '{language}', but field '{field}' is only supported for the "
        f"'{other}' QueryLanguage"
    )


def unrecognized_resource(resource: str) -> str:
    return (
        f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
        "or the resource is not available in this region."
    )


def express_unsupported(pattern: str) -> str:
    # AWS's text for '.waitForTaskToken' ends with a space; '.sync' has none.
    suffix = " " if pattern == ".waitForTaskToken" else ""
    return f"Express state machine does not support '{pattern}' service integration{suffix}"


def express_activity() -> str:
    return "Express state machine does not support Activity ARN"


def parameters_required(resource: str) -> str:
    return f"Parameters field is required for resource ARN: {resource}"


def reserved_error_name(name: str) -> str:
    return f"Error names starting with 'States.' are reserved, and '{name}' is not one of them"


def missing_target(name: str) -> str:
    return f"Missing 'Next' target: {name}"


def unreachable(name: str) -> str:
    return f'State "{name}" is not reachable.'


def state_name_too_long(name: str) -> str:
    return f"Invalid State name: State '{name}' exceeds the 80-character limit allowed by the service"


def state_name_invalid_character(name: str, char: str) -> str:
    return f"Invalid State name: State '{name}' contains an invalid character: {char!r}"


def duplicate_state(name: str) -> str:
    return f"Duplicate State name: {name}"


def label_empty() -> str:
    return "Invalid Label name: Label cannot be empty"


def label_too_long(label: str) -> str:
    return f"Invalid Label name: Label '{label}' exceeds the 40-character limit allowed by the service"


def label_invalid_character(label: str, char: str) -> str:
    return f"Invalid Label name: Label '{label}' contains an invalid character: {char!r}"


def duplicate_label(label: str) -> str:
    return f"Duplicate Label name: {label}"


def jsonata_reference_not_supported(name: str) -> str:
    return f"Reference to '{name}' is not supported."


def jsonata_field_missing(name: str) -> str:
    return f"Field '{name}' does not exist."


def definition_too_large(limit: int) -> str:
    return (
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}"
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
