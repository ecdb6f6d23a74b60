"""The tie rule every red and black list uses (rectification.lists), on cases worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edugov.rectification.lists import cut_with_ties, red_and_black, shared_ranks


def test_shared_ranks_skip_after_a_tie():
    # Ordered best first; (score, tie-breaker): the 2nd and 3rd are equal, the 5th and 6th too.
    keys = [(90, 0), (80, 1), (80, 1), (80, 2), (70, 0), (70, 0)]
    assert shared_ranks(keys) == [1, 2, 2, 4, 5, 5]
    assert shared_ranks([]) == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, set()),
        (1, {"a"}),
        # The 2nd is at 25.00 like the 3rd: both in, never one of them.
        (2, {"a", "b", "c"}),
        (3, {"a", "b", "c"}),
        (4, {"a", "b", "c", "d"}),
        (9, {"a", "b", "c", "d"}),
    ],
)
def test_a_cut_off_never_splits_a_tie(n, expected):
    candidates = [
        (Decimal("30.00"), "a"),
        (Decimal("25.00"), "b"),
        (Decimal("25.00"), "c"),
        (Decimal("10"), "d"),
    ]
    assert cut_with_ties(candidates, n) == expected


def test_a_cut_off_of_nothing_lists_nothing():
    assert cut_with_ties([], 3) == set()


def test_red_and_black_cut_each_end_and_red_wins():
    best_first = [(100.0, 1), (90.0, 2), (90.0, 3), (40.0, 4), (25.0, 5), (25.0, 6), (10.0, 7)]
    red, black = red_and_black(
        best_first,
        red_eligible={1, 2, 3, 4},
        top=2,  # 1, then 2 at 90 with 3 also at 90: three on the red list
        black_eligible={4, 5, 6, 7},
        bottom=2,  # 7, then 6 at 25 with 5 also at 25: three on the black list
    )
    assert (red, black) == ({1, 2, 3}, {5, 6, 7})
    # 2 is eligible for both: the worst four of the black-eligible are 7, 6, 5 and 2, and 2 stays
    # on the red list only.
    red, black = red_and_black(best_first, red_eligible={1, 2}, top=5, black_eligible={2, 5, 6, 7}, bottom=4)
    assert (red, black) == ({1, 2}, {5, 6, 7})
