"""Start-up warming (indicators.warm): for each district, the 质量监测 page's figures of its default
assessment and the 学生体质健康 page's figures of the latest school year, for every distinct read
scope among the district's accounts that may view quality (administrator, leader and officers who
read the same rows share one), so the first visit after a restart finds them cached."""

from __future__ import annotations

from edugov.reports.warmup import district_readers

from . import page_selectors, selectors
from .permissions import action

MAX_SCOPES_PER_DISTRICT = 2  # start-up time stays bounded: the first scopes by account id


def warm() -> None:
    scope = lambda u: page_selectors.reader(u).scope  # noqa: E731
    for reader in district_readers(action("view"), scope, MAX_SCOPES_PER_DISTRICT):
        current = selectors.assessment_list(actor=reader).first()
        page_selectors.overview_figures(user=reader, current=current)
        years = page_selectors.fitness_years(user=reader)
        if years:
            page_selectors.fitness_figures(user=reader, year=years[0])
