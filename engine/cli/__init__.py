"""The headless commands of `statecanvas` (the entry point itself lives in designer/cli.py).

One module per command (`validate`, `run`, `debug`, `test_state`, `events` for put-events and
test-pattern, `export`, `deploy`, `serve`), and what they share: the exit codes and usage errors
(`usage`), reading definitions and inputs (`definitions`), the `--handler` option (`handlers`) and
PROJECT arguments (`project`). `main` builds the parser and runs a command; `python -m engine`
calls it.

Exit codes are part of the contract: 0 success, 1 the input was understood and refused
(an invalid definition, a failed run), 2 bad usage or input that could not be read.
"""

from engine.cli.main import add_engine_commands, build_parser, main, run_parsed
from engine.cli.project import project_file
from engine.cli.usage import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UsageError

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "UsageError",
    "add_engine_commands",
    "build_parser",
    "main",
    "project_file",
    "run_parsed",
]
