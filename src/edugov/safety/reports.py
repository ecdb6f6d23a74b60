"""The safety module's registered report: the hazard ledger (隐患台账) with open hazards by
severity, the grid's coverage and today's reminder coverage; failures are marked in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.reports import Document, Section, read_as, register_report

from . import rules, selectors

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
