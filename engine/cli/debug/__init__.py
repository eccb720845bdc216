"""`statecanvas debug`: the terminal debugger, one command per line on standard input.

`command` reads the commands and drives the session; `breaks` parses breakpoints and `print`
expressions, `threads` shows pauses and switches between branches and iterations, `hops` steps a
project's choreography (bus, queue, topic, consumer, started execution), `history` prints the
execution history as a table.
"""

from engine.cli.debug.command import add_debug_command, cmd_debug

__all__ = ["add_debug_command", "cmd_debug"]
