"""The planning app's finding sources for the rectification loop: a town whose places (classrooms x
standard class size, plus projects completing) fall short of the forecast within three years, and a
construction project past its planned completion. Stable cause keys: a rerun refreshes the items."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from . import selectors

SHORT = "planning.places_short"
LATE = "planning.project_late"
PRIVATE = "planning.private_over_plan"
BLACK = "planning.project_black_list"
WITHIN_YEARS = 3


def places_short(ctx: FindingContext) -> Iterator[Finding]:
    o = selectors.planning_overview(actor=ctx.reader(), horizon=WITHIN_YEARS)
    for r in o.rows:
        if r.first_short is None:
            continue
        cell = next(c for c in r.cells if c["year"] == r.first_short)
        yield Finding(
            cause_key=f"{SHORT}:{r.town_id}:{r.stage}:{o.base_year}",
            source=SHORT,
            unit=Unit.area(r.town_id),
            title=f"{r.town}{r.stage_label}学位自{r.first_short}学年不足",
            evidence=(
                f"以{o.base_year}学年为基年按年级推移法预测：{r.first_short}学年{r.stage_label}在校生约"
                f"{cell['demand']}人，学位{cell['places']}个（普通教室×标准班额，含届时竣工项目），"
                f"缺口{-cell['gap']}个；该预测方法回测误差"
                + (f"{r.mape:.1f}%。" if r.mape is not None else "无法计算（记录年份不足）。")
            ),
            severity="high" if r.first_short == o.years[0] else "medium",
            required_action="研究新建、改扩建学校或调整施教区范围，提出补足学位的方案并纳入建设项目。",
            department=Department.PLANNING_FINANCE,
            deadline_days=180,
            data={"town": r.town, "stage": r.stage, "first_short": r.first_short, "gap": cell["gap"]},
        )


def projects_late(ctx: FindingContext) -> Iterator[Finding]:
    today = timezone.localdate()
    for r in selectors.project_board(actor=ctx.reader(), today=today):
        if not r.late:
            continue
        p = r.project
        yield Finding(
            cause_key=f"{LATE}:{p.pk}",
            source=LATE,
            unit=Unit.school(p.school_id),
            title=f"{p.name}逾期未竣工",
            evidence=(
                f"计划{p.planned_completion:%Y年%m月%d日}竣工，至{today:%Y年%m月%d日}未竣工；"
                f"节点完成{r.done}/{r.total}" + (f"，逾期节点：{'；'.join(r.overdue)}" if r.overdue else "")
            ),
            severity="high",
            required_action="查明延误原因，制定赶工计划，明确新的竣工日期并按月报送进度。",
            department=Department.PLANNING_FINANCE,
            deadline_days=60,
            data={"project": p.pk, "places": p.places_added},
        )


def project_black_list(ctx: FindingContext) -> Iterator[Finding]:
    """Projects on the black list of the latest published month (the late ones are raised by
    projects_late already): each becomes an item of its school, so the rectification loop tracks
    it and its own lists count it."""
    from .models import ListStatus, Project

    reader = ctx.reader()
    plist = selectors.project_lists(actor=reader).filter(status=ListStatus.PUBLISHED).first()
    if plist is None:
        return
    black = [e for e in plist.entries if e.get("list") == "黑榜" and not e.get("late")]
    schools = dict(
        Project.objects.filter(pk__in=[e["project_id"] for e in black]).values_list("pk", "school_id")
    )
    for e in black:
        if e["project_id"] not in schools:
            continue
        yield Finding(
            cause_key=f"{BLACK}:{plist.pk}:{e['project_id']}",
            source=BLACK,
            unit=Unit.school(schools[e["project_id"]]),
            title=f"{e['project']}列入{plist.month:%Y年%m月}项目建设黑榜",
            evidence=(
                f"{plist.title}（{plist.notice_number}）：得分{e['score']:g}，第{e['rank']}名；"
                + "；".join(e["flags"])
                + "。"
            ),
            severity="medium",
            required_action="查明进度滞后原因，制定赶工措施，按月报送进度，下月通报前追回计划进度。",
            department=Department.PLANNING_FINANCE,
            deadline_days=30,
            data={"list": plist.pk, "project": e["project_id"], "score": e["score"]},
        )


def private_over_plan(ctx: FindingContext) -> Iterator[Finding]:
    o = selectors.private_overview(actor=ctx.reader())
    for r in o.rows:
        if not (r.over_plan or r.over_scale):
            continue
        row = r.row
        yield Finding(
            cause_key=f"{PRIVATE}:{row.school_id}:{row.year}",
            source=PRIVATE,
            unit=Unit.school(row.school_id),
            title=f"{row.school.name}{row.year}年超计划招生"
            if r.over_plan
            else f"{row.school.name}超核定规模办学",
            evidence="；".join(r.problems) + "。",
            severity="high" if r.over_scale else "medium",
            required_action="核减次年招生计划，不得超核定规模办学；说明超计划招生原因并报教育局备案。",
            department=Department.PLANNING_FINANCE,
            deadline_days=90,
            data={
                "year": row.year,
                "plan": row.plan_enrolment,
                "actual": row.actual_enrolment,
                "pupils": row.pupils,
                "scale": row.approved_scale,
            },
        )


def register() -> None:
    register_finding_source(SHORT, places_short, label="学位不足（三年内）")
    register_finding_source(LATE, projects_late, label="建设项目逾期")
    register_finding_source(PRIVATE, private_over_plan, label="民办学校超计划招生")
    register_finding_source(BLACK, project_black_list, label="建设项目列入黑榜")
