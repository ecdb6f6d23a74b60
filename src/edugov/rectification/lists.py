"""The tie rule of every red and black list (红黑榜), in one place: units equal on the ranking key
share a rank, and a cut-off never splits a tie (得分相同的并列入榜). Pure functions over plain
scores and keys, public to the modules that publish lists of their own (planning's projects)."""

from __future__ import annotations

from collections.abc import Container, Hashable, Sequence
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
_NOTHING = object()  # equal to no tie key

# The rule as every list's notice states it.
TIES_IN_WORDS = "名次分界处得分相同的并列入榜。"


def shared_ranks(tie_keys: Sequence[Any]) -> list[int]:
    """Competition ranks ("1, 2, 2, 4") of entries already ordered best first, given each entry's
    tie key (what makes two entries equal: the score and the tie-breaking figure, never the name
    that only orders them on the page)."""
    ranks: list[int] = []
    rank, previous = 0, _NOTHING
    for position, key in enumerate(tie_keys, start=1):
        if key != previous:
            rank, previous = position, key
        ranks.append(rank)
    return ranks


def cut_with_ties(candidates: Sequence[tuple[Any, K]], n: int) -> set[K]:
    """The keys of the first `n` `(score, key)` candidates (in list order), and of every further
    one with the same score as the n-th: a cut-off never splits a tie."""
    if n <= 0 or not candidates:
        return set()
    inside = candidates[:n]
    boundary = inside[-1][0]
    return {key for _, key in inside} | {key for s, key in candidates[n:] if s == boundary}


def red_and_black(
    best_first: Sequence[tuple[Any, K]],
    *,
    red_eligible: Container[K],
    top: int,
    black_eligible: Container[K],
    bottom: int,
) -> tuple[set[K], set[K]]:
    """The red list (the best `top` of the red-eligible) and the black list (the worst `bottom` of
    the black-eligible, counted from the end) of `(score, key)` pairs ordered best first, each cut
    without splitting a tie; a unit that would be on both is on the red list only."""
    red = cut_with_ties([(s, k) for s, k in best_first if k in red_eligible], top)
    worst_first = [(s, k) for s, k in reversed(best_first) if k in black_eligible]
    return red, cut_with_ties(worst_first, bottom) - red
