"""The real-world corpus (../shared/realworld): every file opens and exports, or is refused cleanly.

The corpus keeps each ASL file under a flattened name (`<repo>__<path>`), so a template's
`DefinitionUri` is found through the index (`definition_uri_targets`) rather than beside it;
a target the index does not have must give a located problem, not a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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

REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"
# (opened, openable, refused, broken) per kind, for the combined figure at the end.
_TOTALS: dict[str, tuple[int, int, int, int]] = {}


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict[str, Any]]:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; tests over it skipped")
    rows = json.loads((REALWORLD / "index.json").read_text(encoding="utf-8"))
    return {row["file"]: row for row in rows}


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


def test_every_asl_file_opens_and_exports_or_is_refused(corpus, report_figure) -> None:
    rows = [r for r in corpus.values() if r["kind"] == "asl"]
    opened, refused, failures = 0, 0, []
    broken = [r for r in rows if r["parse"] == "FAILED"]
    for row in rows:
        path = REALWORLD / row["file"]
        result = import_asl(path)
        if row["parse"] == "FAILED":
            (problem,) = result.errors
            if problem.file == str(path) and problem.location.startswith("line ") and not result.definitions:
                refused += 1
            else:
                failures.append(f"{row['file']}: not refused cleanly: {problem}")
            continue
        if result.problems or len(result.definitions) != 1:
            failures.append(f"{row['file']}: {[str(p) for p in result.problems]}")
            continue
        (definition,) = result.definitions.values()
        source = parse_text(
            read_text_file(path), prefer="yaml" if path.suffix in (".yaml", ".yml") else "json"
        )
        if definition != source.value:
            failures.append(f"{row['file']}: the imported definition differs from the file")
        elif json.loads(asl_json(definition)) != definition:
            failures.append(f"{row['file']}: ASL JSON export differs after parsing")
        elif parse_text(asl_yaml(definition), prefer="yaml").value != definition:
            failures.append(f"{row['file']}: ASL YAML export differs after parsing")
        elif not _charted(definition):
            failures.append(f"{row['file']}: the Mermaid chart misses states")
        else:
            opened += 1
    _TOTALS["asl"] = (opened, len(rows) - len(broken), refused, len(broken))
    report_figure(
        f"real-world ASL: opened and exported {opened}/{len(rows) - len(broken)}, "
        f"broken files refused cleanly {refused}/{len(broken)}"
    )
    assert not failures, "\n".join(failures)


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


def test_every_template_opens_and_exports_or_is_refused(corpus, report_figure, tmp_path: Path) -> None:
    rows = [r for r in corpus.values() if r["kind"] == "template"]
    opened = refused = machines = rules = 0
    broken = 0
    failures = []
    for i, row in enumerate(rows):
        path = REALWORLD / row["file"]
        result = import_template(path, resolve_uri=_resolver(row))
        if row["parse"] == "FAILED":
            broken += 1
            (problem,) = result.errors
            if problem.file == str(path) and problem.location.startswith("line "):
                refused += 1
            else:
                failures.append(f"{row['file']}: not refused cleanly: {problem}")
            continue
        # Anything left out is said with a place in the template, never as a traceback.
        for problem in result.problems:
            if not problem.location.startswith(("/Resources/", "line ")) or "Traceback" in problem.message:
                failures.append(f"{row['file']}: unclear problem {problem}")
        wrong = _imported_ok(row, result)
        if not result.errors:
            wrong += _round_trip(result, tmp_path / str(i))
        if wrong:
            failures += [f"{row['file']}: {w}" for w in wrong]
        elif not result.errors:
            opened += 1
        machines += len(result.project.state_machines)
        rules += len(result.project.rules)
    with_errors = len(rows) - broken - opened
    _TOTALS["templates"] = (opened, len(rows) - broken, refused, broken)
    report_figure(
        f"real-world templates: opened and exported {opened}/{len(rows) - broken} "
        f"({machines} state machines, {rules} rules; {with_errors} opened with located problems), "
        f"broken files refused cleanly {refused}/{broken}"
    )
    assert not failures, "\n".join(failures)


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


def test_combined_figure(corpus, report_figure) -> None:
    """The corpus in one line; files opened with located problems count as not exported."""
    if set(_TOTALS) != {"asl", "templates"}:
        pytest.skip("the ASL and template tests did not both run in this session")
    opened, total, refused, broken = (sum(t[i] for t in _TOTALS.values()) for i in range(4))
    report_figure(
        f"real-world: opened and exported {opened}/{total}, broken files refused cleanly {refused}/{broken}"
    )
    assert refused == broken
