"""Master studios (三名工作室: 名师、名班主任、名校长) and research communities (研修共同体), issue 15
item 5. A studio reports at its cadence (monthly, quarterly, half-yearly, yearly, calendar periods);
each period's report is due a number of days after the period ends (data:
`workforce.studio_report_grace`); a report still missing after that day is overdue and becomes a
rectification item (findings.py). Research communities (by subject, of head teachers, of
principals) record their activities. The personnel department keeps both; a studio's lead teacher
files its reports."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from edugov.accounts.models import User
from edugov.accounts.policy import can, ensure_can
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError
from edugov.registry.models import School, Teacher
from edugov.standards.loader import library

from .errors import WorkforceError as E
from .models import (
    CommunityActivity,
    CommunityKind,
    ReportCadence,
    ResearchCommunity,
    Studio,
    StudioKind,
    StudioReport,
)
from .permissions import action

SUMMARY_MAX = 2000
MEMBERS_MAX = 60


def grace_days(area_path: str = "", year: int | None = None) -> int:
    """Days after a period's end within which its report is due (standards data, a district
    overrides it)."""
    return int(library().rule("workforce.studio_report_grace", area_path=area_path, year=year).values["all"])


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(cadence: str, day: dt.date) -> tuple[str, dt.date]:
    """The calendar period of `cadence` holding `day`: (its label, its last day)."""
    y, m = day.year, day.month
    if cadence == ReportCadence.MONTHLY:
        return f"{y}年{m}月", _month_end(y, m)
    if cadence == ReportCadence.QUARTERLY:
        q = (m - 1) // 3
        return f"{y}年第{q + 1}季度", _month_end(y, 3 * q + 3)
    if cadence == ReportCadence.HALF_YEARLY:
        h = (m - 1) // 6
        return f"{y}年{'上' if h == 0 else '下'}半年", _month_end(y, 6 * h + 6)
    return f"{y}年度", dt.date(y, 12, 31)


def periods(cadence: str, start: dt.date, until: dt.date) -> list[tuple[str, dt.date]]:
    """Every period from the one holding `start` to the one holding `until`."""
    out = []
    day = start
    while day <= until:
        label, end = period_of(cadence, day)
        out.append((label, end))
        day = end + dt.timedelta(days=1)
    return out


def _area_path(school: School) -> str:
    return str(school.area.path) if school.area_id else ""


def schedule(studio: Studio, until: dt.date) -> int:
    """Make the studio's report rows for every period up to the one holding `until` (idempotent:
    periods already there are kept). Returns how many were added."""
    grace = grace_days(_area_path(studio.lead_school), until.year)
    have = set(studio.reports.values_list("period_end", flat=True))
    new = [
        StudioReport(
            studio=studio,
            period_label=label,
            period_end=end,
            due_on=end + dt.timedelta(days=grace),
        )
        for label, end in periods(studio.cadence, studio.started_on, until)
        if end not in have
    ]
    StudioReport.objects.bulk_create(new)
    return len(new)


def _ensure_edit(actor: User | None, target: Any = None) -> None:
    if actor is not None:
        ensure_can(actor, action("studio_edit"), target)


def _check_members(lead: Teacher, members: Iterable[Teacher]) -> list[Teacher]:
    chosen = {t.pk: t for t in members if t.pk != lead.pk}
    if len(chosen) > MEMBERS_MAX:
        raise DomainError(E.STUDIO_MEMBERS, maximum=MEMBERS_MAX)
    return list(chosen.values())


@transaction.atomic
def studio_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    lead: Teacher,
    members: Iterable[Teacher] = (),
    plan: str = "",
    cadence: str = ReportCadence.QUARTERLY,
    started_on: dt.date,
) -> Studio:
    """Found a studio led by `lead` at the lead's school, with its first year's report schedule.
    Refused in Chinese: no name, a name taken, an unknown type or cadence, a lead without a school."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError(E.STUDIO_NAME)
    if kind not in StudioKind.values:
        raise DomainError(E.BAD_FIELD, field="类型", reason="请选择名师、名班主任或名校长工作室")
    if cadence not in ReportCadence.values:
        raise DomainError(E.BAD_FIELD, field="报告周期", reason="请选择月报、季报、半年报或年报")
    if not dt.date(2000, 1, 1) <= started_on <= dt.date(2100, 12, 31):
        raise DomainError(E.BAD_FIELD, field="成立日期", reason="应在2000年至2100年之间")
    if lead.school_id is None:
        raise DomainError(E.STUDIO_LEAD_SCHOOL, name=lead.name)
    lead_school = School.objects.select_related("area").get(pk=lead.school_id)
    _ensure_edit(actor, lead_school)
    if Studio.objects.filter(name=name).exists():
        raise DomainError(E.STUDIO_NAME_TAKEN, name=name)
    if len((plan or "").strip()) > SUMMARY_MAX:
        raise DomainError(E.BAD_FIELD, field="工作计划", reason=f"不能超过{SUMMARY_MAX}字")
    people = _check_members(lead, members)
    studio = Studio.objects.create(
        name=name,
        kind=kind,
        lead=lead,
        lead_school=lead_school,
        plan=(plan or "").strip(),
        cadence=cadence,
        started_on=started_on,
    )
    studio.members.set(people)
    schedule(studio, started_on + dt.timedelta(days=364))
    audit_record(
        action=AuditAction.CREATE,
        instance=studio,
        changes={"after": {**snapshot(studio), "成员": [t.name for t in people]}},
        actor=actor,
    )
    return studio


def may_report(actor: User, studio: Studio) -> bool:
    return can(actor, action("studio_edit"), studio) or can(actor, action("studio_report"), studio)


@transaction.atomic
def report_submit(*, actor: User | None, report: StudioReport, summary: str, today: dt.date) -> StudioReport:
    """File a period's report (its lead teacher or the personnel department). Refused in Chinese:
    an empty or overlong summary, a period not yet begun, a report already filed."""
    report = StudioReport.objects.select_for_update().select_related("studio").get(pk=report.pk)
    if actor is not None and not may_report(actor, report.studio):
        ensure_can(actor, action("studio_report"), report.studio)
    text = (summary or "").strip()
    if not text:
        raise DomainError(E.REASON_REQUIRED, what="报告内容")
    if len(text) > SUMMARY_MAX:
        raise DomainError(E.BAD_FIELD, field="报告内容", reason=f"不能超过{SUMMARY_MAX}字")
    if report.submitted_on is not None:
        raise DomainError(E.STUDIO_REPORT_DONE, period=report.period_label)
    start = period_start(report.studio.cadence, report.period_end)
    if today < start:
        raise DomainError(E.STUDIO_REPORT_EARLY, period=report.period_label)
    report.submitted_on, report.summary = today, text
    report.save(update_fields=["submitted_on", "summary"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=report,
        changes={
            "after": {
                "报告期": report.period_label,
                "报送日期": today.isoformat(),
                "逾期": today > report.due_on,
            }
        },
        actor=actor,
    )
    return report


def period_start(cadence: str, period_end: dt.date) -> dt.date:
    months = {"monthly": 1, "quarterly": 3, "half_yearly": 6}.get(str(cadence), 12)
    m = period_end.month - months + 1
    return dt.date(period_end.year, m, 1)


@transaction.atomic
def community_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    lead: Teacher,
    subject: str = "",
    members: Iterable[Teacher] = (),
) -> ResearchCommunity:
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError(E.STUDIO_NAME)
    if kind not in CommunityKind.values:
        raise DomainError(E.BAD_FIELD, field="类型", reason="请选择学科、班主任或校长研修共同体")
    if kind == CommunityKind.SUBJECT:
        from .services import check_subject

        subject = check_subject(subject or "")
    else:
        subject = ""
    if lead.school_id is None:
        raise DomainError(E.STUDIO_LEAD_SCHOOL, name=lead.name)
    lead_school = School.objects.get(pk=lead.school_id)
    _ensure_edit(actor, lead_school)
    community = ResearchCommunity.objects.create(
        name=name, kind=kind, subject=subject, lead=lead, lead_school=lead_school
    )
    community.members.set(_check_members(lead, members))
    audit_record(
        action=AuditAction.CREATE, instance=community, changes={"after": snapshot(community)}, actor=actor
    )
    return community


@transaction.atomic
def activity_add(
    *,
    actor: User | None,
    community: ResearchCommunity,
    held_on: dt.date,
    title: str,
    participants: int = 0,
    summary: str = "",
    today: dt.date,
) -> CommunityActivity:
    _ensure_edit(actor, community)
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise DomainError(E.BAD_FIELD, field="活动主题", reason="请填写，不超过100字")
    if held_on > today:
        raise DomainError(E.BAD_FIELD, field="活动日期", reason="不能晚于今天")
    if not 0 <= participants <= 2000:
        raise DomainError(E.BAD_FIELD, field="参加人数", reason="应为0～2000")
    row = CommunityActivity.objects.create(
        community=community,
        held_on=held_on,
        title=title,
        participants=participants,
        summary=(summary or "").strip()[:500],
    )
    audit_record(action=AuditAction.CREATE, instance=row, changes={"after": snapshot(row)}, actor=actor)
    return row


# --- reads ---


@dataclass(frozen=True)
class StudioRow:
    studio: Studio
    members: int
    submitted: int
    due: int  # periods whose due date has passed
    overdue: list[StudioReport]
    next_report: StudioReport | None

    @property
    def on_time(self) -> int:
        return self.submitted


def studio_board(*, actor: Any, today: dt.date) -> list[StudioRow]:
    """Each studio in scope with its counts: members, reports filed, reports due so far, the
    overdue ones (due date passed, nothing filed) and the next one to file."""
    studios = list(
        scoped(Studio, actor)
        .select_related("lead", "lead_school")
        .prefetch_related("reports", "members")
        .order_by("kind", "name", "pk")
    )
    rows = []
    for s in studios:
        reports = sorted(s.reports.all(), key=lambda r: r.period_end)
        overdue = [r for r in reports if r.is_overdue(today)]
        upcoming = [r for r in reports if r.submitted_on is None and r.due_on >= today]
        rows.append(
            StudioRow(
                studio=s,
                members=len(s.members.all()),
                submitted=sum(1 for r in reports if r.submitted_on is not None),
                due=sum(1 for r in reports if r.due_on < today),
                overdue=overdue,
                next_report=upcoming[0] if upcoming else None,
            )
        )
    return rows


def overdue_reports(*, actor: Any, today: dt.date) -> QuerySet[StudioReport]:
    return (
        scoped(StudioReport, actor)
        .filter(submitted_on__isnull=True, due_on__lt=today)
        .select_related("studio", "studio__lead", "studio__lead_school")
        .order_by("due_on", "pk")
    )


def studio_reports(*, actor: Any, studio: Studio) -> QuerySet[StudioReport]:
    return scoped(StudioReport, actor).filter(studio=studio).order_by("period_end")


def communities(*, actor: Any) -> QuerySet[ResearchCommunity]:
    return (
        scoped(ResearchCommunity, actor)
        .select_related("lead", "lead_school")
        .prefetch_related("activities", "members")
        .order_by("kind", "name", "pk")
    )


def studios_led_by(teacher_id: int | None) -> QuerySet[Studio]:
    """The studios a teacher leads (for their own page: the reports they file)."""
    return Studio.objects.filter(lead_id=teacher_id).order_by("name") if teacher_id else Studio.objects.none()


def reports_to_file(*, teacher_id: int, today: dt.date) -> list[StudioReport]:
    """The unfiled reports of the studios a teacher leads whose period has begun (for their page)."""
    rows = (
        StudioReport.objects.filter(studio__lead_id=teacher_id, submitted_on__isnull=True)
        .select_related("studio")
        .order_by("due_on", "pk")
    )
    return [r for r in rows if period_start(r.studio.cadence, r.period_end) <= today][:12]
