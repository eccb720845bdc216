"""Wildcard patterns: parsing with AWS's error reasons, matching, and AWS's complexity limit.

A ``*`` matches any run of characters; ``\\*`` and ``\\\\`` are a literal star and backslash; any
other backslash is refused, and so are two stars in a row. AWS also refuses a field whose wildcards
could keep too many partial matches alive at once ("Rule is too complex"): it measures that on its
byte automaton, counting the states a worst-case input can occupy simultaneously. `complexity`
builds the same kind of automaton (one state per byte, a looping state per star, a star's
successor reachable from before the star) and explores every reachable set of states.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from engine.bus.pattern.values import PatternValueError
from engine.wildcard_match import WildcardPattern

__all__ = ["COMPLEXITY_LIMIT", "STAR", "check_complexity", "complexity", "parse_wildcard", "wildcard_regex"]

#: AWS refuses a field whose worst-case count of live wildcard states exceeds this.
COMPLEXITY_LIMIT = 10
STAR = -1
_OTHER = -2  # stands for every byte that no literal transition names


def parse_wildcard(text: str) -> list[int]:
    """The pattern as UTF-8 bytes with `STAR` for each wildcard; raises AWS's reasons.

    Positions in the reasons count bytes of the value as AWS stores it, wrapped in double
    quotes, hence the ``+ 1``.
    """
    data = text.encode("utf-8")
    out: list[int] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x2A:  # *
            if i + 1 < len(data) and data[i + 1] == 0x2A:
                raise PatternValueError(f"Consecutive wildcard characters at pos {i + 1}")
            out.append(STAR)
        elif byte == 0x5C:  # backslash
            if i + 1 < len(data) and data[i + 1] in (0x2A, 0x5C):
                out.append(data[i + 1])
                i += 1
            else:
                raise PatternValueError(f"Invalid escape character at pos {i + 1}")
        else:
            out.append(byte)
        i += 1
    return out


def wildcard_regex(text: str) -> WildcardPattern:
    """A matcher of the (already validated) wildcard with a regular expression's `fullmatch`,
    in time linear in the value (a regular expression of `.*`s backtracks polynomially)."""
    return WildcardPattern(text)


class _State:
    __slots__ = ("any", "literal", "weight")

    def __init__(self) -> None:
        self.literal: dict[int, list[int]] = {}
        self.any: list[int] = []
        self.weight: set[int] = set()


def complexity(patterns: Sequence[str], limit: int = COMPLEXITY_LIMIT) -> int:
    """Worst-case number of live wildcard states for these patterns of one field (capped at limit+1).

    Patterns share their literal prefix up to the first star (as a trie does); after a star each
    pattern keeps states of its own. Each state weighs the number of patterns that run through it.
    """
    states = [_State()]
    prefix_edges: dict[tuple[int, int], int] = {}
    alphabet: set[int] = set()
    for term, text in enumerate(patterns):
        tokens = [0x22, *parse_wildcard(text), 0x22]
        current, before_star, shared = 0, -1, True
        for index, token in enumerate(tokens):
            if token == STAR:
                star = len(states)
                states.append(_State())
                states[star].any.append(star)
                states[current].any.append(star)
                states[star].weight.add(term)
                before_star, current, shared = current, star, False
                continue
            alphabet.add(token)
            nxt = prefix_edges.get((current, token)) if shared and index < len(tokens) - 1 else None
            if nxt is None:
                nxt = len(states)
                states.append(_State())
                states[current].literal.setdefault(token, []).append(nxt)
                if shared:
                    prefix_edges[(current, token)] = nxt
                if index and tokens[index - 1] == STAR:
                    states[before_star].literal.setdefault(token, []).append(nxt)
            states[nxt].weight.add(term)
            current = nxt
    if len(states) == 1:
        return 0
    symbols = [_OTHER, *sorted(alphabet)]
    seen: set[frozenset[int]] = set()
    pending: list[frozenset[int]] = [frozenset((0,))]
    worst = 0
    while pending:
        active = pending.pop()
        for symbol in symbols:
            nxt: set[int] = set()
            for sid in active:
                state = states[sid]
                nxt.update(state.any)
                if symbol != _OTHER:
                    nxt.update(state.literal.get(symbol, ()))
            if not nxt:
                continue
            cost = 0
            for sid in nxt:
                cost += len(states[sid].weight)
                cost += sum(len(states[t].weight) for t in states[sid].any if t not in nxt)
            if cost > limit:
                return cost
            worst = max(worst, cost)
            frozen = frozenset(nxt)
            if frozen not in seen:
                seen.add(frozen)
                pending.append(frozen)
    return worst


@lru_cache(maxsize=4096)
def _cached_complexity(patterns: tuple[str, ...]) -> int:
    return complexity(patterns)


def check_complexity(patterns: Iterable[str]) -> None:
    """Raises AWS's reason when the wildcards of one field are too complex.

    Results are cached: a bus's rules tend to repeat the same few wildcards.
    """
    items = tuple(patterns)
    if items and any("*" in p for p in items) and _cached_complexity(items) > COMPLEXITY_LIMIT:
        raise PatternValueError(
            "Rule is too complex - try using fewer wildcard characters or fewer "
            "repeating character sequences after a wildcard character"
        )
