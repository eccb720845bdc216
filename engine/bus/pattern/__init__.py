"""EventBridge event patterns, as AWS evaluates them: the public face of the pattern modules.

- `test_event_pattern(pattern, event)`: EventBridge's TestEventPattern.
- `RuleSet`: many named patterns matched together (what a bus does for each event).
- `explain(pattern, event)`: which field failed and why (the designer's sandbox, the trace).
- `compile_pattern(pattern)`: validate once, reuse the result with any of the above.

Patterns are JSON text (repeated keys count, as AWS reads them) or dicts; a refused pattern raises
`InvalidEventPatternError` with AWS's message, a refused event `InvalidEventError`.

The bus reaches the matcher through `PatternEngine` (`matching`), so a bus can be built with
another matcher; `default_pattern_engine()` is this one.
"""

from engine.bus.pattern.compiled import CompiledPattern
from engine.bus.pattern.compiler import compile_pattern
from engine.bus.pattern.errors import InvalidEventError, InvalidEventPatternError
from engine.bus.pattern.match import explain, test_event_pattern
from engine.bus.pattern.matching import PatternEngine, RuleSetLike, default_pattern_engine
from engine.bus.pattern.ruleset import RuleSet

__all__ = [
    "CompiledPattern",
    "InvalidEventError",
    "InvalidEventPatternError",
    "PatternEngine",
    "RuleSet",
    "RuleSetLike",
    "compile_pattern",
    "default_pattern_engine",
    "explain",
    "test_event_pattern",
]
