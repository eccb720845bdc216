"""The one place that imports jsonata-python, without its side effect on the process.

Importing ``jsonata`` raises ``sys.setrecursionlimit`` to 10,000 for the whole
process (its static initialiser), which silently changes how deep other code
(the YAML loader, the validator) may recurse. The limit is put back right
after the import; ``evaluator`` raises it only while an expression runs.
"""

from __future__ import annotations

import sys

_limit = sys.getrecursionlimit()
import jsonata  # noqa: E402 - must run between reading and restoring the limit
from jsonata import JException, Jsonata, Timebox, Utils  # noqa: E402
from jsonata.functions import Functions  # noqa: E402
from jsonata.regex_engine import RegexFlags  # noqa: E402

sys.setrecursionlimit(_limit)

# What jsonata-python wants: its evaluator recurses through many Python frames per JSONata level.
JSONATA_RECURSION_LIMIT = 10_000

__all__ = [
    "JSONATA_RECURSION_LIMIT",
    "Functions",
    "JException",
    "Jsonata",
    "RegexFlags",
    "Timebox",
    "Utils",
    "jsonata",
]
