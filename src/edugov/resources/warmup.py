"""Start-up warming (indicators.warm): each district's 优质均衡 and 普及普惠 rows for the current
school year and the trend years, as the pages ask for them (no user: the rows are district-wide)."""

from __future__ import annotations

from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from .evaluation import evaluate_balanced
from .preschool import evaluate_preschool, preschool_trend
from .selectors.balanced_page import balanced_cv_trend
from .selectors.common import current_school_year


def warm() -> None:
    year = current_school_year()
    if year is None:
        return
    years = list(SchoolYear.objects.filter(start_year__lte=year.start_year).order_by("start_year"))
    paths = set(School.objects.values_list("area__path", flat=True).distinct())
    for area in Area.objects.filter(level=AreaLevel.DISTRICT, archived_at__isnull=True).order_by("pk"):
        if not any(p.startswith(area.path) for p in paths):
            continue
        evaluate_balanced(school_year=year, area=area)
        balanced_cv_trend(area=area, years=years)
        evaluate_preschool(school_year=year, area=area)
        preschool_trend(area=area, years=years)
