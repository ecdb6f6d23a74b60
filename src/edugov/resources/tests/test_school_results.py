"""The per-school 优质均衡 result other modules read (selectors.school_balanced_results), on the
hand-worked district of test_balanced: P1 meets all seven, P2 six (R4 4.0 of 4.5), the nine-year
school's two stages are summed, and a school administrator reads only its own school."""

from __future__ import annotations

import pytest

from edugov.resources.evaluation import evaluate_balanced
from edugov.resources.selectors import school_balanced_results

from .test_balanced import district  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_met_and_assessed_per_school_stages_summed(district):  # noqa: F811
    d = district
    got = school_balanced_results(user=None, area=d.district, school_year=d.year)
    p1, p2 = got[d.school_a.pk], got[d.p2.pk]
    assert (p1.met, p1.assessed, p1.stages, p1.passed) == (7, 7, ("小学",), (True,))
    assert (p2.met, p2.assessed, p2.passed) == (6, 7, (True,))
    nine = got[d.nine.pk]
    assert nine.stages == ("小学", "初中") and nine.assessed == 14
    evaluation = evaluate_balanced(school_year=d.year, area=d.district)
    stage_rows = [s for s in evaluation.schools if s.school_id == d.nine.pk]
    assert nine.met == sum(s.met_count for s in stage_rows)
    assert d.point_a.pk not in got  # the teaching point under 50 pupils is not assessed
    only = school_balanced_results(user=None, area=d.district, school_year=d.year, school_ids=[d.p2.pk])
    assert set(only) == {d.p2.pk}


def test_a_school_reads_only_its_own(district):  # noqa: F811
    d = district
    got = school_balanced_results(user=d.users["school_admin"], area=d.district, school_year=d.year)
    assert set(got) == {d.school_a.pk}
