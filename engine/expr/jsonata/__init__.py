"""JSONata for ``QueryLanguage: JSONata`` states, on jsonata-python, with Step Functions' additions.

`evaluator` evaluates one ``{% ... %}`` body and words its failures as AWS does, `functions` holds
the functions Step Functions adds (and the one it removes), `library` is the one import of
jsonata-python (undoing its process-wide recursion-limit change). Importing this package loads
jsonata-python (~90 ms), which is why `engine.expr` loads it only on first use.
"""

from engine.expr.jsonata.evaluator import (
    UNDEFINED,
    JsonataEvaluationError,
    JsonataResultTypeError,
    JsonataSyntaxError,
    compile_jsonata,
    describe_undefined,
    describe_unexpected_type,
    describe_unsupported_result,
    evaluate_jsonata,
    jsonata_to_json,
)
from engine.expr.jsonata.functions import SFN_FUNCTIONS
from engine.expr.jsonata.library import Jsonata, jsonata

__all__ = [
    "SFN_FUNCTIONS",
    "UNDEFINED",
    "Jsonata",
    "JsonataEvaluationError",
    "JsonataResultTypeError",
    "JsonataSyntaxError",
    "compile_jsonata",
    "describe_undefined",
    "describe_unexpected_type",
    "describe_unsupported_result",
    "evaluate_jsonata",
    "jsonata",
    "jsonata_to_json",
]
