"""The planning module's registered report: the places forecast — towns short of places first,
then demand against places by town, stage and year, the back-test beside it, the layout list, the
late projects and the standards used. Failures (缺口, 逾期) are marked in the summary and the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.reports import Document, Param, Section, Verdict, read_as, register_report
from edugov.reports.registry import integer

from . import selectors

if TYPE_CHECKING:
    from edugov.accounts.models import User


def places_document(*, actor: User | None, horizon: int | None = None) -> Document:
    reader = read_as(actor)
    today = timezone.localdate()
    o = selectors.planning_overview(actor=reader, horizon=horizon or 5)
    data = selectors.inputs(actor=reader)
    short = [r for r in o.rows if r.first_short is not None]
    gaps = Section(
        "一、学位供需（乡镇 × 学段 × 学年）",
        [
            "乡镇（街道）",
            "学段",
            "学年",
            "预测在校生",
            "其中新建住宅",
            "学位",
            "缺口",
            "预计大班额（个）",
            "是否满足",
        ],
        [
            [
                r.town,
                r.stage_label,
                f"{c['year']}学年",
                c["demand"],
                c["housing"],
                c["places"],
                c["gap"],
                c["oversized_classes"],
                "不符合" if c["gap"] < 0 else "满足",
            ]
            for r in o.rows
            for c in r.cells
        ],
        note=(
            "学位 = 普通教室 × 标准班额（小学45人、初中50人）+ 已竣工或计划竣工项目新增学位；"
            "缺口为负数表示学位不足。"
        ),
        key="gaps",
    )
    accuracy = Section(
        "二、预测准确度（回测）",
        ["学段", "乡镇（街道）", "比较次数", "平均绝对百分比误差（%）"],
        [[b["stage"], b["town"], b["n"], b["mape"]] for b in o.backtest],
        note="用往年数据按同一方法预测其后各年，与实际在校生比较。",
        key="backtest",
    )
    layout = Section(
        "三、布局调整需研究的学校",
        ["乡镇（街道）", "学校", "在校生", "原因"],
        [
            [r["town"], r["school"], r["pupils"], "；".join(r["reasons"])]
            for r in selectors.layout_list(actor=reader, data=data)
        ],
        key="layout",
    )
    board = selectors.project_board(actor=reader, today=today)
    late = [r for r in board if r.late or r.overdue]
    projects = Section(
        "四、建设项目",
        ["项目", "学校", "新增学位", "计划竣工", "节点完成", "进度"],
        [
            [
                r.project.name,
                r.project.school.name,
                r.project.places_added,
                r.project.planned_completion,
                f"{r.done}/{r.total}",
                "逾期" if (r.late or r.overdue) else r.project.get_status_display(),
            ]
            for r in board
        ],
        key="projects",
    )
    basis = Section("五、方法与依据", ["内容"], [[o.method], *[[c] for c in o.citations]], key="standards")
    overall = next((b for b in o.backtest if b["town"] == "全区"), None)
    return Document(
        title="学位需求预测报告",
        subtitle=f"以{o.base_year}学年为基年" if o.base_year else "",
        date=today,
        summary=[
            ("基年", f"{o.base_year}学年" if o.base_year else "—"),
            ("预测年份", f"{o.years[0]}～{o.years[-1]}学年" if o.years else "—"),
            ("将缺学位的乡镇学段", f"{len(short)}个"),
            (
                "回测平均误差",
                "；".join(f"{b['stage']}{b['mape']}%" for b in o.backtest if b["town"] == "全区") or "—",
            ),
            ("逾期项目", f"{len(late)}个"),
        ],
        verdicts=[
            Verdict(f"{r.town}{r.stage_label}", "不符合", f"自{r.first_short}学年学位不足") for r in short
        ],
        failures=[f"{r.town}{r.stage_label}自{r.first_short}学年学位不足" for r in short]
        + [f"{r.project.name}逾期" for r in late],
        sections=[gaps, accuracy, layout, projects, basis],
        filename=f"学位需求预测报告_{o.base_year or ''}",
        audit={"overall_mape": overall["mape"] if overall else None},
    )


register_report(
    "planning.places",
    "学位需求预测报告",
    action="planning.report",
    builder=places_document,
    params=(Param("horizon", "预测年数（1～10）", integer),),
    model="planning.ForecastRun",
)
