"""The quality monitoring report (质量监测报告): an assessment's band distribution by school and
the value-added of each school with its 95% interval, as a Document. No pupil rows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from edugov.accounts.models import User
from edugov.common.errors import DomainError
from edugov.reports.document import Document, Figure, Section
from edugov.reports.download import read_as

from . import fitness_selectors, fitness_tables, selectors
from .models import BAND_ORDER, Assessment, Band
from .targets import targets

BAND_HEADERS = [str(Band(b).label) for b in BAND_ORDER]


def quality_document(
    *, actor: User | None, assessment: int | None = None, prior: int | None = None, post: int | None = None
) -> Document:
    reader = read_as(actor)
    assessments = list(selectors.assessment_list(actor=reader))
    current: Assessment | None
    if assessment is not None:
        current = selectors.pick_assessment(assessments, assessment)
    elif post is not None:
        current = selectors.pick_assessment(assessments, post)
    else:
        current = max(assessments, key=lambda a: (a.held_on, a.pk), default=None)
    doc = Document(
        title="教育质量监测报告",
        subtitle="等级分布与增值评价（不含学生个人信息与排名）",
        date=timezone.localdate(),
        filename="质量监测报告",
    )
    doc.paragraphs.append(
        "依据《义务教育质量评价指南》（2021）与《深化新时代教育评价改革总体方案》（2020），"
        "测评结果以等级呈现，不公布学生成绩与排名；增值评价以同一批学生两次测评之间的进步衡量学校，"
        "区间跨过0的学校与预期无明显差异。"
    )
    if current is None:
        doc.summary.append(("测评", "暂无"))
        return doc
    total = selectors.total_bands(actor=reader, assessment=current)
    doc.summary += [
        ("测评", f"{current.name}（{current.subject}）"),
        ("测评日期", current.held_on.isoformat()),
        ("参测人数", str(total.n)),
    ]
    doc.summary += [(label, f"{count}人（{share:.1f}%）") for label, count, share in total.cells]
    rows = selectors.school_bands(actor=reader, assessment=current)
    doc.sections.append(
        Section(
            title="一、各校等级分布",
            key="bands",
            note=(
                f"等级线：优秀 ≥ {current.excellent_min}，良好 ≥ {current.good_min}，"
                f"合格 ≥ {current.pass_min}（满分{current.max_score}）；按乡镇与学校代码排列。"
            ),
            headers=["乡镇（街道）", "学校", "参测人数", *(f"{b}（%）" for b in BAND_HEADERS)],
            rows=[[r.town, r.name, r.n, *(round(s, 1) for _, _, s in r.cells)] for r in rows],
            figures=[
                Figure("全区等级分布（人数）", BAND_HEADERS, {"人数": [float(c) for _, c, _ in total.cells]})
            ],
        )
    )
    va_section = Section(title="二、增值评价", key="value_added")
    try:
        if prior is not None and post is not None:
            pair = (
                selectors.pick_assessment(assessments, prior),
                selectors.pick_assessment(assessments, post),
            )
        else:
            pair = selectors.default_pair(assessments)  # type: ignore[assignment]
        if pair is None:
            va_section.paragraphs.append("暂无可比较的两次测评。")
        else:
            va = selectors.value_added(actor=reader, prior=pair[0], post=pair[1], sort="name")
            va_section.note = (
                f"前测：{va.prior.name}；后测：{va.post.name}；两次均参加的学生{va.n_pupils}人。"
                f"两水平随机截距模型（经验贝叶斯）：后测 = 截距 + {va.slope:.3f} × 前测 + 学校效应 + 误差；"
                "增值为比全区同等前测水平学生高（正）或低（负）的分数，95%区间整体在0以上为高于预期、整体在0以下为低于预期。"
            )
            va_section.headers = [
                "乡镇（街道）",
                "学校",
                "学生数",
                "增值（分）",
                "95%区间下限",
                "95%区间上限",
                "判断",
            ]
            va_section.rows = [
                [r.town, r.name, r.n, round(r.effect, 1), round(r.low, 1), round(r.high, 1), r.verdict_label]
                for r in va.rows
            ]
            va_section.highlight = {"低于预期": "#fdf0e1", "高于预期": "#e4f4ec"}
            doc.summary += [(f"增值{label}", f"{n}所") for label, n in va.counts.items()]
    except DomainError as exc:
        va_section.paragraphs.append(exc.message)
    doc.sections.append(va_section)
    return doc


FITNESS_HEADERS = ["参测人数", "优秀", "良好", "及格", "不及格", "及格率（%）", "优良率（%）"]


def _rate_cells(r: Any) -> list[Any]:
    return [r.n, *(count for _, count, _ in r.cells), r.pass_rate, r.good_rate]


def fitness_document(*, actor: User | None, year: int | None = None) -> Document:
    """The fitness report (学生体质健康报告): rates by urban and rural area, town and school, the
    items and the trend, with the tables' status. No pupil rows."""
    reader = read_as(actor)
    years = fitness_selectors.fitness_years(actor=reader)
    chosen = next((y for y in years if y.start_year == year), None) if year is not None else None
    chosen = chosen or (years[0] if years else None)
    t = targets()
    doc = Document(
        title="学生体质健康报告",
        subtitle="按《国家学生体质健康标准（2014年修订）》评分（不含学生个人信息与排名）",
        date=timezone.localdate(),
        filename="学生体质健康报告",
    )
    doc.paragraphs.append(
        "学年总分为各单项得分按权重合计的标准分加附加分；优秀 ≥ 90.0，良好 80.0～89.9，及格 60.0～79.9，"
        f"不及格 ≤ 59.9。单项评分表状态：{fitness_tables.tables().status}"
        "（据教体艺〔2014〕5号的公开转载录入，"
        f"尚未逐格核对原文）。及格率目标{t.pass_rate_min:g}%（{t.pass_rate_status}），"
        f"优良率目标{t.good_rate_min:g}%（{t.good_rate_source}，{t.good_rate_status}）。"
    )
    if chosen is None:
        doc.summary.append(("学年", "暂无体质健康测试成绩"))
        return doc
    total = fitness_selectors.total_rates(actor=reader, year=chosen)
    doc.summary += [
        ("学年", str(chosen)),
        ("参测人数", str(total.n)),
        ("及格率", f"{total.pass_rate}%"),
        ("优良率", f"{total.good_rate}%"),
        ("优秀率", f"{total.excellent_rate}%"),
    ]
    areas = fitness_selectors.urban_rural_rates(actor=reader, year=chosen)
    doc.sections.append(
        Section(
            title="一、城乡对比",
            key="urban_rural",
            note="按学校的城乡分类代码：11x 城区，12x 镇区，2xx 乡村。",
            headers=["城乡", *FITNESS_HEADERS],
            rows=[[r.name, *_rate_cells(r)] for r in areas],
            figures=[
                Figure(
                    "城乡及格率与优良率（%）",
                    [r.name for r in areas],
                    {"及格率": [r.pass_rate for r in areas], "优良率": [r.good_rate for r in areas]},
                )
            ],
        )
    )
    towns = fitness_selectors.town_rates(actor=reader, year=chosen)
    doc.sections.append(
        Section(
            title="二、各乡镇（街道）",
            key="towns",
            headers=["乡镇（街道）", *FITNESS_HEADERS],
            rows=[[r.name, *_rate_cells(r)] for r in towns] + [["合计", *_rate_cells(total)]],
        )
    )
    schools = fitness_selectors.school_rates(actor=reader, year=chosen)
    doc.sections.append(
        Section(
            title="三、各校",
            key="schools",
            note=f"按乡镇与学校代码排列（不按成绩排序）；及格率低于{t.pass_rate_min:g}%的学校标色。",
            headers=["乡镇（街道）", "学校", *FITNESS_HEADERS, "是否达到及格率目标"],
            rows=[
                [
                    r.town,
                    r.name,
                    *_rate_cells(r),
                    "达到" if (r.pass_rate or 0) >= t.pass_rate_min else "未达到",
                ]
                for r in schools
            ],
            highlight={"未达到": "#fdf0e1"},
        )
    )
    items = fitness_selectors.item_pass_rates(actor=reader, year=chosen)
    doc.sections.append(
        Section(
            title="四、单项",
            key="items",
            headers=["测试项目", "参测人数", "单项及格率（%）"],
            rows=[[label, n, rate] for label, n, rate in items],
        )
    )
    points = fitness_selectors.trend(actor=reader)
    doc.sections.append(
        Section(
            title="五、历年变化",
            key="trend",
            headers=["学年", *FITNESS_HEADERS],
            rows=[[str(y), *_rate_cells(r)] for y, r in points],
            figures=[
                Figure(
                    "历年及格率与优良率（%）",
                    [str(y) for y, _ in points],
                    {"及格率": [r.pass_rate for _, r in points], "优良率": [r.good_rate for _, r in points]},
                )
            ],
        )
    )
    return doc
