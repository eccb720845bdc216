"""The real-world corpus (../shared/realworld): every file opens and exports, or is refused cleanly.

The corpus keeps each ASL file under a flattened name (`<repo>__<path>`), so a template's
`DefinitionUri` is found through the index (`definition_uri_targets`) rather than beside it;
a target the index does not have must give a located problem, not a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corpus_cases import REALWORLD, realworld_params, realworld_rows
from figures import Figures

from engine.asl.loader import parse_text, read_text_file
from engine.export import (
    ImportResult,
    asl_json,
    asl_yaml,
    check_references,
    cloudformation_template,
    import_asl,
    import_template,
    mermaid_state_machine,
    sam_template,
)
from engine.export.cloudformation.intrinsics import placeholders
from engine.export.mermaid import label as mermaid_label
from engine.project import project_to_value

ASL_FILES = realworld_params(lambda row: row["kind"] == "asl")
TEMPLATES = realworld_params(lambda row: row["kind"] == "template")
TOTAL = len(ASL_FILES) + len(TEMPLATES)
GROUP = "real-world"


@dataclass
class _Outcome:
    """One file's result for the figures: broken files count as refused cleanly when `ok`."""

    kind: str
    broken: bool
    ok: bool
    opened: bool = False
    machines: int = 0
    rules: int = 0


def _render(outcomes: list[_Outcome]) -> list[str]:
    """The ASL and template figures, and the two in one line when both ran."""
    lines, totals = [], []
    for kind in ("asl", "template"):
        rows = [o for o in outcomes if o.kind == kind]
        if not rows:
            continue
        broken = [o for o in rows if o.broken]
        good = [o for o in rows if not o.broken]
        refused = sum(o.ok for o in broken)
        opened = sum(o.ok for o in good) if kind == "asl" else sum(o.opened for o in good)
        totals.append((opened, len(good), refused, len(broken)))
        if kind == "asl":
            lines.append(
                f"real-world ASL: opened and exported {opened}/{len(good)}, "
                f"broken files refused cleanly {refused}/{len(broken)}"
            )
            continue
        machines, rules = sum(o.machines for o in good), sum(o.rules for o in good)
        lines.append(
            f"real-world templates: opened and exported {opened}/{len(good)} "
            f"({machines} state machines, {rules} rules; {len(good) - opened} opened with located problems), "
            f"broken files refused cleanly {refused}/{len(broken)}"
        )
    if len(totals) == 2:
        # Files opened with located problems count as not exported.
        opened, total, refused, broken = (sum(t[i] for t in totals) for i in range(4))
        lines.append(
            f"real-world: opened and exported {opened}/{total}, "
            f"broken files refused cleanly {refused}/{broken}"
        )
    return lines


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, Any]]:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; tests over it skipped")
    return {row["file"]: row for row in realworld_rows()}


def _resolver(row: dict[str, Any]) -> Callable[[str], Path | None]:
    targets = {t["uri"]: t["in_corpus"] for t in row.get("definition_uri_targets") or []}
    return lambda uri: REALWORLD / targets[uri] if targets.get(uri) else None


def _same_apart_from_placeholders(original: Any, imported: Any) -> bool:
    """Equal, except that strings holding `${...}` may have had project values put in."""
    if isinstance(original, str) and placeholders(original):
        return isinstance(imported, str)
    if isinstance(original, dict):
        return (
            isinstance(imported, dict)
            and len(original) == len(imported)
            and all(_same_apart_from_placeholders(original[k], imported.get(k)) for k in original)
        )
    if isinstance(original, list):
        return (
            isinstance(imported, list)
            and len(original) == len(imported)
            and all(_same_apart_from_placeholders(a, b) for a, b in zip(original, imported, strict=True))
        )
    return original == imported


def _charted(definition: dict[str, Any]) -> bool:
    """The Mermaid chart shows every state, at every level of nesting, as a quoted label."""
    chart = mermaid_state_machine(definition)

    def names(scope: Any) -> list[str]:
        inner = scope.get("States") if isinstance(scope, dict) else None
        # A non-object under States (one file has `"QueryLanguage": "JSONata"` there) is no state.
        found = [k for k, v in inner.items() if isinstance(v, dict)] if isinstance(inner, dict) else []
        for state in inner.values() if isinstance(inner, dict) else []:
            if not isinstance(state, dict):
                continue
            for branch in state.get("Branches") or []:
                found += names(branch)
            found += names(state.get("ItemProcessor") or state.get("Iterator"))
        return found

    return chart.startswith("flowchart") and all(f'"{mermaid_label(n)}' in chart for n in names(definition))


def _asl_problem(row: dict[str, Any]) -> str | None:
    """What is wrong with opening and exporting one ASL file (or refusing a broken one), or None."""
    path = REALWORLD / row["file"]
    result = import_asl(path)
    if row["parse"] == "FAILED":
        (problem,) = result.errors
        if problem.file == str(path) and problem.location.startswith("line ") and not result.definitions:
            return None
        return f"not refused cleanly: {problem}"
    if result.problems or len(result.definitions) != 1:
        return str([str(p) for p in result.problems])
    (definition,) = result.definitions.values()
    source = parse_text(read_text_file(path), prefer="yaml" if path.suffix in (".yaml", ".yml") else "json")
    if definition != source.value:
        return "the imported definition differs from the file"
    if json.loads(asl_json(definition)) != definition:
        return "ASL JSON export differs after parsing"
    if parse_text(asl_yaml(definition), prefer="yaml").value != definition:
        return "ASL YAML export differs after parsing"
    if not _charted(definition):
        return "the Mermaid chart misses states"
    return None


@pytest.mark.parametrize("row", ASL_FILES)
def test_asl_file_opens_and_exports_or_is_refused(row: dict[str, Any], figures: Figures) -> None:
    problem = _asl_problem(row)
    outcome = _Outcome("asl", row["parse"] == "FAILED", problem is None)
    figures.record(GROUP, row["file"], outcome, render=_render, total=TOTAL)
    assert problem is None, f"{row['file']}: {problem}"


def _imported_ok(row: dict[str, Any], result: ImportResult) -> list[str]:
    """What is wrong with an import, judged against the index's facts about the template."""
    wrong = []
    unreadable = {p.location.split("/")[2] for p in result.errors if p.location.startswith("/Resources/")}
    expected = {m["id"] for m in row["state_machines"]} - unreadable
    if set(result.project.state_machines) != expected:
        wrong.append(f"state machines {sorted(result.project.state_machines)} != {sorted(expected)}")
    with_pattern = [r for r in result.project.rules.values() if r.event_pattern is not None]
    if len(with_pattern) < row["event_rules_with_pattern"]:
        wrong.append(
            f"{len(with_pattern)} rules with patterns, the index has {row['event_rules_with_pattern']}"
        )
    for target in row.get("definition_uri_targets") or []:
        if not target["in_corpus"]:
            continue
        file = REALWORLD / target["in_corpus"]
        source = parse_text(read_text_file(file), prefer="yaml" if file.suffix == ".yaml" else "json").value
        if not any(_same_apart_from_placeholders(source, d) for d in result.definitions.values()):
            wrong.append(f"no imported definition matches {target['in_corpus']}")
    for name, definition in result.definitions.items():
        if json.loads(asl_json(definition)) != definition:
            wrong.append(f"{name}: ASL export differs after parsing")
    return wrong


def _round_trip(result: ImportResult, tmp_path: Path) -> list[str]:
    """Export as CloudFormation and SAM, check references, import again, compare."""
    wrong = []
    before = project_to_value(result.project)
    for label, exporter in (("cloudformation", cloudformation_template), ("sam", sam_template)):
        exported = exporter(result.project, substitutions=result.substitutions)
        wrong += [f"{label}: {p}" for p in check_references(exported.template)]
        again = import_template(exported.write(tmp_path / label))
        after = project_to_value(again.project)
        for section in ("stateMachines", "rules", "buses", "queues", "topics", "functions"):
            if before.get(section) != after.get(section):
                wrong.append(f"{label}: {section} differ after export and import")
        if again.errors:
            wrong.append(f"{label}: {[str(p) for p in again.errors]}")
    return wrong


@pytest.mark.parametrize("row", TEMPLATES)
def test_template_opens_and_exports_or_is_refused(
    row: dict[str, Any], figures: Figures, tmp_path: Path
) -> None:
    path = REALWORLD / row["file"]
    result = import_template(path, resolve_uri=_resolver(row))
    if row["parse"] == "FAILED":
        (problem,) = result.errors
        refused = problem.file == str(path) and problem.location.startswith("line ")
        figures.record(GROUP, row["file"], _Outcome("template", True, refused), render=_render, total=TOTAL)
        assert refused, f"{row['file']}: not refused cleanly: {problem}"
        return
    # Anything left out is said with a place in the template, never as a traceback.
    wrong = [
        f"unclear problem {problem}"
        for problem in result.problems
        if not problem.location.startswith(("/Resources/", "line ")) or "Traceback" in problem.message
    ]
    wrong += _imported_ok(row, result)
    if not result.errors:
        wrong += _round_trip(result, tmp_path)
    outcome = _Outcome(
        "template",
        False,
        not wrong,
        opened=not wrong and not result.errors,
        machines=len(result.project.state_machines),
        rules=len(result.project.rules),
    )
    figures.record(GROUP, row["file"], outcome, render=_render, total=TOTAL)
    assert not wrong, "\n".join(f"{row['file']}: {w}" for w in wrong)


def test_definition_uri_that_is_missing_or_in_s3_is_located(corpus) -> None:
    located = []
    for row in corpus.values():
        if row["kind"] != "template":
            continue
        missing = [t for t in row.get("definition_uri_targets") or [] if not t["in_corpus"]]
        s3 = [m for m in row["state_machines"] if m["def"] == "DefinitionUri(S3 object)"]
        if not missing and not s3:
            continue
        result = import_template(REALWORLD / row["file"], resolve_uri=_resolver(row))
        for problem in result.errors:
            assert problem.location.endswith("/Properties/DefinitionUri"), problem
            located.append(problem)
    assert len(located) >= 3
    assert any("does not exist" in p.message for p in located)
    assert any("S3" in p.message for p in located)
