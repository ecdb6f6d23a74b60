"""The monthly double-reduction monitoring report (双减工作月报) a bureau sends to its superiors:
homework compliance by town, grade and school, the classes over the limit, exam violations,
after-school indicators and the five-managements questionnaire results. One `Report` (sections of
headers and rows) written as XLSX or PDF (reportlab, built-in CID font STSong-Light). Units only:
schools, classes and grades, never a pupil, and nothing ranks pupils."""

from __future__ import annotations

import calendar
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from edugov.common.errors import DomainError
from edugov.common.pdf import cjk_font, para
from edugov.registry.models import Term
from edugov.web.exports import report_workbook

from . import selectors
from .errors import BurdenError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROUP_HEADERS = [
    "名称",
    "班级周数",
    "超标班级周数",
    "达标率",
    "平均每天书面作业（分钟）",
    "超标班级数",
    "最大超出（分钟）",
]


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str
    summary: list[tuple[str, str]]
    sections: list[Section]


def parse_month(value: str) -> tuple[int, int]:
    """'2025-10' -> (2025, 10); anything else is a Chinese DomainError."""
    value = (value or "").strip()
    try:
        year_s, month_s = value.split("-")
        year, month = int(year_s), int(month_s)
    except ValueError:
        raise DomainError(BurdenError.BAD_MONTH) from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DomainError(BurdenError.BAD_MONTH)
    return year, month


def month_window(year: int, month: int) -> tuple[Term, dt.date, dt.date, dt.date, dt.date]:
    """The term the month falls in and the dates the report covers: the month itself (exams,
    questionnaires) and the weeks whose Monday is in the month (homework: a week is counted whole,
    in the month of its Monday)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    term = (
        Term.objects.select_related("school_year")
        .filter(start_date__lte=last, end_date__gte=first)
        .order_by("start_date")
        .first()
    )
    if term is None:
        raise DomainError(BurdenError.MONTH_OUTSIDE_TERM, month=f"{year}年{month}月")
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    last_monday = last - dt.timedelta(days=last.weekday())
    week_start = max(monday, term.start_date - dt.timedelta(days=term.start_date.weekday()))
    week_end = min(last_monday + dt.timedelta(days=6), term.end_date)
    return term, first, last, week_start, week_end


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _group_rows(groups: list[selectors.ComplianceGroup]) -> list[list[Any]]:
    return [
        [
            g.name,
            g.class_weeks,
            g.over_weeks,
            g.rate_percent,
            float(g.mean_average),
            len(g.classes_over),
            float(g.max_excess),
        ]
        for g in groups
    ]


def monthly_report(*, user: Any, year: int, month: int, area: Any = None) -> Report:
    term, first, last, week_start, week_end = month_window(year, month)
    area_path = area.path if area is not None else ""
    if week_start <= week_end:
        hw = selectors.homework_compliance(
            user=user, term=term, start=week_start, end=week_end, area_path=area_path
        )
    else:  # a month whose weeks all start outside the term
        hw = selectors.homework_compliance(user=user, term=term, start=term.end_date, end=term.start_date)
    in_area = selectors.school_ids_under(user=user, area_path=area_path) if area_path else None
    exams = [
        v
        for v in selectors.exam_violation_list(user=user, term=term)
        if first <= v.date <= last and (in_area is None or v.school_id in in_area)
    ]
    after = selectors.after_school_overview(user=user, term=term, school_ids=in_area)
    after_rows = after.rows
    surveys = [
        s
        for s in selectors.survey_comparison(user=user, term=term, report=hw, start=first, end=last)
        if s.class_id in hw.classes or not area_path
    ]
    scope_name = area.name if area is not None else "全区（县）"
    summary = [
        ("范围", scope_name),
        ("月份", f"{year}年{month}月（{term}）"),
        ("作业统计周", f"{week_start:%Y-%m-%d}至{week_end:%Y-%m-%d}（周一在本月的周）"),
        (
            "书面作业达标率（班级周）",
            f"{hw.total.rate_percent}（{hw.total.class_weeks}个班级周，超标{hw.total.over_weeks}个）",
        ),
        ("超标班级", f"{len(hw.over_classes)}个，其中连续{hw.escalate_after}周及以上{len(hw.escalated)}个"),
        ("公示作业的班级", f"{hw.classes_publishing}/{hw.classes_total}"),
        ("本月违规考试", f"{len({v.exam_id for v in exams})}场"),
        ("开展课后服务的学校", f"{after.providing}/{after.schools}（{after.providing_rate}）"),
        (
            "课后服务参加率 / 需求覆盖率 / 出勤率",
            f"{after.enrolled_rate} / {after.requested_served_rate} / {after.attendance_rate}",
        ),
        ("课后服务结束时间达标", after.end_time_rate),
        ("本月问卷", f"{sum(s.responses for s in surveys)}份"),
    ]
    sections = [
        Section(
            "一、按乡镇（街道）",
            GROUP_HEADERS,
            _group_rows(hw.by_town),
            "口径：每班每周各科书面作业合计 ÷ 该周上课日数（按校历），超过上限即该班该周超标。",
        ),
        Section("二、按年级", GROUP_HEADERS, _group_rows(hw.by_grade)),
        Section(
            "三、按学校", GROUP_HEADERS, _group_rows(hw.by_school), "按达标率由低到高排列，便于督促整改。"
        ),
        Section(
            "四、超标班级",
            [
                "学校",
                "乡镇（街道）",
                "班级",
                "上限（分钟）",
                "超标周数/统计周数",
                "最长连续",
                "最高周平均",
                "平均超出",
                "升级预警",
            ],
            [
                [
                    c.school_name,
                    c.town_name,
                    c.class_name,
                    c.limit,
                    f"{c.weeks_over}/{c.weeks_measured}",
                    c.longest_run,
                    float(c.max_average),
                    float(c.mean_excess),
                    "是" if c.escalated else "否",
                ]
                for c in hw.over_classes
            ],
        ),
        Section(
            "五、考试违规",
            ["学校", "日期", "年级", "学科", "考试类型", "问题"],
            [[v.school_name, v.date.isoformat(), v.grade, v.subject, v.kind_label, v.message] for v in exams],
        ),
        Section(
            "六、课后服务",
            [
                "学校",
                "每周天数",
                "时间",
                "参加/在校",
                "有需求",
                "日均出勤",
                "本校教师/外聘",
                "弹性离校",
                "收费（元/学期）",
                "满意度",
                "问题",
            ],
            [
                [
                    r.school_name,
                    r.days_per_week or "—",
                    f"{r.start_time:%H:%M}-{r.end_time:%H:%M}" if r.start_time and r.end_time else "—",
                    f"{r.pupils_enrolled}/{r.pupils_total}" if r.provided else "—",
                    r.pupils_requested or "—",
                    r.average_attendance or "—",
                    f"{r.staff_own}/{r.staff_external}" if r.provided else "—",
                    ("是" if r.flexible_dismissal else "否") if r.provided else "—",
                    float(r.fee_per_term) if r.fee_per_term else "—",
                    _pct(r.satisfaction_rate),
                    "；".join(r.problems) or "达标",
                ]
                for r in after_rows
            ],
        ),
        Section(
            "七、五项管理（问卷）",
            [
                "学校",
                "年级",
                "问卷数",
                "睡眠达标",
                "手机统一保管",
                "体育活动达标",
                "课外阅读（分钟/天）",
                "反映书面作业（分钟/天）",
            ],
            _five_managements(surveys),
            "按学校和年级汇总问卷（学生、家长匿名填答）；睡眠达标按小学10小时、初中9小时计。",
        ),
    ]
    return Report(
        title=f"{scope_name}“双减”工作监测月报（{year}年{month}月）",
        subtitle=f"数据截至生成时；作业时长来自作业公示，考试来自学校登记，课后服务来自{term}填报。",
        summary=summary,
        sections=sections,
    )


def _five_managements(rows: list[selectors.SurveyClassRow]) -> list[list[Any]]:
    """Class rows summed into school-and-grade rows, weighted by the responses of each class."""
    acc: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in rows:
        a = acc[(r.school_name, r.grade)]
        a["n"] += r.responses
        a["minutes"] += r.reported_minutes * r.responses
        for key in ("sleep_ok_share", "phone_kept_share", "activity_ok_share", "reading_minutes"):
            value = getattr(r, key)
            if value is not None:
                a[key] += value * r.responses
                a[key + "_n"] += r.responses
    out = []
    for (school, grade), a in sorted(acc.items()):

        def share(key: str, a: dict[str, Decimal] = a) -> str:
            return _pct(a[key] / a[key + "_n"]) if a[key + "_n"] else "—"

        reading = f"{a['reading_minutes'] / a['reading_minutes_n']:.1f}" if a["reading_minutes_n"] else "—"
        out.append(
            [
                school,
                f"{grade}年级",
                int(a["n"]),
                share("sleep_ok_share"),
                share("phone_kept_share"),
                share("activity_ok_share"),
                reading,
                f"{a['minutes'] / a['n']:.1f}",
            ]
        )
    return out


def report_xlsx(report: Report) -> bytes:
    return report_workbook(report, cover="概况")


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
    )
    width = landscape(A4)[0] - 24 * mm
    story: list[Any] = [para(report.title, h1), para(report.subtitle, body), Spacer(1, 4 * mm)]
    summary = Table(
        [[para(k, body), para(v, body)] for k, v in report.summary],
        colWidths=[width * 0.3, width * 0.7],
    )
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(summary)
    for section in report.sections:
        story.append(para(section.title, h2))
        if section.note:
            story.append(para(section.note, body))
        data = [[para(str(h), cell) for h in section.headers]]
        data += [[para("—" if v is None else str(v), cell) for v in r] for r in section.rows[:500]]
        if len(data) == 1:
            data.append([para("无", cell)] + [para("", cell)] * (len(section.headers) - 1))
        table = Table(data, repeatRows=1, colWidths=[width / len(section.headers)] * len(section.headers))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        if len(section.rows) > 500:
            story.append(para(f"（共{len(section.rows)}行，PDF列出前500行，完整数据见XLSX）", body))
    doc.build(story)
    return out.getvalue()
