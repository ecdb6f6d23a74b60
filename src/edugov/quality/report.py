"""The quality monitoring report (质量监测报告): an assessment's band distribution by school and
the value-added of each school with its 95% interval, as a Document. No pupil rows."""

from __future__ import annotations

from django.utils import timezone

from edugov.accounts.models import User
from edugov.common.errors import DomainError
from edugov.reports.document import Document, Figure, Section
from edugov.reports.download import read_as

from . import selectors
from .models import BAND_ORDER, Assessment, Band

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
