"""Expression layer of the StateCanvas engine: JSONPath, intrinsic functions and JSONata.

One sub-package per language (`jsonpath`, `intrinsics`, `jsonata`); what they share sits beside
them: `errors` (the exception family) and `user_regex` (user-written regexes in bounded time).
Values are rendered as Step Functions' Java runtime prints them by `engine.values`. Import from here
or from a language's package rather than from the modules inside it.
"""

from typing import TYPE_CHECKING

from engine.expr.errors import (
    ExprError,
    IntrinsicSyntaxError,
    PathNotFoundError,
    PathSyntaxError,
    ResultPathMatchError,
)
from engine.expr.intrinsics import (
    INTRINSIC_ARITY,
    INTRINSIC_FUNCTIONS,
    IntrinsicArg,
    IntrinsicCall,
    IntrinsicError,
    Literal,
    StringLiteral,
    evaluate_intrinsic,
    looks_like_intrinsic,
    parse_intrinsic,
)
from engine.expr.jsonpath import CONTEXT, ROOT, Path, evaluate, parse_path, set_at_reference_path
from engine.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from engine.expr.jsonata import (
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

__getattr__ = lazy_exports(__name__, dict.fromkeys(_JSONATA_EXPORTS, "engine.expr.jsonata"))


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
