"""Complaint reads: the filtered list with its overdue flag, the overdue counts, and the steps as
the bureau and the parent read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from edugov.accounts.scope import scoped

from ..models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintStep

# Complaints -------------------------------------------------------------------------------------

OPEN_COMPLAINT = (ComplaintStatus.NEW, ComplaintStatus.ASSIGNED, ComplaintStatus.REFERRED)
HANDLING = (ComplaintStatus.ASSIGNED, ComplaintStatus.REFERRED)


def _overdue_q(today: dt.date, which: str) -> Q:
    """The rule of rules.complaint_overdue as a query (tested to agree with it)."""
    accept = Q(status=ComplaintStatus.NEW, accept_deadline__lt=today)
    handle = Q(status__in=HANDLING, deadline__lt=today)
    return {"accept": accept, "handle": handle}.get(which, accept | handle)


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    area_id: int | None = None
    institution_id: int | None = None
    overdue: str = ""  # "accept", "handle", "any"
    start: dt.date | None = None
    end: dt.date | None = None
    topic: str = ""


def complaint_list(
    *, user: Any, today: dt.date, filters: ComplaintFilters | None = None
) -> QuerySet[Complaint]:
    """Complaints in scope, each annotated with `overdue` ("accept", "handle" or ""), filtered."""
    f = filters or ComplaintFilters()
    qs = (
        scoped(Complaint, user)
        .select_related("institution", "area")
        .annotate(
            overdue=Case(
                When(_overdue_q(today, "accept"), then=Value("accept")),
                When(_overdue_q(today, "handle"), then=Value("handle")),
                default=Value(""),
                output_field=CharField(),
            )
        )
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.area_id:
        qs = qs.filter(area_id=f.area_id)
    if f.institution_id:
        qs = qs.filter(institution_id=f.institution_id)
    if f.overdue:
        qs = qs.filter(_overdue_q(today, f.overdue))
    if f.start:
        qs = qs.filter(submitted_on__gte=f.start)
    if f.end:
        qs = qs.filter(submitted_on__lte=f.end)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    return qs


def complaint_counts(*, user: Any, today: dt.date) -> dict[str, int]:
    """Open complaints and the overdue ones, in one query (the dashboard's figures)."""
    return dict(
        scoped(Complaint, user).aggregate(
            complaints_open=Count("pk", filter=Q(status__in=OPEN_COMPLAINT)),
            complaints_overdue_accept=Count("pk", filter=_overdue_q(today, "accept")),
            complaints_overdue_handle=Count("pk", filter=_overdue_q(today, "handle")),
        )
    )


def complaint_overdue_counts(*, user: Any, today: dt.date) -> dict[str, int]:
    qs = scoped(Complaint, user)
    return dict(
        qs.aggregate(
            complaints_overdue_accept=Count("pk", filter=_overdue_q(today, "accept")),
            complaints_overdue_handle=Count("pk", filter=_overdue_q(today, "handle")),
        )
    )


@dataclass(frozen=True)
class ComplaintStepRow:
    """One step as the parent reads it: what happened, when, and what was said (no staff names)."""

    step: str
    label: str
    at: dt.datetime
    text: str


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _public_text(e: ComplaintEvent) -> str:
    if e.step == ComplaintStep.SUBMIT:
        return "您的投诉已提交，等待教育局受理。"
    if e.step == ComplaintStep.ACCEPT:
        return f"教育局已受理您的投诉，将在{_cn(e.complaint.deadline)}前答复。"
    if e.step == ComplaintStep.REFER:
        return f"已转交{e.referred_to}办理，教育局督促办理并负责答复。"
    if e.step == ComplaintStep.INVESTIGATE:
        return f"工作人员于{_cn(e.investigated_on)}进行了调查核实。" if e.investigated_on else "已调查核实。"
    if e.step == ComplaintStep.REPLY:
        return "教育局已答复，请查看下方答复内容并评价。"
    return f"您的评价：{e.note}，投诉办结。"


def complaint_public_steps(*, complaint: Complaint) -> list[ComplaintStepRow]:
    """The steps for the parent's tracking page, oldest first, in plain words; a complaint filed
    before steps were recorded shows its submission."""
    events = list(complaint.events.select_related("complaint").order_by("at", "pk"))
    rows = [ComplaintStepRow(e.step, e.get_step_display(), e.at, _public_text(e)) for e in events]
    if not rows or rows[0].step != ComplaintStep.SUBMIT:
        start = dt.datetime.combine(complaint.submitted_on, dt.time(0))
        rows.insert(0, ComplaintStepRow(ComplaintStep.SUBMIT, "提交投诉", start, "您的投诉已提交。"))
    return rows


def complaint_events(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor").order_by("at", "pk")
