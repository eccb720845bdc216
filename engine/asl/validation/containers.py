"""Rules for the states that hold other states: Parallel branches and Map item processors."""

from __future__ import annotations

from typing import Any

from engine.asl.diagnostics import DUPLICATE_LABEL_NAME, INVALID_LABEL_NAME
from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker, is_jsonata_text
from engine.asl.validation.expressions import check_path_field, check_payload_template
from engine.asl.validation.fields import BRANCH_FIELDS, PROCESSOR_FIELDS
from engine.asl.validation.scope import Scope, check_states_object

MAX_LABEL = 40
# Characters a Map Label may not contain (the same set AWS forbids in execution names).
_LABEL_FORBIDDEN = set(' <>{}[]?*"#%\\^|~`$&,;:/')


def check_branch(checker: Checker, branch: Any, loc: str, scope: Scope, *, processor: bool) -> None:
    if not isinstance(branch, dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    missing = [f for f in ("StartAt", "States") if f not in branch]
    if missing:
        checker.error(msg.required(missing), loc)
    allowed = PROCESSOR_FIELDS if processor else BRANCH_FIELDS
    for field in branch:
        if field not in allowed:
            checker.error(msg.not_supported(field), loc)
    checker.expect_string(branch, "StartAt", loc)
    check_states_object(checker, branch, loc, Scope(loc, scope.query_language, scope.top_level_jsonata))


def check_map(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    processors = [f for f in ("ItemProcessor", "Iterator") if f in state]
    if len(processors) > 1:
        checker.error(msg.only_one_of(["ItemProcessor", "Iterator"]), loc)
    elif not processors:
        checker.error(msg.exactly_one_of(["ItemProcessor", "Iterator"]), loc)
    for key in processors:
        processor = state[key]
        where = f"{loc}/{key}"
        if isinstance(processor, dict) and "ProcessorConfig" in processor:
            _check_processor_config(checker, processor, where)
        check_branch(checker, processor, where, scope, processor=True)
    if "Label" in state:
        _check_label(checker, state, loc)
    _count(checker, state, "MaxConcurrency", loc, language, low=0)
    _count(checker, state, "ToleratedFailureCount", loc, language, low=0)
    if "ToleratedFailurePercentage" in state and not (
        language == "JSONata" and is_jsonata_text(state["ToleratedFailurePercentage"])
    ):
        checker.expect_number(state, "ToleratedFailurePercentage", loc, low=0, high=100)
    for static in ("MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"):
        if static in state and f"{static}Path" in state:
            checker.error(msg.only_one_of([static, f"{static}Path"]), f"{loc}/{static}")
    if "ItemReader" in state:
        _check_item_reader(checker, state, f"{loc}/ItemReader", language)
    if "ItemBatcher" in state:
        _check_item_batcher(checker, state, f"{loc}/ItemBatcher", language)
    if "ResultWriter" in state:
        _check_result_writer(checker, state, f"{loc}/ResultWriter", language)


def _check_processor_config(checker: Checker, processor: dict[str, Any], loc: str) -> None:
    if not checker.expect_object(processor, "ProcessorConfig", loc):
        return
    config = processor["ProcessorConfig"]
    where = f"{loc}/ProcessorConfig"
    for field in config:
        if field not in ("Mode", "ExecutionType"):
            checker.error(msg.not_supported(field), where)
    checker.expect_enum(config, "Mode", where, ("INLINE", "DISTRIBUTED"))
    checker.expect_enum(config, "ExecutionType", where, ("STANDARD", "EXPRESS"))
    if config.get("Mode") == "DISTRIBUTED" and "ExecutionType" not in config:
        checker.error(msg.required(["ExecutionType"]), where)


def _check_label(checker: Checker, state: dict[str, Any], loc: str) -> None:
    if not checker.expect_string(state, "Label", loc):
        return
    label = state["Label"]
    where = f"{loc}/Label"
    if label == "":
        checker.error(msg.label_empty(), where, code=INVALID_LABEL_NAME)
        return
    if len(label) > MAX_LABEL:
        checker.error(msg.label_too_long(label), where, code=INVALID_LABEL_NAME)
        return
    bad = next((ch for ch in label if ch in _LABEL_FORBIDDEN or _is_control(ch)), None)
    if bad is not None:
        checker.error(msg.label_invalid_character(label, bad), where, code=INVALID_LABEL_NAME)
        return
    if label in checker.labels:
        checker.error(msg.duplicate_label(label), where, code=DUPLICATE_LABEL_NAME)
    else:
        checker.labels[label] = where


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code <= 0x1F or 0x7F <= code <= 0x9F or ch.isspace()


def _count(checker: Checker, state: dict[str, Any], key: str, loc: str, language: str, *, low: int) -> None:
    if key not in state or (language == "JSONata" and is_jsonata_text(state[key])):
        return
    checker.expect_integer(state, key, loc, low=low)


def _static_or_path(checker: Checker, obj: dict[str, Any], static: str, loc: str, language: str) -> None:
    """A value given both as itself and as a path; the path must be a JSONPath, in JSONPath states only."""
    path = f"{static}Path"
    if static in obj and path in obj:
        checker.error(msg.only_one_of([static, path]), loc)
    if path in obj:
        if language == "JSONata":
            checker.error(msg.wrong_query_language("JSONata", path), loc)
        else:
            check_path_field(checker, obj, path, loc, nullable=False)


def _check_item_reader(checker: Checker, state: dict[str, Any], loc: str, language: str) -> None:
    if not isinstance(state["ItemReader"], dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    reader = state["ItemReader"]
    for field in reader:
        if field not in ("Resource", "ReaderConfig", "Parameters", "Arguments"):
            checker.error(msg.not_supported(field), loc)
    if "Resource" not in reader:
        checker.error(msg.required(["Resource"]), loc)
    checker.expect_string(reader, "Resource", loc)
    _request_fields(checker, reader, loc, language)
    if checker.expect_object(reader, "ReaderConfig", loc):
        config = reader["ReaderConfig"]
        where = f"{loc}/ReaderConfig"
        checker.expect_enum(config, "InputType", where, ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"))
        checker.expect_enum(config, "CSVHeaderLocation", where, ("FIRST_ROW", "GIVEN"))
        checker.expect_enum(config, "CSVDelimiter", where, ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"))
        if config.get("CSVHeaderLocation") == "GIVEN" and "CSVHeaders" not in config:
            checker.error(msg.required(["CSVHeaders"]), where)
        _count(checker, config, "MaxItems", where, language, low=0)
        _static_or_path(checker, config, "MaxItems", where, language)


def _check_item_batcher(checker: Checker, state: dict[str, Any], loc: str, language: str) -> None:
    if not isinstance(state["ItemBatcher"], dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    batcher = state["ItemBatcher"]
    allowed = (
        "BatchInput",
        "MaxItemsPerBatch",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
    )
    for field in batcher:
        if field not in allowed:
            checker.error(msg.not_supported(field), loc)
    _count(checker, batcher, "MaxItemsPerBatch", loc, language, low=1)
    if "MaxInputBytesPerBatch" in batcher and not (
        language == "JSONata" and is_jsonata_text(batcher["MaxInputBytesPerBatch"])
    ):
        checker.expect_integer(batcher, "MaxInputBytesPerBatch", loc, low=1, high=262_144)
    for static in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        _static_or_path(checker, batcher, static, loc, language)
    if language == "JSONPath" and "BatchInput" in batcher:
        check_payload_template(checker, batcher["BatchInput"], f"{loc}/BatchInput")


def _check_result_writer(checker: Checker, state: dict[str, Any], loc: str, language: str) -> None:
    if not isinstance(state["ResultWriter"], dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    writer = state["ResultWriter"]
    for field in writer:
        if field not in ("Resource", "WriterConfig", "Parameters", "Arguments"):
            checker.error(msg.not_supported(field), loc)
    if "Resource" not in writer and "WriterConfig" not in writer:
        checker.error(msg.required(["Resource"]), loc)
    checker.expect_string(writer, "Resource", loc)
    _request_fields(checker, writer, loc, language)
    if checker.expect_object(writer, "WriterConfig", loc):
        config = writer["WriterConfig"]
        where = f"{loc}/WriterConfig"
        checker.expect_enum(config, "OutputType", where, ("JSON", "JSONL"))
        checker.expect_enum(config, "Transformation", where, ("NONE", "COMPACT", "FLATTEN"))


def _request_fields(checker: Checker, obj: dict[str, Any], loc: str, language: str) -> None:
    if language == "JSONPath" and "Arguments" in obj:
        checker.error(msg.wrong_query_language("JSONPath", "Arguments"), f"{loc}/Arguments")
    if language == "JSONata" and "Parameters" in obj:
        checker.error(msg.wrong_query_language("JSONata", "Parameters"), f"{loc}/Parameters")
    if language == "JSONPath" and "Parameters" in obj:
        check_payload_template(checker, obj["Parameters"], f"{loc}/Parameters")
