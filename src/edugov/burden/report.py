"""The monthly double-reduction monitoring report (双减工作月报) a bureau sends to its superiors:
homework compliance by town, grade and school, the classes over the limit, exam violations,
after-school indicators and the five-managements questionnaire results. One `Report` (sections of
headers and rows), and the term's compliance workbook: both documents of the report registry
(`burden/reports.py` registers them), written by its one XLSX/PDF/JSON writer. Units only:
schools, classes and grades, never a pupil, and nothing ranks pupils."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import Http404

from edugov.accounts.scope import scoped
from edugov.common.dates import cn_period
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Area, AreaLevel, School, Term
from edugov.reports import ColumnKind, Document, Section, read_as

from . import selectors
from .errors import BurdenError

if TYPE_CHECKING:
    from edugov.accounts.models import User
GROUP_HEADERS = [
    "名称",
    "班级周数",
    "超标班级周数",
    "达标率",
    "平均每天书面作业（分钟）",
    "超标班级数",
    "最大超出（分钟）",
]


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


GROUP_KINDS: list[ColumnKind] = ["text", "int", "int", "percent", "number", "int", "number"]


def _group_rows(groups: list[selectors.ComplianceGroup]) -> list[list[Any]]:
    """One row per group; the rate a fraction (the writers print it as a percentage)."""
    return [
        [
            g.name,
            g.class_weeks,
            g.over_weeks,
            None if g.rate is None else float(g.rate),
            float(g.mean_average),
            len(g.classes_over),
            float(g.max_excess),
        ]
        for g in groups
    ]


def monthly_report(*, actor: User, year: int, month: int, area: Area | None = None) -> Document:
    user = actor
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
        ("作业统计周", f"{cn_period(week_start, week_end)}（周一在本月的周）"),
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
            kinds=GROUP_KINDS,
        ),
        Section("二、按年级", GROUP_HEADERS, _group_rows(hw.by_grade), kinds=GROUP_KINDS),
        Section(
            "三、按学校",
            GROUP_HEADERS,
            _group_rows(hw.by_school),
            "按达标率由低到高排列，便于督促整改。",
            kinds=GROUP_KINDS,
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
            [[v.school_name, v.date, v.grade, v.subject, v.kind_label, v.message] for v in exams],
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
    failures = [
        f"{c.school_name}{c.class_name}：{c.weeks_over}/{c.weeks_measured}周书面作业超标"
        + (f"，连续{c.longest_run}周" if c.escalated else "")
        for c in sorted(hw.over_classes, key=lambda c: (not c.escalated, -c.weeks_over))
    ]
    failures += [
        f"{v.school_name}：{v.date.month}月{v.date.day}日{v.subject}考试，{v.message}" for v in exams
    ]
    return Document(
        title=f"{scope_name}“双减”工作监测月报（{year}年{month}月）",
        failures=failures,
        subtitle=f"数据截至生成时；作业时长来自作业公示，考试来自学校登记，课后服务来自{term}填报。",
        summary=summary,
        sections=sections,
        filename=f"双减监测月报-{year}年{month}月{'-' + area.name if area is not None else ''}",
        audit={"month": f"{year}-{month:02d}", "town": area.pk if area is not None else None},
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


# The registry's builders ---------------------------------------------------------------------------


def _town(actor: User, town_id: int | None) -> Area | None:
    if town_id is None:
        return None
    town = scoped(Area, actor).filter(pk=town_id, level=AreaLevel.TOWN).first()
    if town is None:
        raise PermissionDenied(BurdenError.BAD_SCHOOL)
    return town


def monthly_document(*, actor: User | None, month: str, town: int | None = None) -> Document:
    """双减工作月报 of `month` ("2025-10"), for the district or one town the actor reads."""
    reader = read_as(actor)
    year, number = parse_month(month)
    return monthly_report(actor=reader, year=year, month=number, area=_town(reader, town))


def school_id(raw: str) -> int:
    """A school's id from a link: anything else is a page that does not exist."""
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def compliance_workbook(
    *,
    actor: User | None,
    term: int | None = None,
    town: int | None = None,
    school: int | None = None,
    area: str | None = None,
) -> Document:
    """The term's compliance as a data workbook: summary by town, school and grade; classes over
    the limit; every class-week; exam violations; after-school services."""
    reader = read_as(actor)
    chosen = selectors.term_list()
    found = next((t for t in chosen if t.pk == term), None) if term is not None else None
    found = found or selectors.default_term(user=reader)
    if found is None:
        raise DomainError(BurdenError.NO_TERM)
    area_row = _town(reader, town)
    if area:  # an area code of any level (the command line's --area)
        area_row = scoped(Area, reader).filter(code=area).first()
        if area_row is None:
            raise PermissionDenied(BurdenError.BAD_SCHOOL)
    unit = None
    if school is not None:
        unit = scoped(School, reader).filter(pk=school).first()
        if unit is None:
            raise Http404
    report = selectors.homework_compliance(
        user=reader, term=found, school=unit, area_path=area_row.path if area_row and unit is None else ""
    )
    overview = selectors.after_school_overview(user=reader, term=found, school=unit)
    violations = selectors.exam_violation_list(user=reader, term=found, school=unit)
    group = GROUP_HEADERS
    sections = [
        Section("汇总", group, _group_rows([report.total]), kinds=GROUP_KINDS),
        Section("按乡镇", group, _group_rows(report.by_town), kinds=GROUP_KINDS),
        Section("按学校", group, _group_rows(report.by_school), kinds=GROUP_KINDS),
        Section("按年级", group, _group_rows(report.by_grade), kinds=GROUP_KINDS),
        Section(
            "超标班级",
            ["学校", "乡镇", "班级", "年级", "上限（分钟）", "统计周数", "超标周数", "最长连续超标周数",
             "最高周平均", "平均超出", "是否升级预警"],
            [
                [c.school_name, c.town_name, c.class_name, c.grade_label, c.limit, c.weeks_measured,
                 c.weeks_over, c.longest_run, float(c.max_average), float(c.mean_excess), c.escalated]
                for c in report.over_classes
            ],
        ),
        Section(
            "班级周明细",
            ["学校", "班级", "年级", "周一日期", "上课日数", "书面作业合计（分钟）", "日均（分钟）", "上限",
             "是否超标", "超标天数"],
            [
                [report.classes[c.class_id].school_name, report.classes[c.class_id].name, c.grade,
                 c.week_start, c.school_days, c.written_minutes, float(c.average), c.limit,
                 "超标" if c.over else "未超标", c.days_over]
                for c in report.class_weeks
            ],
            key="class_weeks",
        ),
        Section(
            "考试违规",
            ["学校", "日期", "年级", "学科", "考试类型", "问题"],
            [[v.school_name, v.date, v.grade, v.subject, v.kind_label, v.message] for v in violations],
        ),
        Section(
            "课后服务",
            ["学校", "是否开展", "每周天数", "开始", "结束", "在校生", "有需求", "参加", "日均出勤", "问题"],
            [
                [r.school_name, r.provided, r.days_per_week, r.start_time and r.start_time.strftime("%H:%M"),
                 r.end_time and r.end_time.strftime("%H:%M"), r.pupils_total, r.pupils_requested,
                 r.pupils_enrolled, r.average_attendance, "；".join(r.problems)]
                for r in overview.rows
            ],
        ),
    ]  # fmt: skip
    return Document(
        title=f"作业时长监测（{found}）",
        subtitle=cn_period(found.start_date, found.end_date),
        sections=sections,
        layout="data",
        filename=f"作业时长监测-{found}",
        audit={
            "term": found.pk,
            "school": unit.pk if unit else None,
            "area": area_row.pk if area_row else None,
        },
    )
