"""Static analysis of ASL workflow variables: which states read them and which assign them.

AWS reports the reads as ``variableReferences`` in DescribeStateMachine: a map from state
name to the variables that state reads. The designer's Variables panel shows the same map
next to the assignments, so a user can see where a variable comes from and who uses it
without running anything. Matching AWS matters because users compare the two.

What AWS's answer looks like (checked against the recorded conformance corpus):

* keys are bare state names, also for states nested in Parallel branches and Map item
  processors (state names are unique across the whole machine, so no path is needed);
* each list is sorted and free of duplicates, whatever the order of use in the state;
* states that read no variable are left out.

A state reads a variable wherever it evaluates an expression that names it:

* JSONPath states: ``$name...`` paths in ``InputPath``, ``OutputPath``, ``ItemsPath``, every
  other ``...Path`` field (``SecondsPath``, ``ErrorPath``, ``MaxItemsPath`` in an
  ``ItemReader``...), a choice rule's ``Variable`` and ``...Path`` comparisons, and the
  ``.$`` values of payload templates (``Parameters``, ``ResultSelector``, ``ItemSelector``,
  ``Assign``...), where an intrinsic function's path arguments count too. ``ResultPath`` is
  left out: it says where to write, it reads nothing.
* JSONata states: every ``{% %}`` expression; ``$name`` counts unless it is ``$states``,
  a built-in function, or a name the expression binds itself (``:=``, lambda parameters,
  ``@$x`` / ``#$i`` path bindings).

Text that does not parse is skipped rather than reported: the validator owns syntax errors,
and the panel should still show what the rest of the definition says.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final

from engine.expr import (
    ExprError,
    IntrinsicCall,
    Path,
    compile_jsonata,
    looks_like_intrinsic,
    parse_intrinsic,
    parse_path,
)

# From the JSONata package: the AWS extra functions the evaluator binds, and the project's single
# import point for jsonata-python (it undoes the package's recursion-limit side effect).
from engine.expr.jsonata import SFN_FUNCTIONS, Jsonata, jsonata
from engine.expr.jsonpath import DeepScan, Filter

__all__ = ["assigned_variables", "jsonata_free_variables", "variable_references"]

# Fields holding the states of a nested scope: they are analysed as states of their own.
_NESTED: Final = frozenset({"Branches", "ItemProcessor", "Iterator"})
# Fields whose content is never evaluated, so a ``.$`` key or a ``{% %}`` text inside is data.
_LITERAL: Final = frozenset({"Comment", "Result", "Type", "Next", "Default", "End", "QueryLanguage"})
# Payload templates: only their ``.$`` keys are expressions; a key such as ``FilePath`` is data.
_TEMPLATES: Final = frozenset(
    {"Parameters", "ResultSelector", "ItemSelector", "Assign", "BatchInput", "Arguments", "Output"}
)
# JSONata names that are never state-machine variables: ``$states`` is reserved by Step Functions,
# ``$`` (value "") is the context item and ``$$`` (value "$") the input root.
_RESERVED: Final = frozenset({"states", "", "$"})
# Built-in functions are variables to JSONata but not to Step Functions: jsonata's own library
# plus the functions AWS adds (``$partition``, ``$uuid``...).
_BUILTINS: Final = frozenset(Jsonata.static_frame.bindings) | frozenset(SFN_FUNCTIONS)
_SYMBOL: Final = jsonata.parser.Parser.Symbol  # every AST node is one
# Symbol attributes that hold child nodes; parent links (``ancestor``, ``seeking_parent``,
# ``slot``) are left out so the walk cannot loop.
_CHILD_ATTRIBUTES: Final = (
    "lhs",
    "rhs",
    "expression",
    "expressions",
    "steps",
    "stages",
    "predicate",
    "procedure",
    "arguments",
    "condition",
    "then",
    "_else",
    "terms",
    "group",
    "lhs_object",
    "rhs_object",
    "pattern",
    "update",
    "delete",
    "expr",
)


def variable_references(definition: dict[str, Any]) -> dict[str, list[str]]:
    """Map each state name to the sorted variables it reads, as DescribeStateMachine reports them.

    States that read none are omitted, as AWS omits them. States are listed in walk order
    (a scope's states in definition order, each followed by the states nested in it).
    """
    found: dict[str, set[str]] = {}
    for name, state, language in _walk_states(definition):
        reads = _state_reads(state, language)
        if reads:
            found.setdefault(name, set()).update(reads)
    return {name: sorted(names) for name, names in found.items()}


def assigned_variables(definition: dict[str, Any]) -> dict[str, list[str]]:
    """Map each state name to the sorted variables it may assign.

    These are the keys of the state's ``Assign``, of its choice rules' ``Assign`` and of its
    catchers' ``Assign``, with the JSONPath ``.$`` suffix removed: a state "assigns" a
    variable if any of its outcomes can, which is what a reader tracing a value needs.
    States that assign nothing are omitted, mirroring ``variable_references``.
    """
    found: dict[str, set[str]] = {}
    for name, state, _language in _walk_states(definition):
        names: set[str] = set()
        sources = [state, *_dicts(state.get("Choices")), *_dicts(state.get("Catch"))]
        for source in sources:
            assign = source.get("Assign")
            if isinstance(assign, dict):
                names.update(key.removesuffix(".$") for key in assign if isinstance(key, str))
        if names:
            found.setdefault(name, set()).update(names)
    return {name: sorted(names) for name, names in found.items()}


# -- walking the definition -------------------------------------------------------------------


def _walk_states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield (name, state, query language) for every state, nested scopes included.

    A state without ``QueryLanguage`` takes the machine's, also inside branches and item
    processors: the top-level setting is the one inner states inherit.
    """
    if not isinstance(definition, dict):
        return
    top = definition.get("QueryLanguage")
    top_language = top if isinstance(top, str) else "JSONPath"
    yield from _walk_scope(definition, top_language)


def _walk_scope(scope: dict[str, Any], top_language: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    states = scope.get("States")
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        own = state.get("QueryLanguage")
        yield name, state, own if isinstance(own, str) else top_language
        for branch in _dicts(state.get("Branches")):
            yield from _walk_scope(branch, top_language)
        for key in ("ItemProcessor", "Iterator"):
            processor = state.get(key)
            if isinstance(processor, dict):
                yield from _walk_scope(processor, top_language)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _state_reads(state: dict[str, Any], language: str) -> set[str]:
    names: set[str] = set()
    if language == "JSONata":
        _jsonata_fields(state, names)
    else:
        _jsonpath_fields(state, names)
    return names


# -- JSONPath states --------------------------------------------------------------------------


def _jsonpath_fields(obj: dict[str, Any], names: set[str]) -> None:
    """Structural fields of a state, a choice rule, a catcher or a sub-object such as ItemReader."""
    for key, value in obj.items():
        if not isinstance(key, str) or key in _NESTED or key in _LITERAL:
            continue
        if key.endswith(".$"):
            _expression_reads(value, names)
        elif key in _TEMPLATES:
            _template_reads(value, names)
        elif key == "Variable" or (key.endswith("Path") and key != "ResultPath"):
            _expression_reads(value, names)
        elif isinstance(value, dict):
            _jsonpath_fields(value, names)
        elif isinstance(value, list):
            for item in _dicts(value):
                _jsonpath_fields(item, names)


def _template_reads(value: Any, names: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                _expression_reads(item, names)
            else:
                _template_reads(item, names)
    elif isinstance(value, list):
        for item in value:
            _template_reads(item, names)


def _expression_reads(text: Any, names: set[str]) -> None:
    """A JSONPath-mode expression: a path or an intrinsic call; anything else reads nothing."""
    if not isinstance(text, str):
        return
    try:
        if looks_like_intrinsic(text):
            _intrinsic_reads(parse_intrinsic(text), names)
        elif text.startswith("$"):
            _path_reads(parse_path(text), names)
    except ExprError:
        return


def _intrinsic_reads(call: IntrinsicCall, names: set[str]) -> None:
    for arg in call.args:
        if isinstance(arg, IntrinsicCall):
            _intrinsic_reads(arg, names)
        elif isinstance(arg, Path):
            _path_reads(arg, names)


def _path_reads(path: Path, names: set[str]) -> None:
    """The path's own variable root, plus any variable-rooted path inside its filters."""
    if path.is_variable:
        names.add(path.root)
    for segment in path.segments:
        selector = segment.selector if isinstance(segment, DeepScan) else segment
        if isinstance(selector, Filter):
            _filter_reads(selector.expr, names)


def _filter_reads(node: Any, names: set[str]) -> None:
    # Filter nodes are small frozen dataclasses; their paths sit in `path`, their children in
    # `left`/`right`, `operand` and `operands` (see engine.expr.jsonpath.filter_ast).
    path = getattr(node, "path", None)
    if isinstance(path, Path):
        _path_reads(path, names)
    for attr in ("left", "right", "operand"):
        child = getattr(node, attr, None)
        if child is not None:
            _filter_reads(child, names)
    for child in getattr(node, "operands", ()) or ():
        _filter_reads(child, names)


# -- JSONata states ---------------------------------------------------------------------------


def _jsonata_fields(value: Any, names: set[str]) -> None:
    """Every ``{% %}`` text in the state's evaluated fields, at any depth."""
    if isinstance(value, str):
        if value.startswith("{%") and value.endswith("%}") and len(value) >= 4:
            names.update(jsonata_free_variables(value[2:-2]))
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NESTED and key not in _LITERAL:
                _jsonata_fields(item, names)
    elif isinstance(value, list):
        for item in value:
            _jsonata_fields(item, names)


@lru_cache(maxsize=2048)
def jsonata_free_variables(expression: str) -> frozenset[str]:
    """The workflow variables a JSONata expression (without its ``{% %}``) reads.

    Cached because the designer re-analyses the whole definition on every edit while most
    expressions are unchanged; parsing goes through ``compile_jsonata`` so the evaluator's
    parse cache is shared. An expression that does not parse, or nests too deeply to walk,
    reads nothing.
    """
    try:
        ast = compile_jsonata(expression).ast
        return frozenset(_FreeVariables().run(ast))
    except (ExprError, RecursionError):
        return frozenset()


class _FreeVariables:
    """Collects the variables an expression reads from outside itself.

    Scopes are a stack of frames (sets of bound names). A block opens a frame and binds in
    order, so ``($x := $x + 1)`` still reads the outer ``$x``. A lambda body runs later, when
    its enclosing blocks have finished binding (``$f := function($n){ $f($n - 1) }`` recurses
    through ``$f``), so bodies are visited once the whole expression has been walked, against
    the frames as they ended up.
    """

    def __init__(self) -> None:
        self.found: set[str] = set()
        self.deferred: list[tuple[Any, list[set[str]]]] = []

    def run(self, ast: Any) -> set[str]:
        self.visit(ast, [set()])
        while self.deferred:
            node, frames = self.deferred.pop()
            params = {arg.value for arg in node.arguments or () if getattr(arg, "type", None) == "variable"}
            self.visit(node.body, [*frames, params])
        return self.found

    def visit(self, node: Any, frames: list[set[str]]) -> None:
        if isinstance(node, list):
            for item in node:
                self.visit(item, frames)
            return
        if not isinstance(node, _SYMBOL):
            return
        kind = node.type
        if kind == "variable":
            self.read(node.value, frames)
            self.visit_children(node, frames)  # `$x[$i]` keeps its filter in `stages`
        elif kind == "bind":
            self.visit(node.rhs, frames)
            if getattr(node.lhs, "type", None) == "variable":
                frames[-1].add(node.lhs.value)
        elif kind == "lambda":
            self.deferred.append((node, frames))
        elif kind == "block":
            self.visit(node.expressions, [*frames, set()])
        elif kind == "path":
            self.visit_path(node, frames)
        else:
            self.visit_children(node, frames)

    def visit_path(self, node: Any, frames: list[set[str]]) -> None:
        # `@$x` and `#$i` bind for the rest of the path (later steps, filters, group-by).
        local: set[str] = set()
        inner = [*frames, local]
        for step in node.steps or ():
            for binding in (step.focus, step.index):
                if isinstance(binding, str):
                    local.add(binding)
            self.visit(step, inner)
        for attr in ("group", "stages", "predicate"):
            self.visit(getattr(node, attr, None), inner)

    def visit_children(self, node: Any, frames: list[set[str]]) -> None:
        for attr in _CHILD_ATTRIBUTES:
            child = getattr(node, attr, None)
            if child is not None:
                self.visit(child, frames)

    def read(self, name: Any, frames: list[set[str]]) -> None:
        if not isinstance(name, str) or name in _RESERVED or name in _BUILTINS:
            return
        if any(name in frame for frame in frames):
            return
        self.found.add(name)
