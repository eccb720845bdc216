"""Expression layer of the StateCanvas engine: JSONPath, intrinsic functions and JSONata.

Import from here rather than from the submodules; the split into modules is
an implementation detail that may change as the layer grows.
"""

from engine.expr.errors import (
    ExprError,
    IntrinsicSyntaxError,
    PathNotFoundError,
    PathSyntaxError,
    ResultPathMatchError,
)
from engine.expr.intrinsic_parser import (
    INTRINSIC_ARITY,
    INTRINSIC_FUNCTIONS,
    IntrinsicArg,
    IntrinsicCall,
    Literal,
    StringLiteral,
    looks_like_intrinsic,
    parse_intrinsic,
)
from engine.expr.intrinsics import IntrinsicError, evaluate_intrinsic
from engine.expr.jsonata_eval import (
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
from engine.expr.jsonpath import evaluate, parse_path, set_at_reference_path
from engine.expr.path_ast import CONTEXT, ROOT, Path

__all__ = [
    "CONTEXT",
    "INTRINSIC_ARITY",
    "INTRINSIC_FUNCTIONS",
    "ROOT",
    "UNDEFINED",
    "ExprError",
    "IntrinsicArg",
    "IntrinsicCall",
    "IntrinsicError",
    "IntrinsicSyntaxError",
    "JsonataEvaluationError",
    "JsonataResultTypeError",
    "JsonataSyntaxError",
    "Literal",
    "Path",
    "PathNotFoundError",
    "PathSyntaxError",
    "ResultPathMatchError",
    "StringLiteral",
    "compile_jsonata",
    "describe_undefined",
    "describe_unexpected_type",
    "describe_unsupported_result",
    "evaluate",
    "evaluate_intrinsic",
    "evaluate_jsonata",
    "jsonata_to_json",
    "looks_like_intrinsic",
    "parse_intrinsic",
    "parse_path",
    "set_at_reference_path",
]
