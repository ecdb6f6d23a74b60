"""The county self-assessment report (县域义务教育优质均衡发展自评报告 data annex) in one shape:
a list of sections (title, headers, rows) built once from an evaluation, written as XLSX
(one sheet per section), PDF (reportlab, built-in CID font STSong-Light) or JSON (the CLI).
Every school row carries its 学校标识码 and the numerator and denominator behind each value.
The 普及普惠 report (preschool_report) has the same shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, Stage
from edugov.reports import Document, Section, read_as
from edugov.reports.errors import ReportError

from .evaluation import BalancedEvaluation
from .indicators import ALL_PRESCHOOL_INDICATORS, BALANCED_INDICATORS
from .preschool import PreschoolEvaluation

if TYPE_CHECKING:
    from edugov.accounts.models import User


def _section(key: str, title: str, headers: list[str], rows: list[list[Any]], note: str = "") -> Section:
    pdf_columns = None
    if len(headers) > 16:  # a wide table: the PDF keeps codes, names, values and the verdict
        pdf_columns = [
            i
            for i, h in enumerate(headers)
            if (not h.endswith(("分子", "标准", "结论")) or h == "结论") and h not in ("乡镇（街道）", "说明")
        ]
    return Section(title, headers, rows, note, key=key, pdf_columns=pdf_columns)


def _r(v: Any, digits: int = 4) -> Any:
    return None if v is None else round(float(v), digits)


def _yes(v: bool | None) -> str:
    return "无法评价" if v is None else ("达标" if v else "未达标")


def balanced_report(ev: BalancedEvaluation) -> Document:
    from .evaluation import gap_list
    from .selectors import cv_rows, stage_summaries

    summary = [("区县", f"{ev.area.name}（{ev.area.code}）"), ("学年", str(ev.school_year))]
    for s in stage_summaries(ev):
        summary.append((f"{s.label}达标学校", f"{s.passed}/{s.assessed}（数据不全{s.not_assessable}所）"))
        summary.append((f"{s.label}差异系数达标", f"{s.cvs_met}/{s.cvs_total}项"))
    summary += [("计算引擎", ev.engine), ("九年一贯制等学校分摊口径", ev.apportion_label)]

    school_headers = ["学校标识码", "学校", "乡镇（街道）", "学段", "学生数"]
    for ind in BALANCED_INDICATORS:
        short = ind.code[-2:]
        school_headers += [f"{short}分子", f"{short}值", f"{short}标准", f"{short}结论"]
    school_headers += ["达标项数", "结论", "说明"]
    school_rows = []
    for s in ev.schools:
        row: list[Any] = [s.school_code, s.school_name, s.town_name, s.stage_label, s.students]
        for r in s.indicators:
            row += [_r(r.numerator, 2), _r(r.value), r.standard, _yes(r.met)]
        row += [s.met_count, _yes(s.passed), s.verdict]
        school_rows.append(row)

    cvs = [
        [
            r.stage_label,
            r.code,
            r.name,
            r.schools,
            _r(r.mean),
            _r(r.cv),
            r.threshold,
            _yes(r.met),
            r.citation,
        ]
        for r in cv_rows(ev)
    ]
    towns = [
        [
            t.area_name,
            Stage(t.stage).label,
            t.students,
            *[_r(t.values.get(i.code)) for i in BALANCED_INDICATORS],
        ]
        for t in ev.towns + ev.district
    ]
    guarantee = []
    for g in ev.guarantee:
        guarantee.append(
            [g.name, "", "", _yes(g.met), f"核验{g.checked}；未达到{len(g.failures)}", g.rule.citation()]
        )
        for f in g.failures:
            code = next((s.school_code for s in ev.schools if s.school_id == f.school_id), "")
            guarantee.append([g.name, code, f.school_name, "未达标", f.detail, ""])
    lines, totals, grand = gap_list(ev)
    gaps = [
        [line.school_code, line.school_name, line.stage, line.code, line.name, line.gap, line.gap_unit,
         line.unit_cost, _r(line.cost, 2)]
        for line in lines
    ]  # fmt: skip
    gaps += [["合计", "", "", t.code, t.name, t.gap, t.gap_unit, None, t.cost] for t in totals]
    gaps.append(["估算总额", "", "", "", "", None, "元", None, grand])
    findings = [
        [
            next((s.school_code for s in ev.schools if s.school_id == f.school_id), ""),
            f.school_name,
            f.stage,
            f.reason,
        ]
        for f in ev.findings
    ]
    rules = [
        [r.code, r.name, r.comparison, "；".join(f"{k}={v:g}" for k, v in r.values.items()), r.unit,
         r.source.title, r.source.document, r.article, r.status_label]
        for r in ev.rules + [g.rule for g in ev.guarantee]
    ]  # fmt: skip
    return Document(
        title=f"{ev.area.name}县域义务教育优质均衡发展自评数据表",
        cover="封面",
        filename=f"优质均衡自评_{ev.area.name}_{ev.school_year.start_year}",
        subtitle=f"{ev.school_year} · 资源配置、政府保障（数据可核验部分）",
        summary=summary,
        sections=[
            _section("schools", "一、校际资源配置指标（每校）", school_headers, school_rows,
                    "分子为该校该学段的教师数、面积、设备值或教室数；分母为学生数。"),
            _section(
                "cvs", "二、校际差异系数",
                ["学段", "指标代码", "指标", "参评学校数", "县域均值", "差异系数", "上限", "结论", "依据"],
                cvs, "差异系数按学生数加权。",
            ),
            _section(
                "towns", "三、乡镇与全区指标值",
                ["区域", "学段", "学生数", *[f"{i.code[-2:]} {i.name}" for i in BALANCED_INDICATORS]],
                towns, "区域值为分子之和除以分母之和。",
            ),
            _section(
                "guarantee", "四、政府保障项目",
                ["项目", "学校标识码", "学校", "结论", "情况", "依据"], guarantee,
            ),
            _section(
                "gaps", "五、补短板清单与经费估算",
                ["学校标识码", "学校", "学段", "指标代码", "指标", "缺口", "单位", "单价（元）",
                 "估算（元）"],
                gaps,
            ),
            _section("findings", "六、数据质量问题", ["学校标识码", "学校", "学段", "问题"], findings),
            _section(
                "standards", "七、所用标准及出处",
                ["代码", "名称", "比较", "标准值", "单位", "文件", "文号", "条款", "状态"], rules,
            ),
        ],
    )  # fmt: skip


def _pct(v: float | None, unit: str) -> Any:
    return None if v is None else (round(v * 100, 2) if unit == "%" else round(v, 2))


def preschool_report(ev: PreschoolEvaluation) -> Document:
    """The 普及普惠 self-assessment data annex: district verdicts with numerators and denominators,
    towns, kindergartens (by 学校标识码) with their flags, class sizes and teachers, findings and
    the standards used. Percentages are in per cent (85 means 85%)."""
    met, total = ev.met_count
    summary = [
        ("区县", f"{ev.area.name}（{ev.area.code}）"),
        ("学年", str(ev.school_year)),
        ("达标指标", f"{met}/{total}项"),
        ("幼儿园", f"{ev.totals.get('kindergartens', 0)}所（公办{ev.totals.get('public', 0)}所，"
                   f"普惠性民办{ev.totals.get('inclusive_private', 0)}所）"),
        ("在园幼儿", f"{ev.totals.get('children', 0)}人"),
        ("计算引擎", ev.engine),
    ]  # fmt: skip
    district = [
        [r.code, r.name, r.numerator, r.denominator, _pct(r.value, r.unit), r.unit, r.standard_display,
         _yes(r.met), r.note, r.citation]
        for r in ev.district
    ]  # fmt: skip
    towns = [
        [t.name, t.kindergartens, t.children, t.population, *[_pct(r.value, r.unit) for r in t.results]]
        for t in ev.towns
    ]
    kgs = [
        [k.school_code, k.school_name, k.town_name, k.inclusive_label, k.children, k.classes,
         k.classes_by_level["small"], k.classes_by_level["middle"], k.classes_by_level["large"],
         k.classes_by_level["mixed"], k.classes_over, "；".join(k.class_problems), k.teachers,
         k.fulltime_teachers, k.certified_teachers, _pct(k.results[1].value, k.results[1].unit),
         "超过" if k.over_size else "符合"]
        for k in ev.kindergartens
    ]  # fmt: skip
    findings = [[f.school_code, f.subject, f.reason] for f in ev.findings]
    rules = [
        [r.code, r.name, r.comparison, "；".join(f"{k}={v:g}" for k, v in r.values.items()), r.unit,
         r.source.title, r.source.document, r.article, r.status_label]
        for r in ev.rules
    ]  # fmt: skip
    return Document(
        title=f"{ev.area.name}县域学前教育普及普惠自评数据表",
        cover="封面",
        filename=f"普及普惠自评_{ev.area.name}_{ev.school_year.start_year}",
        subtitle=f"{ev.school_year} · 普及普惠水平与保教质量保障（数据可核验部分）",
        summary=summary,
        sections=[
            _section(
                "district", "一、全区指标",
                ["指标代码", "指标", "分子", "分母", "全区值", "单位", "标准", "结论", "说明", "依据"],
                district, "百分比指标的值以百分数表示（85即85%）；比率为分子之和除以分母之和。",
            ),
            _section(
                "towns", "二、乡镇（街道）指标值",
                ["乡镇（街道）", "幼儿园数", "在园幼儿", "3-5岁常住人口",
                 *[f"{i.code[-2:]} {i.name}" for i in ALL_PRESCHOOL_INDICATORS]],
                towns, "3-5岁常住人口为空表示未填报。",
            ),
            _section(
                "kindergartens", "三、幼儿园",
                ["学校标识码", "幼儿园", "乡镇（街道）", "性质", "在园幼儿", "班级数", "小班", "中班", "大班",
                 "混龄班", "超班额班级", "班额问题", "教师数", "专任教师", "持证专任教师", "师幼比（1:x）",
                 "规模"],
                kgs,
            ),
            _section("findings", "四、数据质量问题", ["学校标识码", "乡镇或幼儿园", "问题"], findings),
            _section(
                "standards", "五、所用标准及出处",
                ["代码", "名称", "比较", "标准值", "单位", "文件", "文号", "条款", "状态"], rules,
            ),
        ],
    )  # fmt: skip


# The registry's builders ---------------------------------------------------------------------------


def _district(actor: User | None, area: str | None) -> Area:
    from .selectors import district_for

    if not area:
        return district_for(actor)
    found = scoped(Area, read_as(actor)).filter(code=area, level=AreaLevel.DISTRICT).first()
    if found is None:
        raise DomainError(ReportError.UNKNOWN_AREA, code=area[:20])
    return found


def balanced_document(
    *, actor: User | None, year: str | None = None, area: str | None = None, engine: str | None = None
) -> Document:
    """优质均衡自评数据表 of the actor's district (or `area`, a district code it reads) for `year`."""
    from .evaluation import evaluate_balanced
    from .selectors import school_year_for

    school_year = school_year_for(year)
    district = _district(actor, area)
    return balanced_report(
        evaluate_balanced(school_year=school_year, area=district, user=actor, engine=engine)
    )


def preschool_document(
    *, actor: User | None, year: str | None = None, area: str | None = None, engine: str | None = None
) -> Document:
    """普及普惠自评数据表 of the actor's district (or `area`) for `year`."""
    from .preschool import evaluate_preschool
    from .selectors import school_year_for

    school_year = school_year_for(year)
    district = _district(actor, area)
    return preschool_report(
        evaluate_preschool(school_year=school_year, area=district, user=actor, engine=engine)
    )
