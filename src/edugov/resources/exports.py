"""The county self-assessment report (县域义务教育优质均衡发展自评报告 data annex) in one shape:
a list of sections (title, headers, rows) built once from an evaluation, written as XLSX
(one sheet per section), PDF (the report registry's official layout) or JSON (the CLI).
Every school row carries its 学校标识码 and the numerator and denominator behind each value.
The 普及普惠 report (preschool_report) has the same shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, Stage
from edugov.reports import ColumnKind, Document, Section, Verdict, read_as
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


# Short column labels of the seven indicators (the PDF's school table is one line per school).
SHORT = {
    "balanced.R1": "高于规定学历教师（人/百生）",
    "balanced.R2": "县级以上骨干教师（人/百生）",
    "balanced.R3": "体育艺术专任教师（人/百生）",
    "balanced.R4": "生均教学及辅助用房（平方米）",
    "balanced.R5": "生均体育运动场馆（平方米）",
    "balanced.R6": "生均教学仪器设备值（元）",
    "balanced.R7": "网络多媒体教室（间/百生）",
}


def _balanced_verdicts(ev: BalancedEvaluation) -> tuple[list[Verdict], list[str]]:
    """The summary page: per stage, the schools and the 差异系数 verdicts; the 政府保障 items;
    and every failure in words (差异系数 first, then 保障 items, then schools)."""
    from .selectors import cv_rows, stage_summaries

    verdicts: list[Verdict] = []
    failures: list[str] = []
    cvs = cv_rows(ev)
    for s in stage_summaries(ev):
        ok = s.passed == s.assessed and s.not_assessable == 0
        detail = f"达标{s.passed}所，共评价{s.assessed}所" + (
            f"，数据不全{s.not_assessable}所" if s.not_assessable else ""
        )
        verdicts.append(Verdict(f"{s.label}学校资源配置", "达标" if ok else "未达标", detail))
        missed = [c for c in cvs if c.stage == s.stage and c.met is False]
        verdicts.append(
            Verdict(f"{s.label}校际差异系数", "达标" if not missed else "未达标",
                    f"{s.cvs_met}/{s.cvs_total}项不高于上限")
        )  # fmt: skip
        failures += [
            f"{s.label}{c.name}的差异系数为{c.cv:.3f}，高于{c.threshold:g}"
            for c in missed
            if c.cv is not None
        ]
    if ev.guarantee:
        missed_items = [g for g in ev.guarantee if not g.met]
        verdicts.append(
            Verdict("政府保障（数据可核验部分）", "达标" if not missed_items else "未达标",
                    f"核验{len(ev.guarantee)}项，{len(missed_items)}项未达到")
        )  # fmt: skip
        failures += [f"{g.name}：{len(g.failures)}所学校未达到" for g in missed_items]
    failed = [s for s in ev.schools if s.passed is False]
    if failed:
        failures.append(f"资源配置未达标的学校（学段）{len(failed)}所，名单见正文第三部分")
    for ind in BALANCED_INDICATORS:
        below = sum(1 for s in ev.schools for r in s.indicators if r.code == ind.code and r.met is False)
        if below:
            failures.append(f"{ind.name}：{below}所学校（学段）未达到标准")
    return verdicts, failures


FAIL_HEADERS = ["学校", "学段", "本校值", "标准", "达到标准", "缺口", "缺口单位"]
FAIL_KINDS: list[ColumnKind] = ["text", "text", "number", "number", "percent", "number", "text"]
RULE_HEADERS = ["代码", "名称", "比较", "标准值", "单位", "文件", "文号", "条款", "状态"]


def _indicator_failures(ev: BalancedEvaluation) -> list[Section]:
    """（一）…（七）: per indicator, the schools below its standard, the largest shortfall first."""
    out = []
    for n, ind in enumerate(BALANCED_INDICATORS):
        rows = []
        for s in ev.schools:
            r = next((r for r in s.indicators if r.code == ind.code), None)
            if r is not None and r.met is False:
                rows.append([s.school_name, s.stage_label, _r(r.value), r.standard,
                             _r(r.ratio), _r(r.gap, 2), r.gap_unit or ind.unit])  # fmt: skip
        rows.sort(key=lambda row: (row[4] is None, row[4] or 0))
        out.append(
            Section(
                f"（{'一二三四五六七八九'[n]}）{ind.name}", FAIL_HEADERS, rows,
                key=f"fail_{n + 1}", kinds=FAIL_KINDS,
                level=2, sheet=f"未达标-{SHORT[ind.code].split('（')[0]}",
                paragraphs=[] if rows else ["各校均达到标准。"],
            )
        )  # fmt: skip
    return out


def balanced_report(ev: BalancedEvaluation) -> Document:
    from .gaps import gap_list
    from .selectors import cv_rows

    stages = {}
    for s in ev.schools:
        stages[s.stage_label] = stages.get(s.stage_label, 0) + 1
    summary = [
        ("区县", ev.area.name),
        ("学年", str(ev.school_year)),
        ("参评学校", "，".join(f"{label}{n}所" for label, n in stages.items()) or "无"),
        ("九年一贯制等学校分摊口径", ev.apportion_label),
    ]
    verdicts, failures = _balanced_verdicts(ev)

    school_headers = ["学校标识码", "学校", "乡镇（街道）", "学段", "学生数"]
    kinds: list[ColumnKind] = ["text", "text", "text", "text", "int"]
    for ind in BALANCED_INDICATORS:
        label = SHORT[ind.code]
        school_headers += [label, f"{label}分子", f"{label}标准", f"{label}结论"]
        kinds += ["number", "number", "number", "text"]
    school_headers += ["达标项数", "结论", "说明"]
    kinds += ["int", "text", "text"]
    school_rows = []
    for s in ev.schools:
        row: list[Any] = [s.school_code, s.school_name, s.town_name, s.stage_label, s.students]
        for r in s.indicators:
            row += [_r(r.value), _r(r.numerator, 2), r.standard, _yes(r.met)]
        row += [s.met_count, _yes(s.passed), s.verdict]
        school_rows.append(row)
    order = {"未达标": 0, "无法评价": 1, "达标": 2}
    school_rows.sort(key=lambda row: (order.get(row[-2], 3), row[3], row[1]))
    # each value below its standard is marked (its 结论 cell, 4 columns on, says 未达标)
    values = [5 + 4 * k for k in range(len(BALANCED_INDICATORS))]
    below = {(n, c) for n, row in enumerate(school_rows) for c in values if row[c + 3] == "未达标"}
    pdf_columns = [1, 3, 4, *values, len(school_headers) - 3, len(school_headers) - 2]

    cvs = [
        [r.stage_label, r.name, r.schools, _r(r.mean), _r(r.cv), r.threshold, _yes(r.met), r.citation]
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
        [line.school_code, line.school_name, line.stage, line.name, line.gap, line.gap_unit,
         line.unit_cost, _r(line.cost, 2)]
        for line in lines
    ]  # fmt: skip
    gaps += [["合计", "", "", t.name, t.gap, t.gap_unit, None, t.cost] for t in totals]
    gaps.append(["估算总额", "", "", "", None, "元", None, grand])
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
    failed_schools = sum(1 for s in ev.schools if s.passed is False)
    return Document(
        title=f"{ev.area.name}县域义务教育优质均衡发展自评数据表",
        issuer=f"{ev.area.name}教育局",
        cover="封面",
        filename=f"优质均衡自评_{ev.area.name}_{ev.school_year.start_year}",
        subtitle=f"{ev.school_year}　资源配置、政府保障（数据可核验部分）",
        summary=summary,
        verdicts=verdicts,
        failures=failures,
        sections=[
            Section("一、校际差异系数", ["学段", "指标", "参评学校数", "县域均值", "差异系数", "上限", "结论",
                                      "依据"], cvs, "差异系数按学生数加权。", key="cvs",
                    kinds=["text", "text", "int", "number", "number", "number", "text", "text"],
                    pdf_columns=[0, 1, 2, 3, 4, 5, 6]),
            Section("二、未达标指标", key="failures", paragraphs=[
                f"全区{len(ev.schools)}所学校（学段）参评，{failed_schools}所资源配置未达标。以下按指标列出"
                "未达到标准的学校，差距大的在前；所用标准及出处见附表。"]),
            *_indicator_failures(ev),
            Section("三、各校资源配置指标", school_headers, school_rows,
                    "未达标的学校在前；指标值为分子（教师数、面积、设备值或教室数）除以学生数。",
                    key="schools", kinds=kinds, pdf_columns=pdf_columns, sheet="各校指标",
                    failed_cells=below),
            Section("四、乡镇与全区指标值",
                    ["区域", "学段", "学生数", *[SHORT[i.code] for i in BALANCED_INDICATORS]],
                    towns, "区域值为分子之和除以分母之和。", key="towns", pdf=False),
            Section("五、政府保障项目", ["项目", "学校标识码", "学校", "结论", "情况", "依据"], guarantee,
                    key="guarantee", pdf=False),
            Section("六、补短板清单与经费估算",
                    ["学校标识码", "学校", "学段", "指标", "缺口", "单位", "单价（元）", "估算（元）"],
                    gaps, key="gaps", pdf=False,
                    kinds=["text", "text", "text", "text", "number", "text", "money", "money"]),
            Section("七、数据质量问题", ["学校标识码", "学校", "学段", "问题"], findings, key="findings",
                    pdf=False),
            Section("八、所用标准及出处", RULE_HEADERS, rules, key="standards", pdf=False),
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
        ("区县", ev.area.name),
        ("学年", str(ev.school_year)),
        ("达标指标", f"{met}/{total}项"),
        ("幼儿园", f"{ev.totals.get('kindergartens', 0)}所（公办{ev.totals.get('public', 0)}所，"
                   f"普惠性民办{ev.totals.get('inclusive_private', 0)}所）"),
        ("在园幼儿", f"{ev.totals.get('children', 0)}人"),
    ]  # fmt: skip
    verdicts = [Verdict(r.name, _yes(r.met), f"{r.display}，标准{r.standard_display}") for r in ev.district]
    failures = [f"{v.label}：{v.detail}" for v in verdicts if v.failed]
    over = sum(1 for k in ev.kindergartens if k.over_size)
    if over:
        failures.append(f"规模超过标准的幼儿园{over}所，名单见正文第三部分")
    district = [
        [r.name, r.numerator, r.denominator, _pct(r.value, r.unit), r.unit, r.standard_display,
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
        verdicts=verdicts,
        failures=failures,
        sections=[
            _section(
                "district", "一、全区指标",
                ["指标", "分子", "分母", "全区值", "单位", "标准", "结论", "说明", "依据"],
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
