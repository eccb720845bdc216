"""What every command shares about ending: the exit codes and the error that means bad usage.

Exit codes are part of the contract: 0 success, 1 the input was understood and refused
(an invalid definition, a failed run), 2 bad usage or input that could not be read.
"""

from __future__ import annotations

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or unreadable input: the command stops, printing the message, and exits 2."""
