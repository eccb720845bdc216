"""JSONPath as Step Functions evaluates it: Jayway's dialect plus ``$$`` and ``$name`` variables.

`paths` is the entry point (parse once and memoise, evaluate, write a result at a ResultPath);
`path_parser`/`path_ast`/`path_eval` handle the path itself and `filter_parser`/`filter_ast`/
`filter_eval` the ``[?(...)]`` filter language inside it; `result_path` places a result into the
input. Other packages import from here; the AST classes are exported because callers walk parsed
paths (variable references, input transformers, the data-flow view).
"""

from engine.expr.jsonpath.filter_eval import json_equal
from engine.expr.jsonpath.path_ast import (
    CONTEXT,
    ROOT,
    Call,
    DeepScan,
    Filter,
    Index,
    Indices,
    Name,
    Names,
    Path,
    Segment,
    Slice,
    Wildcard,
)
from engine.expr.jsonpath.paths import evaluate, parse_path, set_at_reference_path

__all__ = [
    "CONTEXT",
    "ROOT",
    "Call",
    "DeepScan",
    "Filter",
    "Index",
    "Indices",
    "Name",
    "Names",
    "Path",
    "Segment",
    "Slice",
    "Wildcard",
    "evaluate",
    "json_equal",
    "parse_path",
    "set_at_reference_path",
]
