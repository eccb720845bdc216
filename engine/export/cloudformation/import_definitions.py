"""State machine definitions out of templates, in every form people write them.

`Definition` (an object, possibly holding intrinsics), `DefinitionString` (text, an `Fn::Sub`
of text, or CDK's `Fn::Join` of text pieces and `Ref`/`Fn::GetAtt`), and SAM's `DefinitionUri`
(a file relative to the template). `DefinitionSubstitutions` and the `Fn::Sub` variable map
bind `${...}` placeholders; those naming the project's own resources are replaced by the
values the project gives them, the others are kept, as strings, and recorded.
"""

from __future__ import annotations

import re
from typing import Any

from engine.asl import DefinitionLoadError, parse_text
from engine.export.asl_text import read_definition
from engine.export.cloudformation.import_context import TemplateContext
from engine.export.cloudformation.intrinsics import (
    PLACEHOLDER,
    Flattener,
    is_intrinsic,
    is_plain_name,
    map_strings,
    placeholders,
    strings_in,
)
from engine.export.problems import pointer
from engine.project import OutsideProjectError, confined_path


def quote_bare_placeholders(text: str) -> str:
    """JSON text with `${X}` written outside strings (`"Max": ${Max}`) turned into strings.

    Such text is only JSON once the placeholder is filled; keeping the placeholder as a string
    lets the definition open, and the placeholder is still there for deploy time.
    """
    out: list[str] = []
    in_string = escaped = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "$" and text.startswith("${", i):
            end = text.find("}", i)
            if end != -1:
                out.append('"' + text[i : end + 1] + '"')
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_definition_text(text: str, source: str) -> Any:
    """A definition's JSON value from text that may still hold placeholders."""
    try:
        return parse_text(text, source=source).value
    except DefinitionLoadError:
        quoted = quote_bare_placeholders(text)
        if quoted == text:
            raise
        return parse_text(quoted, source=source).value


def _located(exc: DefinitionLoadError, where: str) -> str:
    message = exc.message.split("\n at [Source", 1)[0]
    if exc.line is not None:
        return f"{where} (line {exc.line} of the definition text): {message}"
    return f"{where}: {message}"


def machine_definition(
    ctx: TemplateContext, logical: str, props: dict[str, Any], name: str
) -> dict[str, Any] | None:
    """The ASL of one state machine resource, placeholders resolved where the project can.

    Problems (missing file, S3 location, text that is not JSON) go to the result, located at
    the property; the return is None then.
    """
    base = pointer("Resources", logical, "Properties")
    flattener = Flattener()
    value: Any = None
    where = base
    if "Definition" in props:
        where = f"{base}/Definition"
        value = flattener.walk(props["Definition"])
    elif "DefinitionString" in props:
        where = f"{base}/DefinitionString"
        text = flattener.text(props["DefinitionString"])
        try:
            value = parse_definition_text(text, str(ctx.path))
        except DefinitionLoadError as exc:
            ctx.result.problem(where, _located(exc, "the definition text is not JSON"))
            return None
    elif "DefinitionUri" in props:
        where = f"{base}/DefinitionUri"
        value = _from_uri(ctx, props["DefinitionUri"], where)
        if value is None:
            return None
    elif "DefinitionS3Location" in props:
        ctx.result.problem(
            f"{base}/DefinitionS3Location",
            "the definition is an S3 object, which StateCanvas cannot read; "
            "download it and point DefinitionUri at the file",
        )
        return None
    else:
        ctx.result.problem(base, "the state machine has no Definition, DefinitionString or DefinitionUri")
        return None
    if not isinstance(value, dict):
        ctx.result.problem(where, "a state machine definition must be a JSON object")
        return None
    variables = dict(flattener.variables)
    subs = props.get("DefinitionSubstitutions")
    if isinstance(subs, dict):
        variables.update({str(k): v for k, v in subs.items()})
    elif subs is not None:
        ctx.result.problem(
            f"{base}/DefinitionSubstitutions", "DefinitionSubstitutions is not an object; ignored", "warning"
        )
    leftover: dict[str, Any] = {}
    value = map_strings(value, lambda s: ctx.resolve_text(s, variables, leftover))
    renames = ctx.metadata(logical).get("Placeholders")
    if isinstance(renames, dict) and renames:
        value, leftover = restore_names(value, leftover, renames)
    used = {p for s in strings_in(value) for p in placeholders(s)}
    recorded = {k: v for k, v in leftover.items() if k in used}
    if recorded:
        ctx.result.substitutions[f"stateMachine:{name}"] = recorded
    return value


def restore_names(
    value: Any, leftover: dict[str, Any], renames: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Undo export's renaming of placeholders that could not be template variables (`${X.Arn}`)."""
    names = {}
    for key, item in renames.items():
        # Written {project name: template name}; read the other way round too (older exports).
        new, old = (str(item), str(key)) if is_plain_name(str(item)) else (str(key), str(item))
        names[new] = old

    def rename(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: "${" + names.get(m.group(1).strip(), m.group(1)) + "}", text)

    # Names that needed renaming were never substitution keys: export bound them itself.
    restored = {k: v for k, v in leftover.items() if k not in names}
    return map_strings(value, rename), restored


def _from_uri(ctx: TemplateContext, uri: Any, where: str) -> dict[str, Any] | None:
    if isinstance(uri, dict) and not is_intrinsic(uri):
        ctx.result.problem(
            where,
            "DefinitionUri is an S3 object (Bucket/Key), which StateCanvas cannot read; "
            "download it and point DefinitionUri at the file",
        )
        return None
    if not isinstance(uri, str):
        ctx.result.problem(
            where, "DefinitionUri is computed by an intrinsic function; StateCanvas needs a file path"
        )
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*://", uri):
        ctx.result.problem(
            where,
            f"DefinitionUri {uri!r} is not a local file, which StateCanvas cannot read; "
            "download it and point DefinitionUri at the file",
        )
        return None
    path = ctx.resolve_uri(uri) if ctx.resolve_uri else None  # the user's own choice of file
    if path is None:
        try:
            path = confined_path(ctx.path.parent, uri, "DefinitionUri", place="the template's folder")
        except OutsideProjectError as exc:
            ctx.result.problem(where, str(exc))
            return None
    if not path.is_file():
        ctx.result.problem(
            where,
            f"DefinitionUri {uri!r} points at {path}, which does not exist "
            "(paths are relative to the template)",
        )
        return None
    return read_definition(path, ctx.result)
