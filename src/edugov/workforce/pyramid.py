"""Age pyramids by sex (issue 15 item 3, the cockpit): teachers of a school year counted by age band
(today's age from the birth month) and sex, in groups of urban / town / rural schools, of towns, or
of schools. One query; counts only, no person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from edugov.accounts.scope import scoped
from edugov.registry.models import Locale, SchoolYear, Sex

from .models import TeacherYear
from .norms import AGE_BANDS, age_at, age_band
from .selectors import STAFFED_TYPES

GROUPINGS = {"locale": "城区 / 镇区 / 乡村", "town": "乡镇（街道）", "school": "学校"}


@dataclass
class Band:
    label: str
    male: int = 0
    female: int = 0

    @property
    def total(self) -> int:
        return self.male + self.female


@dataclass
class Pyramid:
    group: str
    bands: list[Band]  # youngest first

    @property
    def total(self) -> int:
        return sum(b.total for b in self.bands)

    @property
    def widest(self) -> int:
        return max((max(b.male, b.female) for b in self.bands), default=0)

    def share(self, n: int) -> int:
        """A bar's width in percent of the widest half (for the page)."""
        return round(100 * n / self.widest) if self.widest else 0


def age_pyramids(
    *,
    actor: Any,
    year: SchoolYear | None,
    today: dt.date,
    by: str = "locale",
    school_ids: list[int] | None = None,
) -> list[Pyramid]:
    """One pyramid per group (`by`: locale, town or school), groups in a stable order."""
    if year is None:
        return []
    by = by if by in GROUPINGS else "locale"
    rows = scoped(TeacherYear, actor).filter(school_year=year, school__school_type__in=STAFFED_TYPES)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    key = {"locale": "school__locale", "town": "school__area__name", "school": "school__name"}[by]
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {b: [0, 0] for b, _lo, _hi in AGE_BANDS})
    for group, by_year, month, sex in rows.values_list(key, "birth_year", "birth_month", "teacher__sex"):
        cell = counts[str(group)][age_band(age_at(by_year, month, today.year, today.month))]
        cell[0 if sex == Sex.MALE else 1] += 1
    if by == "locale":
        order = [v for v, _l in Locale.choices if v in counts]
        label = dict(Locale.choices)
        names = {v: str(label[v]) for v in order}
    else:
        order = sorted(counts)
        names = {g: g for g in order}
    return [Pyramid(names[g], [Band(b, m, f) for b, (m, f) in counts[g].items()]) for g in order]
