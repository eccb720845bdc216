"""Which fields each state type takes, and which query language each field belongs to."""

from __future__ import annotations

COMMON = ("Type", "Comment", "QueryLanguage")

STATE_FIELDS: dict[str, frozenset[str]] = {
    "Pass": frozenset(
        (
            *COMMON,
            "InputPath",
            "Parameters",
            "Result",
            "ResultPath",
            "OutputPath",
            "Output",
            "Assign",
            "Next",
            "End",
        )
    ),
    "Task": frozenset(
        (
            *COMMON,
            "Resource",
            "Credentials",
            "InputPath",
            "Parameters",
            "Arguments",
            "ResultSelector",
            "ResultPath",
            "OutputPath",
            "Output",
            "Assign",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Retry",
            "Catch",
            "Next",
            "End",
        )
    ),
    "Choice": frozenset((*COMMON, "InputPath", "OutputPath", "Choices", "Default", "Output", "Assign")),
    "Wait": frozenset(
        (
            *COMMON,
            "InputPath",
            "OutputPath",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
            "Output",
            "Assign",
            "Next",
            "End",
        )
    ),
    "Succeed": frozenset((*COMMON, "InputPath", "OutputPath", "Output")),
    "Fail": frozenset((*COMMON, "Error", "ErrorPath", "Cause", "CausePath")),
    "Parallel": frozenset(
        (
            *COMMON,
            "InputPath",
            "Parameters",
            "Arguments",
            "Branches",
            "ResultSelector",
            "ResultPath",
            "OutputPath",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "Next",
            "End",
        )
    ),
    "Map": frozenset(
        (
            *COMMON,
            "Label",
            "InputPath",
            "ItemReader",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "Parameters",
            "ItemBatcher",
            "ItemProcessor",
            "Iterator",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ResultWriter",
            "ResultSelector",
            "ResultPath",
            "OutputPath",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "Next",
            "End",
        )
    ),
}

# Fields that only a JSONPath state may use, and those only a JSONata state may use.
JSONPATH_ONLY = frozenset(
    (
        "InputPath",
        "Parameters",
        "Result",
        "ResultPath",
        "ResultSelector",
        "OutputPath",
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "ErrorPath",
        "CausePath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCountPath",
    )
)
JSONATA_ONLY = frozenset(("Arguments", "Output", "Items"))

# Payload templates: JSON objects whose keys ending in ".$" hold paths or intrinsic calls.
PAYLOAD_TEMPLATES = ("Parameters", "ResultSelector", "ItemSelector")

# Fields holding a JSONPath (any path) and fields holding a reference path.
PATH_FIELDS = (
    "InputPath",
    "OutputPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
)
REFERENCE_PATH_FIELDS = ("ResultPath",)
# Fail's ErrorPath and CausePath also take an intrinsic function call.
PATH_OR_INTRINSIC_FIELDS = ("ErrorPath", "CausePath")

TOP_LEVEL_FIELDS = frozenset(("Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"))
BRANCH_FIELDS = frozenset(("Comment", "StartAt", "States"))
PROCESSOR_FIELDS = frozenset(("Comment", "StartAt", "States", "ProcessorConfig"))

RETRIER_FIELDS = frozenset(
    (
        "ErrorEquals",
        "Comment",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
    )
)
CATCHER_FIELDS = frozenset(("ErrorEquals", "Comment", "ResultPath", "Output", "Assign", "Next"))

PREDEFINED_ERRORS = frozenset(
    (
        "States.ALL",
        "States.DataLimitExceeded",
        "States.ExceedToleratedFailureThreshold",
        "States.HeartbeatTimeout",
        "States.Http.Socket",
        "States.IntrinsicFailure",
        "States.ItemReaderFailed",
        "States.NoChoiceMatched",
        "States.ParameterPathFailure",
        "States.Permissions",
        "States.ResultPathMatchFailure",
        "States.ResultWriterFailed",
        "States.Runtime",
        "States.Timeout",
        "States.TaskFailed",
        "States.BranchFailed",
        "States.QueryEvaluationError",
    )
)
