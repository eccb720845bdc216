"""The error SNS refuses a subscription filter policy with, worded the way AWS words it.

SNS reports every policy problem as ``InvalidParameter`` and the text is what tells a user what to
fix, so the local engine reproduces the text rather than inventing its own. AWS words the same
reason two ways depending on the call: ``SetSubscriptionAttributes`` says
``Invalid parameter: FilterPolicy: <reason>`` while ``Subscribe`` (whose policy travels inside
``Attributes``) says ``Invalid parameter: Attributes Reason: FilterPolicy: <reason>``. Parse errors
also carry the location line of the JSON parser AWS uses (``at [Source: (String)"..."; line: 1,
column: N]``); we keep that separately so callers can show either form.
"""

from __future__ import annotations

from typing import Literal

SubscriptionApi = Literal["SetSubscriptionAttributes", "Subscribe"]

#: Jackson, the parser behind SNS's messages, shows at most this many characters of the source.
_SOURCE_SHOWN = 500


class InvalidFilterPolicyError(ValueError):
    """A filter policy (or policy scope) SNS would refuse: ``str(e)`` is AWS's message.

    ``reason`` is the part after the attribute name (``Filter policy is too complex``); ``attribute``
    names the subscription attribute at fault (``FilterPolicy``, ``FilterPolicyScope``, or ``None``
    for the scope/nesting mismatch, which AWS reports without one). ``source`` and ``column`` are
    set when the parser located the problem, as AWS's raw message does.
    """

    code = "InvalidParameter"

    def __init__(
        self,
        reason: str,
        *,
        attribute: str | None = "FilterPolicy",
        source: str | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = reason
        self.attribute = attribute
        self.source = source
        self.column = column
        super().__init__(self.message_for("SetSubscriptionAttributes"))

    @property
    def message(self) -> str:
        """AWS's message as ``SetSubscriptionAttributes`` words it (the usual way to set a policy)."""
        return self.message_for("SetSubscriptionAttributes")

    @property
    def raw_message(self) -> str:
        """``message`` plus the parser's location line where AWS adds one."""
        return self.message_for("SetSubscriptionAttributes", with_location=True)

    def message_for(
        self, api: SubscriptionApi = "SetSubscriptionAttributes", *, with_location: bool = False
    ) -> str:
        """AWS's message for the call that carried the policy, optionally with the location line."""
        body = f"{self.attribute}: {self.reason}" if self.attribute else self.reason
        prefix = "Invalid parameter: Attributes Reason: " if api == "Subscribe" else "Invalid parameter: "
        text = prefix + body
        if with_location and self.source is not None and self.column is not None:
            text += f"\n at [Source: {_describe_source(self.source)}; line: 1, column: {self.column}]"
        return text

    def to_dict(self, api: SubscriptionApi = "SetSubscriptionAttributes") -> dict[str, str]:
        """The ``Error`` document of AWS's response (what boto3 puts in ``e.response``)."""
        return {"Code": self.code, "Message": self.message_for(api, with_location=True), "Type": "Sender"}


def _describe_source(source: str) -> str:
    """Jackson's description of a string source, truncated the way Jackson truncates it."""
    if len(source) <= _SOURCE_SHOWN:
        return f'(String)"{source}"'
    return f'(String)"{source[:_SOURCE_SHOWN]}"[truncated {len(source) - _SOURCE_SHOWN} chars]'
