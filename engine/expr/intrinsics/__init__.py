"""Step Functions' intrinsic functions (``States.Format(...)`` and the other 17).

`parser` turns a call's text into an `IntrinsicCall`, `evaluator` computes its value (and renders
``States.Format`` the way Java does), `functions` holds the function bodies and argument checks.
JSONata's Step Functions additions reuse some of those limits, so they are exported too.
"""

from engine.expr.intrinsics.evaluator import IntrinsicError, evaluate_intrinsic
from engine.expr.intrinsics.functions import ARRAY_RANGE_LIMIT, HASH_ALGORITHMS
from engine.expr.intrinsics.parser import (
    INTRINSIC_ARITY,
    INTRINSIC_FUNCTIONS,
    IntrinsicArg,
    IntrinsicCall,
    Literal,
    StringLiteral,
    looks_like_intrinsic,
    parse_intrinsic,
)

__all__ = [
    "ARRAY_RANGE_LIMIT",
    "HASH_ALGORITHMS",
    "INTRINSIC_ARITY",
    "INTRINSIC_FUNCTIONS",
    "IntrinsicArg",
    "IntrinsicCall",
    "IntrinsicError",
    "Literal",
    "StringLiteral",
    "evaluate_intrinsic",
    "looks_like_intrinsic",
    "parse_intrinsic",
]
