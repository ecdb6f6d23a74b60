"""The appraisal module's registered report: the school appraisal results (summary first) — bands
and the burden on schools, each school's total, and every indicator's value, score and evidence
trail. Schools only, never pupils."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.registry.models import SchoolYear
from edugov.registry.selectors import current_school_year
from edugov.reports import Document, Param, Section, read_as, register_report

from . import selectors
from .models import ResultLine

if TYPE_CHECKING:
    from edugov.accounts.models import User


def _year(raw: int | None) -> SchoolYear | None:
    if raw is not None:
        found = SchoolYear.objects.filter(start_year=raw).first()
        if found is not None:
            return found
    return current_school_year() or SchoolYear.objects.order_by("-start_year").first()


def _parse_year(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def results_document(*, actor: User | None, year: int | None = None) -> Document:
    reader = read_as(actor)
    school_year = _year(year)
    district = selectors.actor_district(reader) if actor is not None else None
    if district is None:
        from edugov.registry.models import Area, AreaLevel

        district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
    scheme = selectors.scheme_of_district(district=district, school_year=school_year)
    today = timezone.localdate()
    if scheme is None:
        return Document(
            title="学校考核结果",
            subtitle=str(school_year or ""),
            date=today,
            paragraphs=["该学年尚无考核方案。"],
            filename="学校考核结果",
        )
    res = selectors.district_results(actor=reader, scheme=scheme)
    burden = res.burden
    lines = (
        ResultLine.objects.filter(
            result__scheme=scheme, result__school_id__in=[r.school_id for r in res.rows]
        )
        .select_related("result__school__area", "indicator__dimension")
        .order_by(
            "result__school__area__code",
            "result__school__code",
            "indicator__dimension__order",
            "indicator__order",
            "pk",
        )
    )
    return Document(
        title="学校考核结果",
        subtitle=f"{scheme.name}",
        date=today,
        summary=[
            ("参评学校", f"{len(res.rows)}所"),
            *[(label, f"{n}所") for label, n in res.band_counts],
            ("须学校手工填报", f"{burden['entered']}项（平均每校{burden['entered_per_school'] or 0:g}项）"),
            ("由数据自动生成", f"{burden['from_data']}项（占{burden['data_share'] or 0:g}%）"),
            (
                "计算时间",
                f"{timezone.localtime(res.computed_at):%Y-%m-%d %H:%M}" if res.computed_at else "尚未计算",
            ),
        ],
        sections=[
            Section(
                "一、各校总分",
                ["乡镇（街道）", "学校", "总分", "等次", "数据生成项", "手工填报项", "缺项"],
                [
                    [r.town, r.school_name, float(r.total), r.band_label, r.from_data, r.entered, r.missing]
                    for r in res.rows
                ],
                key="schools",
                note="按乡镇和学校排列；等次：优秀≥90，良好80-89.99，合格60-79.99，待改进<60。只考核学校，不涉及学生个人成绩。",
            ),
            Section(
                "二、考核明细与依据",
                ["学校", "维度", "指标", "原始值", "得分率", "权重（%）", "得分", "来源", "依据"],
                [
                    [
                        x.result.school.name,
                        x.indicator.dimension.name,
                        x.indicator.name,
                        "" if x.raw is None else float(x.raw),
                        float(x.score),
                        float(x.weight),
                        float(x.points),
                        f"{x.get_origin_display()}·{x.source_label}",
                        x.detail,
                    ]
                    for x in lines
                ],
                key="lines",
                pdf_columns=[0, 2, 3, 4, 6, 7],
            ),
        ],
        filename=f"学校考核结果_{scheme.school_year.start_year}",
    )


register_report(
    "appraisal.results",
    "学校考核结果",
    action="appraisal.report",
    builder=results_document,
    params=(Param("year", "学年（起始年份，如2025）", parse=_parse_year),),
    model="appraisal.SchoolResult",
)
