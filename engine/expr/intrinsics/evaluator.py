"""Evaluation of the 18 Step Functions intrinsic functions (``States.Format`` and friends).

The parser (``parser``) turns the text into an ``IntrinsicCall``;
this module computes its value. Path arguments are resolved through a
callback the interpreter supplies, because only the interpreter knows the
state input, the context object and the variables in scope, and only it
can word a missing path the way AWS does for the field being evaluated.

Behaviour follows what AWS records in the conformance corpus:

* ``States.Format`` renders arguments with Java's ``String.valueOf``
  (objects as ``{Arg1=1, Arg2=[]}``, doubles as ``1.1``/``1.0E7``);
* ``States.JsonToString`` writes compact JSON (``{"Arg1":1,"Arg2":[]}``);
* ``States.StringToJson`` turns blank text into ``null``;
* ``States.MathAdd`` rounds each operand half-up (Java ``Math.round``)
  before adding: ``-2.5 + 0`` gives ``-2``, ``1.49 + 1.5`` gives ``3``;
* ``States.StringSplit`` treats every character of the second argument as a
  delimiter and drops empty pieces (Java ``StringTokenizer``);
* ``States.ArrayRange`` includes the end when the step lands on it.

Failures raise ``IntrinsicError`` (AWS error ``States.Runtime``); its message
is the text that follows AWS's "An error occurred while executing the state
'X' (entered at the event id #N). " prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine.expr.intrinsics.functions import (
    ARRAY_RANGE_LIMIT,
    FUNCTIONS,
    HASH_ALGORITHMS,
    RUNTIME_ERROR,
    IntrinsicError,
    argument_message,
    arity_message,
    json_equal,
)
from engine.expr.intrinsics.parser import (
    INTRINSIC_ARITY,
    IntrinsicArg,
    IntrinsicCall,
    Literal,
    StringLiteral,
    parse_intrinsic,
)
from engine.expr.jsonpath import Path
from engine.values import java_to_string

__all__ = [
    "ARRAY_RANGE_LIMIT",
    "HASH_ALGORITHMS",
    "RUNTIME_ERROR",
    "IntrinsicError",
    "evaluate_intrinsic",
    "json_equal",
]

type Resolver = Callable[[Path], Any]


def evaluate_intrinsic(call: IntrinsicCall | str, resolve: Resolver) -> Any:
    """Evaluate an intrinsic call (parsed, or its text) and return its JSON value.

    ``resolve`` evaluates a path argument (``$``, ``$$`` or ``$var`` rooted);
    whatever it raises (e.g. a missing path) propagates unchanged.
    Raises ``IntrinsicError`` when a function rejects its arguments and
    ``IntrinsicSyntaxError`` when given text that does not parse.
    """
    if isinstance(call, str):
        call = parse_intrinsic(call)
    return _Evaluator(resolve).call(call)


class _Evaluator:
    """Walks one call tree; holds the resolver so nested calls share it."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    def call(self, call: IntrinsicCall) -> Any:
        minimum, maximum = INTRINSIC_ARITY[call.name]
        count = len(call.args)
        if count < minimum or (maximum is not None and count > maximum):
            raise IntrinsicError(arity_message(call.name, minimum, maximum, count), function=call.name)
        if call.name == "States.Format":
            return self.format(call)
        impl = FUNCTIONS[call.name]
        return impl(call.name, [self.value(arg) for arg in call.args])

    def value(self, arg: IntrinsicArg) -> Any:
        if isinstance(arg, IntrinsicCall):
            return self.call(arg)
        if isinstance(arg, StringLiteral):
            return arg.value
        if isinstance(arg, Literal):
            return arg.value
        return self.resolve(arg)

    def format(self, call: IntrinsicCall) -> str:
        """``States.Format``: the template's ``{}`` placeholders take the remaining arguments in order.

        A literal template keeps escaped braces (``\\{}``) out of the
        placeholders; a template read from a path is split at every ``{}``.
        """
        template_arg = call.args[0]
        if isinstance(template_arg, StringLiteral):
            pieces: Sequence[str] = template_arg.pieces
        else:
            template = self.value(template_arg)
            if not isinstance(template, str):
                raise IntrinsicError(argument_message(call.name, 0, "a string", template), function=call.name)
            pieces = template.split("{}")
        values = [self.value(arg) for arg in call.args[1:]]
        if len(values) != len(pieces) - 1:
            raise IntrinsicError(
                f"The number of arguments ({len(values)}) passed to {call.name} does not match "
                f"the number of placeholders ({len(pieces) - 1}) in its template.",
                function=call.name,
            )
        out = [pieces[0]]
        for value, piece in zip(values, pieces[1:], strict=True):
            out.append(java_to_string(value))
            out.append(piece)
        return "".join(out)
