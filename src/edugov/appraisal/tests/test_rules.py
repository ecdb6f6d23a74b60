"""Scoring rules worked by hand."""

from decimal import Decimal as D

import pytest

from edugov.appraisal import rules


@pytest.mark.parametrize(
    ("value", "floor", "target", "expected"),
    [
        (D(75), D(60), D(100), D("37.50")),  # 15 of 40 points of range
        (D(50), D(60), D(100), D(0)),  # below the floor
        (D(120), D(60), D(100), D(100)),  # beyond the target
        (D(2), D(5), D(0), D(60)),  # lower is better: (2-5)/(0-5) = 0.6
        (D("0.333"), D(0), D(1), D("33.30")),
    ],
)
def test_linear(value, floor, target, expected):
    assert rules.linear(value, floor=floor, target=target) == expected


def test_threshold_takes_the_highest_band_reached():
    bands = [[95, 100], [90, 90], [80, 75]]
    assert rules.threshold(D(93), bands=bands) == D(90)
    assert rules.threshold(D(95), bands=bands) == D(100)
    assert rules.threshold(D("79.99"), bands=bands) == D(0)


def test_entered_is_clamped_and_points_are_weighted():
    assert rules.entered(D(130)) == D(100)
    assert rules.points(D("37.5"), D(40)) == D("15.00")
    assert rules.points(D(90), D("12.5")) == D("11.25")


def test_bands_are_checked():
    assert rules.valid_bands([[95, 100]])
    assert not rules.valid_bands([])
    assert not rules.valid_bands([[95, 120]])
    assert not rules.valid_bands([[95]])
    assert not rules.valid_bands("95:100")
