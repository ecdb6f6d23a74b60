"""The tutoring rules as pure functions over plain values: courses, timetable entries and prepaid
charges. Every number comes from the standards library (national file tutoring_2021.toml, which a
local file may override for its area), and every violation names the rule it broke."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from edugov.common.dates import cn_date
from edugov.registry.models import CalendarDayKind
from edugov.standards.loader import library

DAY_KIND_WORDS: dict[str, str] = {
    CalendarDayKind.WEEKEND: "周末",
    CalendarDayKind.PUBLIC_HOLIDAY: "法定节假日",
    CalendarDayKind.WINTER_VACATION: "寒假",
    CalendarDayKind.SUMMER_VACATION: "暑假",
}


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    citation: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Limits:
    """The numbers in force for one area, resolved once per request or computation."""

    online_lesson_max: int
    online_break_min: int
    online_end_latest: int  # minutes after midnight
    offline_end_subject: int
    offline_end_non_subject: int
    price_float_max: Decimal
    prepaid_max_months: int
    prepaid_max_lessons: int
    prepaid_max_amount: Decimal
    coverage_alert_below: float
    score_jump_alert: int
    citations: dict[str, str]


def limits_for(area_path: str = "", year: int | None = None) -> Limits:
    lib = library()
    cites: dict[str, str] = {}

    def v(code: str, stage: str = "all") -> float:
        found = lib.value(f"tutoring.{code}", stage=stage, area_path=area_path, year=year)
        cites[code if stage == "all" else f"{code}:{stage}"] = found.rule.citation()
        return found.value

    return Limits(
        online_lesson_max=int(v("online_lesson_max_minutes")),
        online_break_min=int(v("online_break_min_minutes")),
        online_end_latest=int(v("online_end_latest")),
        offline_end_subject=int(v("offline_end_latest", "subject")),
        offline_end_non_subject=int(v("offline_end_latest", "non_subject")),
        price_float_max=Decimal(str(v("price_float_max"))),
        prepaid_max_months=int(v("prepaid_max_months")),
        prepaid_max_lessons=int(v("prepaid_max_lessons")),
        prepaid_max_amount=Decimal(str(v("prepaid_max_amount"))),
        coverage_alert_below=v("coverage_alert_below"),
        score_jump_alert=int(v("score_jump_alert")),
        citations=cites,
    )


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def clock(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Courses --------------------------------------------------------------------------------------


def course_violations(
    *,
    limits: Limits,
    is_subject: bool,
    institution_is_subject: bool,
    mode: str,
    grade_min: int,
    within_syllabus: bool,
    price_per_lesson: Decimal,
    guidance_price: Decimal | None,
    tutor_qualified: bool | None,
) -> list[Violation]:
    """`tutor_qualified`: None when no tutor is assigned."""
    c = limits.citations
    found: list[Violation] = []
    preschool = grade_min <= 0
    if preschool and mode == "online":
        found.append(Violation("preschool_online", "不得对学龄前儿童开展线上培训"))
    if preschool and is_subject:
        found.append(Violation("preschool_subject", "不得对学龄前儿童开展学科类（含外语）培训"))
    if is_subject and not institution_is_subject:
        found.append(Violation("category_mismatch", "非学科类机构不得开设学科类课程"))
    if is_subject and not within_syllabus:
        found.append(Violation("beyond_syllabus", "学科类培训不得超标超前"))
    if is_subject and tutor_qualified is False:
        found.append(Violation("unqualified_tutor", "学科类课程的授课教师须持有教师资格证"))
    if guidance_price is not None:
        ceiling = (guidance_price * (1 + limits.price_float_max)).quantize(Decimal("0.01"))
        if price_per_lesson > ceiling:
            found.append(
                Violation(
                    "price_over_guidance",
                    f"每课时{price_per_lesson}元，超过政府指导价{guidance_price}元上浮"
                    f"{limits.price_float_max * 100:.0f}%后的{ceiling}元",
                    c["price_float_max"],
                )
            )
    return found


# Timetable ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: int  # minutes after midnight
    end: int


def session_violations(
    *,
    limits: Limits,
    is_subject: bool,
    mode: str,
    day_kind: str,
    start: dt.time,
    end: dt.time,
    same_day_online: list[Slot] | tuple[Slot, ...] = (),
) -> list[Violation]:
    """`same_day_online`: the other online slots of the same course on that day (for the breaks)."""
    c = limits.citations
    found: list[Violation] = []
    s, e = minutes(start), minutes(end)
    if is_subject and day_kind in DAY_KIND_WORDS:
        found.append(
            Violation(
                "subject_on_rest_day",
                f"学科类培训不得在{DAY_KIND_WORDS[day_kind]}开展",
                "中办发〔2021〕40号（十三）",
            )
        )
    if mode == "online":
        if e - s > limits.online_lesson_max:
            found.append(
                Violation(
                    "online_too_long",
                    f"线上培训每课时{e - s}分钟，超过{limits.online_lesson_max}分钟",
                    c["online_lesson_max_minutes"],
                )
            )
        if e > limits.online_end_latest:
            found.append(
                Violation(
                    "online_too_late",
                    f"线上培训结束于{clock(e)}，晚于{clock(limits.online_end_latest)}",
                    c["online_end_latest"],
                )
            )
        for other in same_day_online:
            gap = s - other.end if other.end <= s else other.start - e
            if gap < limits.online_break_min:
                found.append(
                    Violation(
                        "online_short_break",
                        f"与{clock(other.start)}～{clock(other.end)}的课程间隔{max(gap, 0)}分钟，"
                        f"少于{limits.online_break_min}分钟",
                        c["online_break_min_minutes"],
                    )
                )
                break
    else:
        latest = limits.offline_end_subject if is_subject else limits.offline_end_non_subject
        key = "offline_end_latest:subject" if is_subject else "offline_end_latest:non_subject"
        if e > latest:
            kind = "学科类" if is_subject else "非学科类"
            found.append(
                Violation("offline_too_late", f"{kind}线下培训结束于{clock(e)}，晚于{clock(latest)}", c[key])
            )
    return found


def overlaps(a: Slot, b: Slot) -> bool:
    return a.start < b.end and b.start < a.end


# Prepaid charges ------------------------------------------------------------------------------


def order_violations(
    *, limits: Limits, lessons: int, amount: Decimal, paid_on: dt.date, covers_until: dt.date | None
) -> list[Violation]:
    c = limits.citations
    found: list[Violation] = []
    if lessons > limits.prepaid_max_lessons:
        found.append(
            Violation(
                "over_lessons",
                f"一次收费{lessons}课时，超过{limits.prepaid_max_lessons}课时",
                c["prepaid_max_lessons"],
            )
        )
    if amount > limits.prepaid_max_amount:
        found.append(
            Violation(
                "over_amount",
                f"一次收费{amount}元，超过{limits.prepaid_max_amount:.0f}元",
                c["prepaid_max_amount"],
            )
        )
    if covers_until is not None and covers_until > add_months(paid_on, limits.prepaid_max_months):
        found.append(
            Violation(
                "over_months",
                f"一次收费覆盖至{cn_date(covers_until)}，超过{limits.prepaid_max_months}个月",
                c["prepaid_max_months"],
            )
        )
    return found


def as_json(violations: list[Violation]) -> list[dict[str, Any]]:
    return [v.as_dict() for v in violations]


# Complaints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintLimits:
    """Days to accept a complaint (from submission) and to reply (from acceptance): local practice,
    from the standards library (tutoring_complaints_practice.toml), overridable per district."""

    accept_days: int
    handle_days: int


def complaint_limits(area_path: str = "") -> ComplaintLimits:
    lib = library()
    return ComplaintLimits(
        accept_days=int(lib.value("tutoring.complaint_accept_days", area_path=area_path).value),
        handle_days=int(lib.value("tutoring.complaint_handle_days", area_path=area_path).value),
    )


OVERDUE_ACCEPT = "accept"
OVERDUE_HANDLE = "handle"
OVERDUE_WORDS = {OVERDUE_ACCEPT: "受理超期", OVERDUE_HANDLE: "办理超期"}


def complaint_overdue(
    *, status: str, accept_deadline: dt.date | None, deadline: dt.date | None, today: dt.date
) -> str:
    """ "accept" when a complaint still waits for acceptance past its acceptance deadline, "handle"
    when an accepted one (handled or referred) has no reply past its deadline, else ""."""
    if status == "new" and accept_deadline is not None and accept_deadline < today:
        return OVERDUE_ACCEPT
    if status in ("assigned", "referred") and deadline is not None and deadline < today:
        return OVERDUE_HANDLE
    return ""


def inspection_min_inspectors(area_path: str = "") -> int:
    """Officers an on-site inspection needs (Administrative Penalty Law art. 42: at least two)."""
    return int(library().value("tutoring.inspection_min_inspectors", area_path=area_path).value)


# Lists ----------------------------------------------------------------------------------------


def white_list_blockers(*, status: str, custody_mode: str, violations: int) -> list[str]:
    """Why an institution may not stand on the white list (empty: it may). The white list is the
    bureau's public recommendation to parents, so it asks for a licence in force, prepaid fees under
    custody and no violation on record."""
    found: list[str] = []
    if status != "licensed":
        found.append("未处于“已取得许可”状态")
    if custody_mode == "none":
        found.append("预收费未纳入资金监管")
    if violations:
        found.append(f"有{violations}条违规记录")
    return found
