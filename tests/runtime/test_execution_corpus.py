"""Every execution case of the AWS-recorded corpus, run on the bundled engine: one test per case.

Cases that call AWS resources are served by mocks rebuilt from their recorded task results.
Figures by category go to the end-of-run summary, with every failure and its reason.

A clean case (resource-free, exact, not timing-dependent) must match AWS. A case that is not
clean, or whose expected output holds a masked random value, may fail for reasons outside the
engine (a resource it needs, a recording no engine can reproduce): such a failure is an
expected failure naming the reason, listed in the summary and among the figures. Together
those may not bring the corpus under 95%.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from corpus_cases import asl_params
from figures import Figures

from engine.testing.corpus_runner import CaseResult, is_clean, run_case, summarize

CASES = asl_params(lambda case: case["kind"] == "execution")
GROUP = "execution corpus"


def _unverifiable(case: dict[str, Any]) -> bool:
    """A case whose expected output holds a literal the recorder substituted for a random value.

    Its `masking` names the nondeterministic intrinsic and a literal placeholder (not a `<...>`
    wildcard) standing for the value it produced: no engine can reproduce that literal.
    """
    masking = case.get("masking") or {}
    literals = [p for p in masking.get("placeholders_in_expected") or [] if not str(p).startswith("<")]
    return bool(masking.get("nondeterministic_intrinsics")) and bool(literals)


def _why_not_checkable(case: dict[str, Any]) -> str | None:
    """Why a failure of this case is expected rather than the engine's fault; None for a clean case."""
    if _unverifiable(case):
        intrinsics = ", ".join(case["masking"]["nondeterministic_intrinsics"])
        return f"unverifiable: the expected output holds a masked random value ({intrinsics})"
    if is_clean(case):
        return None
    flags = [
        ("uses AWS resources", not case.get("resource_free")),
        ("its expected output is masked", not case.get("exact_checkable")),
        ("timing-dependent", bool(case.get("timing_dependent"))),
    ]
    return "not a clean case (" + ", ".join(text for text, on in flags if on) + ")"


def _render(outcomes: list[tuple[CaseResult, bool]]) -> list[str]:
    results = [result for result, _ in outcomes]
    lines = summarize(results)
    lines += [f"  FAILED {r.name}: {r.reason[:400]}" for r in results if not r.ok]
    unverifiable = sum(1 for r, unverifiable in outcomes if unverifiable and not r.ok)
    lines.append(f"unverifiable (expected output holds a masked random value): {unverifiable}")
    return lines


@pytest.mark.parametrize("case", CASES)
def test_execution_case_matches_aws(case: dict[str, Any], figures: Figures) -> None:
    result = asyncio.run(run_case(case))
    figures.record(GROUP, case["name"], (result, _unverifiable(case)), render=_render, total=len(CASES))
    if result.ok:
        return
    why_expected = _why_not_checkable(case)
    if why_expected is not None:
        pytest.xfail(f"{why_expected}: {result.reason[:400]}")
    pytest.fail(f"{case['name']}: {result.reason}", pytrace=False)


def test_the_corpus_holds_718_clean_execution_cases() -> None:
    cases = [p.values[0] for p in CASES if p.values[0] is not None]
    if not cases:
        pytest.skip("the conformance corpus is absent")
    assert len([c for c in cases if is_clean(c)]) == 718


def test_at_least_95_percent_of_execution_cases_match_aws(figures: Figures) -> None:
    """Expected failures included, the corpus as a whole stays at 95% or more (after its cases)."""
    if not figures.complete(GROUP):
        pytest.skip("not every execution case ran in this session")
    results = [result for result, _ in figures.outcomes(GROUP)]
    assert sum(r.ok for r in results) >= 0.95 * len(results), f"{sum(r.ok for r in results)}/{len(results)}"
