"""Questionnaires: the burden parents and pupils report beside the one the school records, and the
five managements (sleep, phones, reading, physical activity)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from edugov.accounts.scope import scoped
from edugov.registry.models import Term

from .. import rules
from ..models import (
    SurveyResponse,
)
from .compliance import homework_compliance
from .compliance_types import ComplianceReport


@dataclass(frozen=True)
class SurveyClassRow:
    class_id: int
    class_name: str
    school_name: str
    grade: int
    responses: int
    reported_minutes: Decimal
    published_minutes: Decimal | None
    underreported: bool
    sleep_ok_share: Decimal | None
    phone_kept_share: Decimal | None
    activity_ok_share: Decimal | None
    reading_minutes: Decimal | None
    school_id: int = 0


def _share(num: int, den: int) -> Decimal | None:
    return (Decimal(num) / den).quantize(Decimal("0.001")) if den else None


def survey_comparison(
    *,
    user: Any,
    term: Term,
    report: ComplianceReport | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[SurveyClassRow]:
    """Per class: questionnaire means against the published written minutes (per school day over
    the weeks the class published), flagging classes whose reported time exceeds the published one
    by more than the configured margin; and the five-managements shares."""
    report = report or homework_compliance(user=user, term=term)
    published: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for cw in report.class_weeks:
        published[cw.class_id][0] += cw.written_minutes
        published[cw.class_id][1] += cw.school_days
    rows = (
        scoped(SurveyResponse, user)
        .filter(survey_date__gte=term.start_date, survey_date__lte=term.end_date)
        .values(
            "school_class_id",
            "school_class__grade",
            "school_class__name",
            "school_class__school__name",
            "school_class__school_id",
        )
        .annotate(
            n=Count("id"),
            minutes=Sum("homework_minutes"),
            phone_yes=Count("id", filter=Q(phone_kept_by_school=True)),
            phone_n=Count("phone_kept_by_school"),
            activity_n=Count("activity_minutes"),
            activity_ok=Count("id", filter=Q(activity_minutes__gte=rules.activity_min_minutes())),
            reading_sum=Sum("reading_minutes"),
            reading_n=Count("reading_minutes"),
        )
        .order_by("school_class__school__name", "school_class__grade", "school_class__name")
    )
    sleep_rows = (
        scoped(SurveyResponse, user)
        .filter(survey_date__gte=term.start_date, survey_date__lte=term.end_date)
        .values_list("school_class_id", "school_class__grade", "sleep_hours")
    )
    if start is not None or end is not None:
        window = Q(survey_date__gte=start or term.start_date, survey_date__lte=end or term.end_date)
        rows = rows.filter(window)
        sleep_rows = sleep_rows.filter(window)
    sleep_ok: dict[int, int] = defaultdict(int)
    for class_id, grade, hours in sleep_rows.iterator(chunk_size=10_000):
        need = rules.sleep_min_hours(grade)
        if need is not None and hours is not None and hours >= Decimal(str(need)):
            sleep_ok[class_id] += 1
    margin = Decimal(str(rules.underreport_margin()))
    out = []
    for r in rows:
        cid = r["school_class_id"]
        reported = rules.round1(Decimal(r["minutes"] or 0) / r["n"])
        pub = published.get(cid)
        pub_avg = rules.round1(Decimal(pub[0]) / pub[1]) if pub and pub[1] else None
        flagged = reported > (pub_avg or Decimal(0)) * (1 + margin) if pub_avg is not None else reported > 0
        out.append(
            SurveyClassRow(
                cid,
                r["school_class__name"] or f"{r['school_class__grade']}年级",
                r["school_class__school__name"],
                r["school_class__grade"],
                r["n"],
                reported,
                pub_avg,
                flagged,
                _share(sleep_ok[cid], r["n"]),
                _share(r["phone_yes"], r["phone_n"]),
                _share(r["activity_ok"], r["activity_n"]),
                rules.round1(Decimal(r["reading_sum"]) / r["reading_n"]) if r["reading_n"] else None,
                r["school_class__school_id"],
            )
        )
    return out
