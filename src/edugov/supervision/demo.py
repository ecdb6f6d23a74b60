"""Demo story of supervision: a routine plan of responsible inspectors (责任督学挂牌督导) over the
district's first schools, with submitted and draft visits whose findings are raised as rectification
items. Seeded by ctx.rng and dated from the reference time (the day the demo is built for) only."""

from __future__ import annotations

import datetime as dt

from edugov.accounts.models import User
from edugov.demo.base import BEIJING, DemoContext, register_generator

from . import services
from .models import SupervisionPlan, SupervisionVisit


def build_supervision(ctx: DemoContext) -> None:
    reg = ctx.state["registry"]
    district = reg.districts[0]
    schools = [s for s in reg.schools if s.area.parent_id == district.pk]
    rng = ctx.rng("supervision")
    ref = dt.datetime.combine(ctx.today, dt.time(9), tzinfo=BEIJING)
    today = ref.date()
    admin = User.objects.filter(username="admin").first()
    inspector = User.objects.filter(username="inspector").first()
    if admin is None or inspector is None or not schools:
        return
    code = "responsible_inspector"
    start = today - dt.timedelta(days=40)
    plan_schools = schools[: min(10, len(schools))]
    plan = services.plan_create(
        actor=admin,
        title=f"{start.year}年责任督学挂牌督导（第{'一二三四'[(start.month - 1) // 3]}季度）",
        kind="routine",
        checklist_code=code,
        start_date=start,
        end_date=today + dt.timedelta(days=20),
        school_ids=[s.pk for s in plan_schools],
        inspector_ids=[inspector.pk],
        area=district,
        now=ref - dt.timedelta(days=45),
    )
    items = services.checklists()[code]["items"]
    for j, s in enumerate(plan_schools[: max(1, len(plan_schools) * 2 // 3)]):
        when = ref - dt.timedelta(days=35 - 3 * j)
        entries = {}
        for it in items:
            top = float(it["max_score"])
            score = round(top * rng.choice([1, 1, 0.9, 0.8, 0.7, 0.5]), 1)
            note = "现场查看发现不足，已当面反馈" if score < top * 0.6 else ""
            entries[it["code"]] = {"score": score, "note": note, "flagged": False}
        services.visit_save(
            actor=inspector,
            plan=plan,
            school_id=s.pk,
            visited_on=when.date(),
            entries=entries,
            summary="学校整体工作规范，个别方面需改进。",
            submit=j % 4 != 3,
            now=when,
        )
    ctx.count("督导记录", SupervisionVisit.objects.count())


def reset_supervision() -> None:
    SupervisionPlan.objects.all().delete()  # visits go with their plan


def register() -> None:
    # After rectification (900): the findings become items of its loop.
    register_generator("supervision", build_supervision, order=910, reset=reset_supervision)
