"""Expression layer of the StateCanvas engine: JSONPath and intrinsic functions.

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
from engine.expr.jsonpath import evaluate, parse_path, set_at_reference_path
from engine.expr.path_ast import CONTEXT, ROOT, Path

__all__ = [
    "CONTEXT",
    "INTRINSIC_ARITY",
    "INTRINSIC_FUNCTIONS",
    "ROOT",
    "ExprError",
    "IntrinsicArg",
    "IntrinsicCall",
    "IntrinsicSyntaxError",
    "Literal",
    "Path",
    "PathNotFoundError",
    "PathSyntaxError",
    "ResultPathMatchError",
    "StringLiteral",
    "evaluate",
    "looks_like_intrinsic",
    "parse_intrinsic",
    "parse_path",
    "set_at_reference_path",
]
