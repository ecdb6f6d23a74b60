"""Bands, distributions and value-added as the pages and API read them: hand-counted bands,
suppressed means of small groups, each reader's scope, and the Chinese refusals of a bad pair."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.quality import selectors
from edugov.quality.models import Assessment

from .rows import assessment_row, import_assessments, import_results

pytestmark = pytest.mark.django_db


def test_bands_by_school_are_counted_by_the_assessments_cut_offs(district, tmp_path):
    admin = district.users[Role.DISTRICT_ADMIN]
    import_assessments(tmp_path, admin, [assessment_row("T-1", "2025-11-10", cuts=(90, 75, 60))])
    a_code, b_code = district.school_a.code, district.school_b.code
    scores_a = [95, 90, 89.9, 75, 74, 60, 59.9]  # 2 excellent, 2 good, 2 pass, 1 below
    rows = [["T-1", f"GA{k:06d}", a_code, 1, s] for k, s in enumerate(scores_a)]
    rows += [["T-1", f"GB{k:06d}", b_code, 1, s] for k, s in enumerate([40, 100])]
    import_results(tmp_path, admin, rows)
    a = Assessment.objects.get()
    by_school = {r.unit_id: r for r in selectors.school_bands(actor=admin, assessment=a)}
    ra, rb = by_school[district.school_a.pk], by_school[district.school_b.pk]
    assert ra.counts == {"excellent": 2, "good": 2, "pass": 2, "below": 1}
    assert ra.mean == pytest.approx(round(sum(scores_a) / 7, 1))
    assert ra.shares["excellent"] == pytest.approx(200 / 7)
    assert rb.n == 2 and rb.mean is None  # two pupils: a mean would show their scores
    total = selectors.total_bands(actor=admin, assessment=a)
    assert total.n == 9 and total.counts["below"] == 2
    # The town officer of town A sees school A only; school B's admin would see school B only.
    town = selectors.school_bands(actor=district.users["town_officer"], assessment=a)
    assert [r.unit_id for r in town] == [district.school_a.pk]
    hist = selectors.score_histogram(actor=admin, assessment=a)
    assert sum(hist["series"][0]["data"]) == 9 and hist["series"][0]["data"][-1] == 3  # 90-100: 95, 90, 100


def test_value_added_finds_the_school_that_adds_more(paired):
    d = paired
    admin = d.users[Role.DISTRICT_ADMIN]
    pre, post = Assessment.objects.get(code="T-PRE"), Assessment.objects.get(code="T-POST")
    va = selectors.value_added(actor=admin, prior=pre, post=post)
    rows = {r.unit_id: r for r in va.rows}
    assert va.n_pupils == 48 and va.n_groups == 3
    assert rows[d.school_b.pk].verdict == "above" and rows[d.school_b.pk].low > 0
    assert rows[d.school_a.pk].effect < 0
    assert va.slope == pytest.approx(0.9, abs=0.05)
    ordered = selectors.value_added(actor=admin, prior=pre, post=post, sort="effect")
    assert ordered.rows[0].unit_id == d.school_b.pk
    # A town-A reader gets town A's schools, estimated against the whole district.
    town = selectors.value_added(actor=d.users["town_officer"], prior=pre, post=post)
    assert {r.unit_id for r in town.rows} == {d.school_a.pk, d.point_a.pk}
    assert next(r for r in town.rows if r.unit_id == d.school_a.pk).effect == pytest.approx(
        rows[d.school_a.pk].effect
    )
    classes = selectors.value_added(actor=admin, prior=pre, post=post, level="class")
    assert {r.unit_id for r in classes.rows} == {d.class_a1.pk, d.class_a2.pk, d.class_b1.pk} | {
        r.unit_id for r in classes.rows if "教学点" in r.name
    }


def test_a_bad_pair_is_refused_in_chinese(paired, tmp_path):
    admin = paired.users[Role.DISTRICT_ADMIN]
    pre, post = Assessment.objects.get(code="T-PRE"), Assessment.objects.get(code="T-POST")
    cases = [(pre, pre, "同一次测评"), (post, pre, "应晚于前测日期")]
    for prior, later, message in cases:
        with pytest.raises(DomainError, match=message):
            selectors.value_added(actor=admin, prior=prior, post=later)
    import_assessments(tmp_path, admin, [assessment_row("T-NEW", "2026-06-20")])
    with pytest.raises(DomainError, match="不足30人"):
        selectors.value_added(actor=admin, prior=pre, post=Assessment.objects.get(code="T-NEW"))


def test_the_default_pair_is_the_latest_with_shared_pupils(paired):
    pair = selectors.default_pair(list(selectors.assessment_list(actor=paired.users[Role.DISTRICT_ADMIN])))
    assert pair is not None and [a.code for a in pair] == ["T-PRE", "T-POST"]
