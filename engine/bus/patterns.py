"""EventBridge event patterns, as AWS evaluates them: the public face of the pattern modules.

- `test_event_pattern(pattern, event)`: EventBridge's TestEventPattern.
- `RuleSet`: many named patterns matched together (what a bus does for each event).
- `explain(pattern, event)`: which field failed and why (the designer's sandbox, the trace).
- `compile_pattern(pattern)`: validate once, reuse the result with any of the above.

Patterns are JSON text (repeated keys count, as AWS reads them) or dicts; a refused pattern raises
`InvalidEventPatternError` with AWS's message, a refused event `InvalidEventError`.
"""

from engine.bus.pattern_compiler import CompiledPattern, compile_pattern
from engine.bus.pattern_errors import InvalidEventError, InvalidEventPatternError
from engine.bus.pattern_match import explain, test_event_pattern
from engine.bus.pattern_ruleset import RuleSet

__all__ = [
    "CompiledPattern",
    "InvalidEventError",
    "InvalidEventPatternError",
    "RuleSet",
    "compile_pattern",
    "explain",
    "test_event_pattern",
]
