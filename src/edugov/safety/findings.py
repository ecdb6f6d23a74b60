"""The safety app's finding sources for the rectification loop: a town or school whose grid has
cells without a responsible person (格中无人); a school behind the term's required drills; a
school whose classes acknowledged the last holiday day's reminder under the target. Hazards become
items directly when they are recorded (services.inspection_record), not through a source."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from . import rules, selectors
from .models import DrillKind, GridCell, HolidayDay

CELLS_WITHOUT_PERSON = "safety.cells_without_person"
DRILLS_OVERDUE = "safety.drills_overdue"
REMINDERS_UNDER_TARGET = "safety.reminders_under_target"


def cells_without_person(ctx: FindingContext) -> Iterator[Finding]:
    cells = GridCell.objects.all()
    if ctx.area is not None:
        cells = cells.filter(area__path__startswith=ctx.area.path)
    rows = (
        cells.values("area_id", "area__name", "school_id", "school__name")
        .annotate(total=Count("pk"), without=Count("pk", filter=Q(person_name="")))
        .filter(without__gt=0)
        .order_by("area_id", "school_id")
    )
    for r in rows:
        school = r["school_id"]
        name = r["school__name"] or r["area__name"]
        yield Finding(
            cause_key=f"{CELLS_WITHOUT_PERSON}:{'school' if school else 'area'}:{school or r['area_id']}",
            source=CELLS_WITHOUT_PERSON,
            unit=Unit.school(school) if school else Unit.area(r["area_id"]),
            title=f"{name}有{r['without']}个安全网格未落实网格员",
            evidence=f"{name}共{r['total']}个安全网格，其中{r['without']}个没有网格员（格中无人）。",
            severity="medium",
            required_action="为每个网格落实网格员及联系电话，做到格中有人、人人有责。",
            department=Department.SAFETY,
            deadline_days=15,
            data={"cells": r["total"], "without": r["without"]},
        )


def drills_overdue(ctx: FindingContext) -> Iterator[Finding]:
    today = timezone.localdate(ctx.now)
    term = selectors.current_term(today)
    if term is None:
        return
    for s in selectors.drills_overdue(actor=ctx.reader(), on=today):
        behind = "、".join(
            f"{DrillKind(k).label}应{n}次已{s.done.get(k, 0)}次"
            for k, n in s.due.items()
            if s.done.get(k, 0) < n
        )
        yield Finding(
            cause_key=f"{DRILLS_OVERDUE}:{term.pk}:{s.school_id}",
            source=DRILLS_OVERDUE,
            unit=Unit.school(s.school_id),
            title=f"{s.school}应急演练未按要求开展",
            evidence=f"{term}截至{today:%Y年%m月%d日}：{behind}（演练频次为数据规则）。",
            severity="medium",
            required_action="按演练指南组织应急演练，并登记演练日期、参与人数和评估。",
            department=Department.SAFETY,
            deadline_days=15,
            data={"term": term.pk, "done": s.done, "due": s.due},
        )


def reminders_under_target(ctx: FindingContext) -> Iterator[Finding]:
    """The last holiday day up to today: schools whose share of acknowledged classes is under the
    target (each school once per holiday)."""
    today = timezone.localdate(ctx.now)
    days = HolidayDay.objects.filter(date__lte=today)
    if ctx.area is not None:
        days = days.filter(
            Q(holiday__area__path__startswith=ctx.area.path)
            | Q(holiday__area__path__in=_ancestors(ctx.area.path))
        )
    day = days.order_by("-date").select_related("holiday").first()
    if day is None or (today - day.date).days > 1:
        return  # no holiday in progress or just ended
    schools = selectors.coverage(actor=ctx.reader(), day=day.date).schools
    target = rules.reminder_target()
    for c in schools:
        if not c.below_target or c.school_id is None:
            continue
        yield Finding(
            cause_key=f"{REMINDERS_UNDER_TARGET}:{day.holiday_id}:{c.school_id}",
            source=REMINDERS_UNDER_TARGET,
            unit=Unit.school(c.school_id),
            title=f"{c.name}{day.holiday.name}安全提醒家长确认率未达标",
            evidence=f"{day.date:%Y年%m月%d日}：{c.classes}个班级中{c.acknowledged}个有家长确认，"
            f"确认率{c.share or 0:.0%}，低于目标{target:.0%}（本区规则）。",
            severity="medium",
            required_action="督促班主任当天转发提醒并落实家长确认，逐班核对未确认原因。",
            department=Department.SAFETY,
            deadline_days=3,
            data={"day": str(day.date), "classes": c.classes, "acknowledged": c.acknowledged},
        )


def _ancestors(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def register() -> None:
    register_finding_source(CELLS_WITHOUT_PERSON, cells_without_person, label="安全网格未落实网格员")
    register_finding_source(DRILLS_OVERDUE, drills_overdue, label="应急演练未按要求开展")
    register_finding_source(REMINDERS_UNDER_TARGET, reminders_under_target, label="假期提醒家长确认率未达标")
