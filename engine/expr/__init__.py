"""Expression layer of the StateCanvas engine: JSONPath, intrinsic functions and JSONata.

Import from here rather than from the submodules; the split into modules is
an implementation detail that may change as the layer grows.
"""

from typing import TYPE_CHECKING, Any

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
from engine.expr.jsonpath import evaluate, parse_path, set_at_reference_path
from engine.expr.path_ast import CONTEXT, ROOT, Path

if TYPE_CHECKING:
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

# Loaded on first use: importing jsonata-python costs ~90 ms, which JSONPath-only users need not pay.
_JSONATA_EXPORTS = frozenset(
    {
        "UNDEFINED",
        "JsonataEvaluationError",
        "JsonataResultTypeError",
        "JsonataSyntaxError",
        "compile_jsonata",
        "describe_undefined",
        "describe_unexpected_type",
        "describe_unsupported_result",
        "evaluate_jsonata",
        "jsonata_to_json",
    }
)


def __getattr__(name: str) -> Any:
    if name in _JSONATA_EXPORTS:
        from engine.expr import jsonata_eval

        return getattr(jsonata_eval, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
