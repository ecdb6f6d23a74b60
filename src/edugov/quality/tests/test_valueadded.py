"""The value-added estimator recovers known school effects on simulated districts: the estimates
correlate with the truth and the 95% intervals cover it about 95% of the time (fixed seeds, the
figures reported in docs/quality-value-added.md)."""

from __future__ import annotations

import numpy as np
import pytest

from edugov.quality.valueadded import ABOVE, AS_EXPECTED, BELOW, GroupEffect, fit_value_added, simulate


def _recovery(seed: int) -> tuple[float, float]:
    post, prior, groups, truth = simulate(seed=seed)
    fit = fit_value_added(post=post, prior=prior, groups=groups)
    est = np.array([e.effect for e in fit.effects])
    true = np.array([truth[e.group] for e in fit.effects])
    corr = float(np.corrcoef(est, true)[0, 1])
    covered = float(np.mean([e.low <= truth[e.group] <= e.high for e in fit.effects]))
    return corr, covered


def test_forty_schools_with_known_effects_are_recovered():
    corr, coverage = _recovery(seed=17)
    assert corr > 0.9
    assert 0.85 <= coverage <= 1.0


def test_coverage_over_many_simulated_districts_is_near_95_percent():
    results = [_recovery(seed) for seed in range(100, 130)]
    mean_corr = np.mean([c for c, _ in results])
    mean_cov = np.mean([v for _, v in results])
    assert mean_corr > 0.9
    assert 0.90 <= mean_cov <= 0.99


def test_the_slope_is_the_within_school_slope_despite_intakes_linked_to_effects():
    post, prior, groups, _ = simulate(seed=3, intake_link=1.0, n_groups=60)
    fit = fit_value_added(post=post, prior=prior, groups=groups)
    assert fit.coefficients["前测成绩"] == pytest.approx(0.8, abs=0.03)
    assert fit.tau == pytest.approx(4.0, rel=0.35)
    assert fit.sigma == pytest.approx(8.0, rel=0.05)


def test_hand_computed_two_schools_without_between_variance():
    # Post = prior + 1 exactly in both schools except noise that cancels within each school:
    # every residual mean is equal, so tau^2 = 0, effects are 0 and nobody is above or below.
    prior = [50, 60, 70, 50, 60, 70]
    post = [52, 60, 72, 52, 60, 72]
    fit = fit_value_added(post=post, prior=prior, groups=[1, 1, 1, 2, 2, 2])
    assert fit.coefficients["前测成绩"] == pytest.approx(1.0)
    assert fit.tau == 0.0
    assert [e.effect for e in fit.effects] == [0.0, 0.0]
    assert {e.verdict for e in fit.effects} == {AS_EXPECTED}


def test_a_context_variable_is_estimated_and_named():
    rng = np.random.default_rng(5)
    post, prior, groups, _ = simulate(seed=5)
    ctx = rng.integers(0, 2, len(post)).astype(float)
    fit = fit_value_added(
        post=post - 3.0 * ctx,
        prior=prior,
        groups=groups,
        context=ctx.reshape(-1, 1),
        context_names=["随迁子女"],
    )
    assert fit.coefficients["随迁子女"] == pytest.approx(-3.0, abs=0.8)


@pytest.mark.parametrize(
    ("low", "high", "verdict"), [(0.1, 2.0, ABOVE), (-0.5, 2.0, AS_EXPECTED), (-3.0, -0.2, BELOW)]
)
def test_a_verdict_needs_the_whole_interval_on_one_side(low, high, verdict):
    e = GroupEffect(group=1, n=30, raw=0.0, effect=(low + high) / 2, low=low, high=high, reliability=0.8)
    assert e.verdict == verdict


def test_too_few_groups_is_refused():
    with pytest.raises(ValueError):
        fit_value_added(post=[1, 2, 3], prior=[1, 2, 3], groups=[1, 1, 1])
