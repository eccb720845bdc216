"""Lint exported templates with cfn-lint, in a process of its own: `python cfn_lint_corpus.py CASE...`.

A case is `example:<project folder or ASL file under resources/examples>` or
`realworld:<file in the corpus>`. For
each, the project (or the template's import) is exported as CloudFormation and as SAM, and each
export is linted in process through cfn-lint's Python API with one rules collection shared by
all cases (loading the rules costs more than linting a template). A finding counts only when
the original template (for corpus files) has no finding of the same rule: the export may carry
what the author's template already had, never add to it. Prints one JSON object per case.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cfnlint.api import ConfigMixIn, decode_str, run_template_by_data  # noqa: E402
from cfnlint.core import get_rules  # noqa: E402

from engine.export import cloudformation_template, import_asl, import_template, sam_template  # noqa: E402
from engine.export.cloudformation import sam_project  # noqa: E402
from engine.project.loader import load_project  # noqa: E402

REALWORLD = ROOT.parent / "shared" / "realworld"
EXAMPLES = ROOT / "resources" / "examples"
_RULES = get_rules([], [], ["I"], include_experimental=False)
_CONFIG = ConfigMixIn(regions=["us-east-1"])


def findings(text: str) -> list[tuple[str, str]]:
    """(rule ID, "path: message") for each error and warning cfn-lint reports on a template."""
    template, errors = decode_str(text)
    matches = errors if errors else list(run_template_by_data(template, _CONFIG, _RULES))
    return [
        (m.rule.id, f"{m.rule.id} {'/'.join(str(p) for p in m.path)}: {m.message}")
        for m in matches
        if m.rule.id[:1] in ("E", "W")
    ]


def _source(case: str) -> tuple[Any, dict[str, Any] | None, Path | None] | str:
    """(project, substitutions, original template) for a case, or why it has nothing to export."""
    kind, _, name = case.partition(":")
    if kind == "example":
        if (EXAMPLES / name).is_dir():
            (path,) = (EXAMPLES / name).glob("*.statecanvas.json")
            return load_project(path), None, None
        return import_asl(EXAMPLES / name).project, None, None
    rows = {row["file"]: row for row in json.loads((REALWORLD / "index.json").read_text(encoding="utf-8"))}
    row = rows[name]
    targets = {t["uri"]: t["in_corpus"] for t in row.get("definition_uri_targets") or []}
    result = import_template(
        REALWORLD / name, resolve_uri=lambda uri: REALWORLD / targets[uri] if targets.get(uri) else None
    )
    if result.errors:
        return f"StateCanvas imports it with problems ({result.errors[0]}); nothing whole to export"
    return result.project, result.substitutions, REALWORLD / name


def lint_case(case: str) -> dict[str, Any]:
    source = _source(case)
    if isinstance(source, str):
        return {"case": case, "skip": source}
    project, substitutions, original = source
    out: dict[str, Any] = {"case": case, "added": {}}
    before: set[str] | None = None
    for label, exporter in (("cloudformation", cloudformation_template), ("sam", sam_template)):
        text = exporter(project, substitutions=substitutions).text("yaml")
        found = findings(text)
        if found and original is not None and before is None:
            try:
                before = {
                    rule for rule, _ in findings(original.read_text(encoding="utf-8", errors="replace"))
                }
            except Exception as exc:  # cfn-lint itself fails on a few originals
                out["original"] = f"cfn-lint could not lint the original: {type(exc).__name__}: {exc}"
                before = set()
        out["added"][label] = [message for rule, message in found if rule not in (before or set())]
    if original is None:  # an example: its SAM application folder too (DefinitionUri, functions/)
        out["added"]["sam-folder"] = [
            message for _, message in findings(sam_project(project).export.text("yaml"))
        ]
    return out


if __name__ == "__main__":
    for case in sys.argv[1:]:
        print(json.dumps(lint_case(case)), flush=True)
