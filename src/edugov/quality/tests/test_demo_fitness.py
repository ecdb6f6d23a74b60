"""The demo's fitness results and 中考 lines, built on the mini district (not a demo-size build):
every pupil of every grade's classes has a result, each stored total is what the pupil-by-pupil
scoring gives from the stored raw measures, and every school with a grade 9 has both lines."""

from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from edugov.quality import fitness_tables as ft
from edugov.quality.demo import build_fitness, build_outcomes
from edugov.quality.models import MEASURES, FitnessResult, LineResult
from edugov.testing import make_class

from .rows import grade1_classes

pytestmark = pytest.mark.django_db


def _ctx(d: Any) -> Any:
    counts: dict[str, int] = {}
    return SimpleNamespace(
        state={"registry": SimpleNamespace(districts=[d.district], years={d.year.start_year: d.year})},
        rng=lambda name: random.Random(name),
        count=lambda label, n: counts.__setitem__(label, n),
        counts=counts,
    )


def test_every_pupil_of_the_tested_grades_is_scored_as_the_tables_say(district):
    d = district
    grade1_classes(d)
    make_class(school=d.point_a, year=d.year, grade=7, number=1, boys=12, girls=9)
    ctx = _ctx(d)
    build_fitness(ctx)
    # the mini district's grade-3 classes and the grade-1 classes: 3 x (20 boys + 20 girls) each;
    # the grade-7 class 21 pupils: every grade is tested now that every grade's tables are encoded
    assert FitnessResult.objects.count() == 3 * 40 + 3 * 40 + 21 == ctx.counts["体质健康测试成绩"]
    assert FitnessResult.objects.filter(grade=7, sex="M").count() == 12
    assert FitnessResult.objects.filter(grade=3).count() == 120
    assert FitnessResult.objects.filter(grade=3, sit_ups__isnull=True).count() == 0
    for r in FitnessResult.objects.order_by("grade", "pupil_key")[::4]:
        measures = {f: getattr(r, f) for f, _, _ in MEASURES if getattr(r, f) is not None}
        one = ft.score_measures(grade=r.grade, sex=r.sex, measures=measures)
        assert (r.total, r.bmi, r.item_scores) == (one.score.total, one.bmi, one.item_scores)
        assert (
            r.band == {"优秀": "excellent", "良好": "good", "及格": "pass", "不及格": "fail"}[one.score.band]
        )
    assert FitnessResult.objects.filter(grade=1, pull_ups__isnull=False).count() == 0


def test_lines_for_every_school_with_a_grade_nine(district):
    d = district
    make_class(school=d.school_b, year=d.year, grade=9, number=1, boys=25, girls=25)
    build_outcomes(_ctx(d))
    lines = {r.line: r for r in LineResult.objects.all()}
    assert set(lines) == {"general", "key"}
    assert lines["general"].candidates == 50 and lines["key"].reached <= lines["general"].reached <= 50
    assert all(isinstance(r.reached, int) for r in lines.values())
    assert Decimal(lines["general"].reached) / 50 > Decimal("0.2")
