"""Reads of planning: private schools' share of compulsory places by year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Sum

from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.registry.models import SchoolClass

from ..models import (
    PrivateSchoolYear,
)

# Private schools ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivateRow:
    row: PrivateSchoolYear
    compulsory: bool
    over_plan: bool
    over_scale: bool
    related_party: bool

    @property
    def problems(self) -> list[str]:
        r, out = self.row, []
        if self.over_plan:
            out.append(f"实际招生{r.actual_enrolment}人，超出招生计划{r.plan_enrolment}人")
        if self.over_scale:
            out.append(f"在校生{r.pupils}人，超出核定规模{r.approved_scale}人")
        if self.related_party:
            out.append(f"向举办者及关联方支付{r.related_party_payments}万元（关联交易，需审查）")
        return out


@dataclass(frozen=True)
class PrivateOverview:
    year: int | None
    rows: list[PrivateRow]
    private_compulsory: int
    all_compulsory: int
    share_pct: float | None
    cap_pct: float
    cap_source: str

    @property
    def over_cap(self) -> bool:
        return self.share_pct is not None and self.share_pct > self.cap_pct


COMPULSORY_TYPES = frozenset({"primary", "junior", "nine_year"})


def private_overview(*, actor: User, year: int | None = None) -> PrivateOverview:
    """Private schools' year (the latest recorded when not given) and the share of compulsory pupils
    in private schools (their recorded pupils over all grade 1-9 pupils in the current classes)."""
    from ..rules import load

    rules = load()["private"]
    qs = scoped(PrivateSchoolYear, actor).select_related("school", "school__area")
    if year is None:
        year = qs.order_by("-year").values_list("year", flat=True).first()
    rows = []
    for r in qs.filter(year=year).order_by("school__code") if year else []:
        rows.append(
            PrivateRow(
                row=r,
                compulsory=r.school.school_type in COMPULSORY_TYPES,
                over_plan=r.actual_enrolment > r.plan_enrolment,
                over_scale=r.pupils > r.approved_scale,
                related_party=r.related_party_payments > 0,
            )
        )
    private_pupils = sum(r.row.pupils for r in rows if r.compulsory)
    public = (
        scoped(SchoolClass, actor)
        .filter(school_year__is_current=True, grade__gte=1, grade__lte=9, school__archived_at__isnull=True)
        .exclude(school__ownership="private")
        .aggregate(n=Sum(F("boys") + F("girls")))["n"]
        or 0
    )
    whole = private_pupils + int(public)
    return PrivateOverview(
        year=year,
        rows=rows,
        private_compulsory=private_pupils,
        all_compulsory=whole,
        share_pct=round(private_pupils / whole * 100, 2) if whole else None,
        cap_pct=float(rules["compulsory_cap_pct"]),
        cap_source=str(rules["cap_source"]),
    )
