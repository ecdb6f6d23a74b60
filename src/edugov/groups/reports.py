"""The groups module's registered report: a group's annual report (summary first) — its members,
the eight unifications of the term with what is missing, the activities counted for every member,
joint classes, and each member's distance to the lead school year by year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.common.dates import cn_datetime
from edugov.common.errors import DomainError
from edugov.reports import Document, LineChart, Param, Section, Verdict, read_as, register_report
from edugov.reports.registry import integer

from . import selectors
from .effect import EffectSeries, StoredEffect, effect_stored
from .errors import GroupsError as E
from .services import check_term, term_label, term_of

if TYPE_CHECKING:
    from edugov.accounts.models import User


def group_document(*, actor: User | None, group: int | None = None, term: str | None = None) -> Document:
    reader = read_as(actor)
    g = selectors.group_get(actor=reader, pk=group)
    if g is None:
        raise DomainError(E.BAD_FIELD, field="集团", reason="不存在或不在您的数据范围内")
    today = timezone.localdate()
    term = check_term(term) if term else term_of(today)
    members = selectors.members(g)
    rows = selectors.unification_rows(g, term)
    missing = [r for r in rows if r.status != "ok"]
    stored = effect_stored(g)  # as last computed (services.effect_refresh): a report computes nothing
    effect, measures = stored.effect, stored.measures
    classes = list(selectors.joint_classes(g))
    credited = selectors.member_activity(g, term)
    narrowing = sum(1 for s in effect.series if s.verdict == "差距缩小")
    value_added = next((m for m in measures if m.code == "value_added" and m.available), None)
    doc = Document(
        title=f"{g.name}年度报告",
        subtitle=f"{g.get_kind_display()}·{term_label(term)}",
        date=today,
        summary=[
            ("集团类型", g.get_kind_display()),
            ("牵头学校", g.lead_school.name),
            ("成员校", f"{sum(1 for m in members if m.left_on is None)}所（含牵头学校）"),
            ("本学期活动", f"{credited[0].credited if credited else 0}次（每所成员校均计入）"),
            ("八个统一已落实", f"{8 - len(missing)}项"),
            ("联合办班", f"{len(classes)}个，学位{sum(c.pupils for c in classes)}个"),
            ("与牵头学校差距缩小的成员校", f"{narrowing}所，共{len(effect.series)}所（优质均衡指标）"),
            *(
                [
                    (
                        "增值评价差距缩小的成员校",
                        f"{sum(1 for s in value_added.series if s.verdict == '差距缩小')}所，"
                        f"共{len(value_added.series)}所",
                    )
                ]
                if value_added is not None
                else []
            ),
        ],
        verdicts=[Verdict(r.label, "达标" if r.status == "ok" else "未达标", r.status_label) for r in rows],
        failures=[f"“{r.label}”{r.status_label}，未达标" for r in missing],
        sections=[
            Section(
                "一、成员校",
                ["学校", "乡镇（街道）", "加入日期", "退出日期"],
                [[m.school.name, m.school.area.name, m.joined_on, m.left_on or ""] for m in members],
                key="members",
                kinds=["text", "text", "date", "date"],
            ),
            Section(
                "二、八个统一",
                ["事项", "工作计划", "活动（次）", "佐证材料", "佐证文件（个）", "状态"],
                [
                    [r.label, r.plan or "—", r.activities, r.evidence or "—", r.files, r.status_label]
                    for r in rows
                ],
                key="unifications",
                kinds=["text", "text", "int", "text", "int", "text"],
            ),
            Section(
                "三、成员校计入的活动",
                ["学校", "承办（次）", "计入（次）"],
                [[c.school_name, c.hosted, c.credited] for c in credited],
                note="集团活动由承办学校登记一次，计入每一所成员校。",
                key="credited",
                kinds=["text", "int", "int"],
            ),
            Section(
                "四、联合办班",
                ["班级", "承办学校", "合作学校", "年级", "学位数", "接送学生数", "随班流动教师（人）"],
                [
                    [
                        c.name,
                        c.host_school.name,
                        c.partner_school.name,
                        c.grade,
                        c.pupils,
                        c.transported,
                        len(c.teachers.all()),
                    ]
                    for c in classes
                ],
                key="joint_classes",
                kinds=["text", "text", "text", "int", "int", "int", "int"],
            ),
            Section(
                "五、成员校与牵头学校的差距",
                ["学校", "加入学年", *effect.years, "加入前平均差距", "加入后平均差距", "结论"],
                [
                    [
                        s.school_name,
                        f"{s.joined_year}学年",
                        *[g if g is not None else "" for g in s.gaps],
                        s.before if s.before is not None else "",
                        s.after if s.after is not None else "",
                        s.verdict,
                    ]
                    for s in effect.series
                ],
                note=(
                    f"差距 = 牵头学校达标的优质均衡指标项数 − 成员校达标项数（共{effect.indicators}项），"
                    f"按学年计算；数值越小差距越小。{_computed_note(stored)}"
                ),
                key="effect",
                charts=_gap_charts(
                    "各成员校与牵头学校的差距（优质均衡指标）", effect.years, effect.series, "指标项"
                ),
            ),
            Section(
                "六、其他维度的差距",
                ["维度", "学校", *effect.years, "加入前平均差距", "加入后平均差距", "结论"],
                [
                    row
                    for m in measures
                    for row in (
                        [
                            [
                                m.label,
                                s.school_name,
                                *[g if g is not None else "" for g in s.gaps],
                                s.before if s.before is not None else "",
                                s.after if s.after is not None else "",
                                s.verdict,
                            ]
                            for s in m.series
                        ]
                        if m.available
                        else [[m.label, "暂无数据", *["" for _y in effect.years], "", "", ""]]
                    )
                ],
                note="；".join(f"{m.label}：{m.note}" for m in measures),
                key="measures",
                charts=[
                    chart
                    for m in measures
                    if m.available
                    for chart in _gap_charts(
                        f"各成员校与牵头学校的差距（{m.label}）", m.years, m.series, m.unit
                    )
                ],
            ),
        ],
        filename=f"集团年度报告_{g.name}_{term}",
    )
    return doc


def _gap_charts(caption: str, years: list[str], series: list[EffectSeries], unit: str) -> list[LineChart]:
    """The members' gaps year by year as a line chart (a year without data a gap in the line), so
    that a printed report shows whether each gap narrows; none before the effect is computed."""
    if not years or not series:
        return []
    return [
        LineChart(
            caption,
            years,
            [
                (
                    f"{s.school_name}（{s.joined_year}学年加入）",
                    [None if g is None else float(g) for g in s.gaps],
                )
                for s in series
            ],
            x_title="学年",
            y_title="与牵头学校的差距",
            unit=unit,
            baseline=0,
            baseline_label="0：与牵头学校持平",
            series_title="成员校",
        )
    ]


def _computed_note(stored: StoredEffect) -> str:
    if stored.computed_at is None:
        return "办学成效尚未计算，数据变化后由后台计算。"
    after = "，此后数据有变化，正在重新计算。" if stored.stale else "。"
    return f"计算于{cn_datetime(stored.computed_at)}{after}"


def first_group(reader: User) -> list[dict[str, str]]:
    """The report a reader asks first: of the first group of their list (a member school's own
    group), for the current term, as the group page links it."""
    pk = selectors.group_list(actor=reader).values_list("pk", flat=True).first()
    return [] if pk is None else [{"group": str(pk), "term": term_of(timezone.localdate())}]


register_report(
    "groups.annual",
    "集团年度报告",
    action="groups.report",
    builder=group_document,
    params=(
        Param("group", "集团编号", integer, required=True),
        Param("term", "学期（如2026-2027-1）"),
    ),
    model="groups.SchoolGroup",
    first_params=first_group,
)
