"""SNS filter policies against AWS's recorded answers (``shared/conformance/sns-filter-policies``).

Target: every case, each its own test. ``match`` cases compare the delivery decision;
``validate`` cases compare the verdict and, for refusals, AWS's message exactly, both the
reason line (``error.message``) and the raw text with the parser's location line
(``error.message_raw``). AWS words a reason differently for ``Subscribe`` (``Invalid
parameter: Attributes Reason: FilterPolicy: ...``) and ``SetSubscriptionAttributes``
(``Invalid parameter: FilterPolicy: ...``); a case does not name its call, so the call is
read from the recorded wording and our message for that call must then equal AWS's
character for character. The policy is given as ``policy_wire`` (the exact text sent to AWS)
so repeated keys behave as they did there.
"""

from __future__ import annotations

from typing import Any

import pytest
from corpus_cases import SNS_FILTER_POLICIES, case_id, folder_cases, params
from figures import Figures

from engine.messaging.sns import test_filter_policy, validate_filter_policy
from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError, SubscriptionApi

SUBSCRIBE_PREFIX = "Invalid parameter: Attributes Reason: "
CASES = params(SNS_FILTER_POLICIES.is_dir(), SNS_FILTER_POLICIES, lambda: folder_cases(SNS_FILTER_POLICIES))


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


def _render(outcomes: list[tuple[str, str, str | None]]) -> list[str]:
    """(case id, kind, what differs or None) for each case."""
    passed = sum(1 for _, _, why in outcomes if why is None)
    kinds = {kind: sum(1 for _, k, _ in outcomes if k == kind) for kind in ("match", "validate")}
    lines = [
        f"SNS filter policies: {passed}/{len(outcomes)} "
        f"({kinds['match']} match, {kinds['validate']} validate; refusals compared with AWS's exact message)"
    ]
    lines += [f"  SNS filter policy FAIL {name}.json: {why}" for name, _, why in outcomes if why is not None]
    return lines


@pytest.mark.parametrize("case", CASES)
def test_sns_filter_policy_case_agrees_with_aws(case: dict[str, Any], figures: Figures) -> None:
    why = _check(case)
    outcome = (case_id(case), case["kind"], why)
    figures.record("SNS filter policies", case_id(case), outcome, render=_render, total=len(CASES))
    assert why is None, why


def test_the_sns_corpus_has_cases() -> None:
    if not SNS_FILTER_POLICIES.is_dir():
        pytest.skip(f"the SNS filter-policy corpus is not at {SNS_FILTER_POLICIES}; corpus test skipped")
    assert folder_cases(SNS_FILTER_POLICIES), f"no cases in {SNS_FILTER_POLICIES}"
