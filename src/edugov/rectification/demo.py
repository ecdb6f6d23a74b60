"""The rectification story of the demo district: items from every source in every state (some
overdue, one reopened), the timeline with evidence, a generated town boundary file, and a published
red and black list. Seeded by ctx.rng and dated back from the day the demo is built for (ctx.today)
only, so whenever it is built some items are overdue and others not yet due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from edugov.accounts.models import User
from edugov.demo.base import BEIJING, DemoContext, register_generator

from . import geo, rankings, services
from .findings import Finding, Unit
from .models import (
    Attachment,
    Boundary,
    EventAction,
    ItemEvent,
    ItemSource,
    Notification,
    Ranking,
    RectificationItem,
)
from .sources import OVERSIZED
from .strategy import MILESTONE_OVERDUE

PROBLEMS = {
    ItemSource.SUPERVISION: [
        ("课后服务未按“5+2”要求开展", "每周至少5天、每天不少于2小时开展课后服务", "supervision_office"),
        ("作业公示栏未按周更新", "落实作业公示制度，班级每日公示书面作业", "basic_education"),
        ("消防通道堆放杂物", "立即清理消防通道，建立每日巡查制度", "safety"),
    ],
    ItemSource.LEADER_VISIT: [
        ("教学楼卫生间老旧漏水", "纳入年度维修计划，开学前完成改造", "planning_finance"),
        ("学校反映音体美教师短缺", "通过交流轮岗补足音体美专任教师", "personnel"),
    ],
    ItemSource.COMPLAINT: [
        ("家长投诉学校违规组织有偿补课", "核查事实，责令退费并对相关教师严肃处理", "basic_education"),
        ("家长反映放学时段校门口交通拥堵", "协调交警设置护学岗，错峰放学", "safety"),
    ],
    ItemSource.MANUAL: [
        ("学籍数据与实际在校人数不一致", "核对学籍系统，按月报送变动", "basic_education"),
    ],
}
STATES = [
    "open",
    "assigned",
    "in_rectification",
    "evidence_submitted",
    "returned",
    "closed",
    "closed",
    "assigned",
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo evidence\n%%EOF\n", content_type="application/pdf")


def _move(item: RectificationItem, target: str, *, now: dt.datetime, officer: Any, unit_user: Any) -> None:
    """Walk an item along the workflow as the demo's officer and school; schools without an account
    are answered as the system (the timeline says 系统)."""
    T = services.TRANSITIONS
    steps = {
        "open": [],
        "assigned": ["assign"],
        "in_rectification": ["assign", "start"],
        "evidence_submitted": ["assign", "start", "submit"],
        "returned": ["assign", "start", "submit", "return"],
        "closed": ["assign", "start", "submit", "verify"],
    }[target]
    t = now
    for step in steps:
        t += dt.timedelta(days=3)
        who = officer if step in ("assign", "verify", "return") else unit_user
        files = [_pdf("整改情况报告.pdf")] if step == "submit" else []
        comment = {
            "assign": "请按期完成整改并上传佐证材料",
            "start": "已制定整改方案",
            "submit": "已完成整改，附整改报告和现场照片",
            "verify": "经现场核查，整改到位，予以销号",
            "return": "佐证材料不完整，请补充现场照片",
        }[step]
        extra: dict[str, Any] = {}
        if step == "verify":
            extra = {"closed_at": t, "closed_on_time": t.date() <= item.deadline}
        if step == "assign":
            extra = {"responsible_name": "校长" if item.school_id else "分管负责人"}
        services._apply(item=item, t=T[step], actor=who, now=t, comment=comment, files=files, extra=extra)


def build_rectification(ctx: DemoContext) -> None:
    reg = ctx.state["registry"]
    district = reg.districts[0]
    rng = ctx.rng("rectification")
    ref = dt.datetime.combine(ctx.today, dt.time(9), tzinfo=BEIJING)
    officer = User.objects.filter(username="officer_jc").first()
    admin = User.objects.filter(username="admin").first()
    school1 = User.objects.filter(username="school1").first()

    geo.boundary_save(district=district, geojson=geo.generate_boundary(district), generated=True,
                      original_name="演示区县示意边界", now=ref)  # fmt: skip

    # Data findings, computed two and a half months ago.
    services.findings_sync(source=OVERSIZED, area=district, now=ref - dt.timedelta(days=75))
    schools = [s for s in reg.schools if s.area.parent_id == district.pk]
    manual: list[RectificationItem] = []
    n = max(12, min(60, int(16 * ctx.scale)))
    for i in range(n):
        source = list(PROBLEMS)[i % len(PROBLEMS)]
        title, action, dept = rng.choice(PROBLEMS[source])
        school = reg.first_urban_primary if i % 5 == 0 else rng.choice(schools)
        created = ref - dt.timedelta(days=rng.randint(20, 80))
        f = Finding(cause_key=f"demo:{source}:{i}", source="demo", unit=Unit.school(school.pk),
                    title=f"{school.name}{title}", evidence=f"{ItemSource(source).label}发现：{title}。",
                    severity=rng.choice(["low", "medium", "medium", "high"]), required_action=action,
                    department=dept, deadline_days=rng.choice([15, 30, 45]))  # fmt: skip
        item = services.item_create_system(finding=f, source=source, now=created, created_by=officer)
        item.cause_key, item.finding_source = "", ""  # hand-entered items carry no cause key
        item.save(update_fields=["cause_key", "finding_source"])
        manual.append(item)
    items = list(RectificationItem.objects.filter(area__path__startswith=district.path).order_by("pk"))
    # Strategic tasks and leader liaison raise their own items (left in their state).
    from .demo_work import build_work

    build_work(ctx, district=district, schools=schools, ref=ref)
    services.findings_sync(source=MILESTONE_OVERDUE, area=district, now=ref - dt.timedelta(days=1))
    for k, item in enumerate(items):
        target = STATES[k % len(STATES)]
        unit_user = school1 if item.school_id == reg.first_urban_primary.pk else None
        _move(item, target, now=item.created_at, officer=officer, unit_user=unit_user)
    # One closed data finding reopens: the next computation still finds the oversized classes.
    services.findings_sync(source=OVERSIZED, area=district, now=ref - dt.timedelta(days=5))
    services.items_escalate_overdue(now=ref - dt.timedelta(days=1), area=district)
    services.items_escalate_overdue(now=ref, area=district)

    if admin is not None:
        last_month = ref.date().replace(day=1) - dt.timedelta(days=1)
        start, end = rankings.period_bounds("month", last_month.year, last_month.month)
        r = rankings.ranking_create(user=admin, area=district, period_kind="month", period_start=start,
                                    period_end=end, now=ref)  # fmt: skip
        rankings.ranking_approve(ranking=r, user=admin, now=ref)
        rankings.ranking_publish(ranking=r, user=admin, now=ref)
    ctx.count("整改事项", RectificationItem.objects.count())
    ctx.count("整改记录", ItemEvent.objects.count())


def reset_rectification() -> None:
    from .models import KeyTask, LeaderVisit, LiaisonLink, TaskGoal

    tables: list[type[Model]] = [LeaderVisit, LiaisonLink, KeyTask, TaskGoal]
    tables += [Notification, Attachment, ItemEvent, RectificationItem, Ranking, Boundary]
    for model in tables:
        model._default_manager.all().delete()


def register() -> None:
    register_generator("rectification", build_rectification, order=900, reset=reset_rectification)


__all__ = ["EventAction", "register"]
