"""Town B's appraisal rows for the scope and write walks (tests/test_scope_walk.py): the district's
scheme with school B's own "N" item (named after it), an entry, a computed result with its lines,
a routine inspection with a failed check and a satisfaction survey of school B."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from edugov.appraisal.models import (
    Dimension,
    Entry,
    Indicator,
    ResultLine,
    RoutineCheck,
    RoutineChecklist,
    RoutineInspection,
    RoutineMark,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
)


def add_town_b_appraisal(w: Any) -> None:
    scheme = Scheme.objects.create(
        area=w.district, school_year=w.year, name="区学校考核方案", characteristic_weight=Decimal(20)
    )
    core = Dimension.objects.create(scheme=scheme, kind="core", name="课程教学", order=0)
    n = Dimension.objects.create(scheme=scheme, kind="characteristic", name="特色发展", order=1)
    common = Indicator.objects.create(dimension=core, name="党建工作", rule="entered", weight=Decimal(80))
    own = Indicator.objects.create(
        dimension=n, school=w.school_b, name=f"{w.school_b.name}特色项目", rule="entered", weight=Decimal(20)
    )
    Entry.objects.create(indicator=own, school=w.school_b, value=Decimal(90), note=f"{w.school_b.name}自评")
    result = SchoolResult.objects.create(
        scheme=scheme, school=w.school_b, total=Decimal(18), entered=2, missing=1, computed_at=timezone.now()
    )
    for ind in (common, own):
        ResultLine.objects.create(
            result=result,
            indicator=ind,
            raw=None,
            score=Decimal(0),
            weight=ind.weight,
            points=Decimal(0),
            origin="missing",
            source_label="学校填报",
            detail=f"{w.school_b.name}未填报",
        )
    checklist = RoutineChecklist.objects.create(area=w.district, name="教学常规检查表")
    check = RoutineCheck.objects.create(checklist=checklist, category="preparation", text="备课")
    inspection = RoutineInspection.objects.create(
        school=w.school_b, checklist=checklist, inspected_on=w.year.start_date, note=f"{w.school_b.name}检查"
    )
    RoutineMark.objects.create(
        inspection=inspection, check_item=check, passed=False, note=f"{w.school_b.name}缺教案"
    )
    SatisfactionSurvey.objects.create(
        school=w.school_b, school_year=w.year, respondent="parents", respondents=100, satisfied=90
    )
