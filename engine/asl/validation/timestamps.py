"""RFC 3339 timestamps as Step Functions accepts them (Wait's `Timestamp`, Choice's timestamp rules).

Validation and the runtime both ask this one question, so it lives apart from the state rules:
the Choice rule checks need it without importing the state walk that calls them.
"""

import re
from datetime import datetime

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def is_rfc3339(text: str) -> bool:
    match = _RFC3339.fullmatch(text)
    if not match:
        return False
    try:
        datetime(*(int(match.group(i)) for i in range(1, 7)))
    except ValueError:
        return False
    offset = match.group(8)
    if offset not in ("Z", "z"):
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return False
    return True
