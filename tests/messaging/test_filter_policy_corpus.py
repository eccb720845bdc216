"""SNS filter policies against AWS's recorded answers (``shared/conformance/sns-filter-policies``).

Target: every case. ``match`` cases compare the delivery decision; ``validate`` cases compare the
verdict and, for refusals, AWS's message exactly, both the reason line (``error.message``) and the
raw text with the parser's location line (``error.message_raw``). AWS words a reason differently
for ``Subscribe`` (``Invalid parameter: Attributes Reason: FilterPolicy: ...``) and
``SetSubscriptionAttributes`` (``Invalid parameter: FilterPolicy: ...``); a case does not name
its call, so the call is read from the recorded wording and our message for that call must then
equal AWS's character for character. The policy is given as ``policy_wire`` (the exact text sent
to AWS) so repeated keys behave as they did there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.messaging.sns import test_filter_policy, validate_filter_policy
from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError, SubscriptionApi

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "sns-filter-policies"
SUBSCRIBE_PREFIX = "Invalid parameter: Attributes Reason: "


def _cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case["_file"] = path.name
        cases.append(case)
    return cases


def _check(case: dict[str, Any]) -> str | None:
    """``None`` if we agree with AWS on this case, else what differs."""
    policy = case["policy_wire"] if case.get("policy_wire") is not None else case["policy"]
    scope = case["scope"]
    if case["kind"] == "match":
        got = test_filter_policy(policy, case["message"], case["message_attributes"], scope)
        return None if got == case["expected"] else f"delivered={got}, AWS delivered={case['expected']}"
    try:
        validate_filter_policy(policy, scope)
    except InvalidFilterPolicyError as error:
        if case["expected"] != "InvalidParameter":
            return f"refused ({error}), AWS accepted it"
        recorded = case["error"]
        api: SubscriptionApi = (
            "Subscribe" if recorded["message"].startswith(SUBSCRIBE_PREFIX) else ("SetSubscriptionAttributes")
        )
        if error.code != recorded["code"]:
            return f"code {error.code!r}, AWS {recorded['code']!r}"
        if error.message_for(api) != recorded["message"]:
            return f"message {error.message_for(api)!r}, AWS {recorded['message']!r}"
        if error.message_for(api, with_location=True) != recorded["message_raw"]:
            return (
                f"raw message {error.message_for(api, with_location=True)!r}, AWS {recorded['message_raw']!r}"
            )
        return None
    return None if case["expected"] == "valid" else f"accepted, AWS refused it: {case['error']['message']}"


def test_sns_filter_policy_corpus(report_figure: Any) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the SNS filter-policy corpus is not at {CORPUS}; corpus test skipped")
    cases = _cases()
    assert cases, f"no cases in {CORPUS}"
    failures = [(case["_file"], why) for case in cases if (why := _check(case)) is not None]
    passed = len(cases) - len(failures)
    kinds = {kind: sum(1 for case in cases if case["kind"] == kind) for kind in ("match", "validate")}
    report_figure(
        f"SNS filter policies: {passed}/{len(cases)} "
        f"({kinds['match']} match, {kinds['validate']} validate; refusals compared with AWS's exact message)"
    )
    for name, why in failures:
        report_figure(f"  SNS filter policy FAIL {name}: {why}")
    assert not failures, "\n".join(f"{name}: {why}" for name, why in failures)
