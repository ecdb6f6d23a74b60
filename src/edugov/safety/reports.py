"""The safety module's registered reports: the hazard ledger (隐患台账) with open hazards by
severity, the grid's coverage and today's reminder coverage; the latest holiday's reminder
coverage by day and school; the term's drills by school against the required frequency. Failures
are marked in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.accounts.scope import scoped
from edugov.reports import ColumnKind, Document, Section, read_as, register_report

from . import rules, selectors
from .models import Drill, DrillKind, Holiday

if TYPE_CHECKING:
    from edugov.accounts.models import User


def ledger_document(*, actor: User | None) -> Document:
    reader = read_as(actor)
    today = timezone.localdate()
    o = selectors.overview(actor=reader, today=today)
    hazards = selectors.hazard_rows(actor=reader)
    overdue = [h for h in hazards if h["open"] and h["deadline"] < today]
    ledger = Section(
        "一、隐患台账",
        ["镇街", "学校", "排查日期", "类别", "隐患", "等级", "整改期限", "状态"],
        [
            [
                h["inspection__school__area__name"],
                h["inspection__school__name"],
                h["inspection__inspected_on"],
                h["kind_label"],
                h["description"],
                h["severity_label"],
                h["deadline"],
                "已销号" if not h["open"] else ("逾期未整改" if h["deadline"] < today else "整改中"),
            ]
            for h in hazards
        ],
        kinds=["text", "text", "date", "text", "text", "text", "date", "text"],
        key="hazards",
    )
    grid = Section(
        "二、网格覆盖",
        ["镇街", "网格数", "无网格员", "结论"],
        [
            [t["area__name"], t["total"], t["without"], "未达标" if t["without"] else "达标"]
            for t in o.cells_by_town
        ],
        kinds=["text", "int", "int", "text"],
        key="grid",
    )
    target = rules.reminder_target()
    reminders = Section(
        "三、今日假期提醒家长确认",
        ["镇街", "班级数", "家长已确认班级", "确认率", "结论"],
        [
            [c.name, c.classes, c.acknowledged, c.share, "未达标" if c.below_target else "达标"]
            for c in o.towns
        ],
        kinds=["text", "int", "int", "percent", "text"],
        note=f"确认率 = 有家长确认的班级 ÷ 班级数；目标{target:.0%}（本区规则）。",
        key="reminders",
    )
    failures = []
    if overdue:
        failures.append(f"{len(overdue)}处隐患逾期未整改")
    if o.cells_without_person:
        failures.append(f"{o.cells_without_person}个网格未落实网格员")
    low = [c.name for c in o.towns if c.below_target]
    if low:
        failures.append(f"今日提醒确认率未达标：{'、'.join(low)}")
    return Document(
        title="校园安全隐患台账",
        date=today,
        summary=[
            ("安全网格", f"{o.cells}个（无网格员{o.cells_without_person}个）"),
            *[(f"未销号{label}", f"{n}处") for label, n in o.hazards_open.items()],
            ("逾期未整改", f"{len(overdue)}处"),
            ("待处理溺水隐患举报", f"{o.reports_new}件"),
        ],
        failures=failures,
        sections=[ledger, grid, reminders],
        filename=f"校园安全隐患台账_{today:%Y%m%d}",
    )


register_report(
    "safety.ledger",
    "校园安全隐患台账",
    action="safety.report",
    builder=ledger_document,
    model="safety.Hazard",
)


def reminders_document(*, actor: User | None) -> Document:
    """The latest holiday's reminders: each day's coverage, and each school's on the last day so far."""
    reader = read_as(actor)
    today = timezone.localdate()
    target = rules.reminder_target()
    holiday = scoped(Holiday, reader).filter(starts_on__lte=today).order_by("-starts_on").first()
    days = list(holiday.days.filter(date__lte=today).order_by("date")) if holiday else []
    by_day = []
    last: list[selectors.Coverage] = []
    for day in days:
        cov = selectors.coverage(actor=reader, day=day.date)
        towns, schools = cov.towns, cov.schools
        classes = sum(t.classes for t in towns)
        acknowledged = sum(t.acknowledged for t in towns)
        share = acknowledged / classes if classes else None
        by_day.append(
            [
                day.date,
                day.topic,
                classes,
                sum(t.sent for t in towns),
                sum(t.confirmed for t in towns),
                acknowledged,
                share,
                sum(t.acks for t in towns),
                "未达标" if share is not None and share < target else "达标",
            ]
        )
        last = schools
    note = f"确认率 = 有家长确认的班级 ÷ 班级数；目标{target:.0%}（本区规则）。"
    daily = Section(
        "一、逐日确认情况",
        [
            "日期",
            "主题",
            "班级数",
            "已发送",
            "班主任确认",
            "家长已确认班级",
            "确认率",
            "家长确认人次",
            "结论",
        ],
        by_day,
        kinds=["date", "text", "int", "int", "int", "int", "percent", "int", "text"],
        note=note,
        key="days",
    )
    schools_section = Section(
        f"二、各校确认情况（{days[-1].date:%Y年%m月%d日}）" if days else "二、各校确认情况",
        ["学校", "班级数", "班主任确认", "家长已确认班级", "确认率", "结论"],
        [
            [c.name, c.classes, c.confirmed, c.acknowledged, c.share, "未达标" if c.below_target else "达标"]
            for c in last
        ],
        kinds=["text", "int", "int", "int", "percent", "text"],
        key="schools",
    )
    low = [c.name for c in last if c.below_target]
    return Document(
        title="假期安全提醒家长确认情况",
        date=today,
        summary=[
            ("假期", holiday.name if holiday else "暂无假期"),
            ("已过提醒日", f"{len(days)}天"),
            ("最近一日未达标学校", f"{len(low)}所"),
        ],
        failures=[f"最近一日确认率未达标：{'、'.join(low[:20])}{'等' if len(low) > 20 else ''}"]
        if low
        else [],
        sections=[daily, schools_section],
        filename=f"假期安全提醒确认_{today:%Y%m%d}",
    )


DRILLS_NOTE = (
    "应开展次数 = 每学期要求次数 × 已过天数 ÷ 学期天数（取整）；应急疏散开学满30天至少1次"
    "（演练频次为数据规则，待核实）。"
)


def drills_document(*, actor: User | None) -> Document:
    """The term's drills by school against the required frequency (data), and the drills held."""
    reader = read_as(actor)
    today = timezone.localdate()
    term = selectors.current_term(today)
    status = selectors.drill_status(actor=reader, on=today)
    kinds = list(rules.drills_per_term())
    labels = [DrillKind(k).label for k in kinds]
    text_columns: list[ColumnKind] = ["text"] * (len(kinds) + 3)
    overview = Section(
        "一、各校演练进度",
        ["镇街", "学校", *[f"{label}（已/应）" for label in labels], "结论"],
        [
            [
                s.town,
                s.school,
                *[f"{s.done.get(k, 0)}/{s.due[k]}" for k in kinds],
                f"未达要求：{'、'.join(s.overdue)}" if s.overdue else "达标",
            ]
            for s in status
        ],
        kinds=text_columns,
        note=DRILLS_NOTE,
        key="status",
    )
    held = Section(
        "二、本学期演练记录",
        ["学校", "日期", "类型", "参与人数", "评估"],
        [
            [d.school.name, d.held_on, d.get_kind_display(), d.participants, d.evaluation]
            for d in scoped(Drill, reader)
            .filter(term=term)
            .select_related("school")
            .order_by("school__name", "held_on")
        ]
        if term
        else [],
        kinds=["text", "date", "text", "int", "text"],
        key="drills",
    )
    overdue = [s for s in status if s.overdue]
    return Document(
        title="中小学应急演练开展情况",
        date=today,
        summary=[
            ("学期", str(term) if term else "不在学期内"),
            ("学校", f"{len(status)}所"),
            ("演练未达要求", f"{len(overdue)}所"),
        ],
        failures=[f"{len(overdue)}所学校演练未达本学期进度要求"] if overdue else [],
        sections=[overview, held],
        filename=f"应急演练开展情况_{today:%Y%m%d}",
    )


register_report(
    "safety.reminders",
    "假期安全提醒家长确认情况",
    action="safety.report",
    builder=reminders_document,
    model="safety.ClassReminder",
)
register_report(
    "safety.drills",
    "中小学应急演练开展情况",
    action="safety.report",
    builder=drills_document,
    model="safety.Drill",
)
