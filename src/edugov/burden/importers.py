"""Spreadsheet import kinds of the burden app: homework collected in sheets by schools, and the
student/parent questionnaires (actual burden and five managements). Declarative specs run by the
ingest engine (all-or-nothing, idempotent on natural keys, audited per batch)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from edugov.accounts.models import Module
from edugov.accounts.scope import write_scoped
from edugov.common.dates import cn_date
from edugov.ingest.spec import Column, RowError, register
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.importers import (
    SchoolLookup,
    parse_class_number,
    parse_grade,
    parse_school_year,
    school_code_column,
)
from edugov.registry.models import CalendarDayKind, School, SchoolClass, SchoolYear
from edugov.registry.selectors import current_school_year

from .models import MAX_HOMEWORK_MINUTES, Homework, HomeworkType, Respondent, SurveyResponse

TYPE_WORDS: dict[str, str] = {str(label): str(value) for value, label in HomeworkType.choices}
TYPE_WORDS.update(
    {
        "书面": "written",
        "口头": "oral",
        "阅读": "oral",
        "实践": "practical",
        "探究": "inquiry",
        "跨学科": "cross_subject",
    }
)


class ClassLookup(SchoolLookup):
    """Rows name their class by school code, (school year,) grade and class number."""

    module = Module.BURDEN
    action = "burden.import"

    def prepare(self) -> None:
        super().prepare()
        if self.writable is not None:
            # Rows are written: the uploader's write scope, not what they may read.
            self.writable = set(write_scoped(School, self.user).values_list("pk", flat=True))
        self.years = {y.start_year: y for y in SchoolYear.objects.all()}
        self.current = current_school_year()
        self.class_ids: dict[tuple[int, int, int, int], int] | None = None
        self.calendars: dict[int, SchoolCalendar] = {}
        self.school_cache: dict[str, int] = {}

    def _classes(self) -> dict[tuple[int, int, int, int], int]:
        if self.class_ids is None:
            self.class_ids = {
                (school_id, year_id, grade, number): pk
                for pk, school_id, year_id, grade, number in SchoolClass.objects.filter(
                    archived_at__isnull=True
                ).values_list("pk", "school_id", "school_year_id", "grade", "number")
            }
        return self.class_ids

    def school_class(self, v: dict[str, Any]) -> tuple[int, SchoolYear]:
        code = v["school_code"]
        school_id = self.school_cache.get(code)
        if school_id is None:
            school_id, _ = self.school(code)
            self.school_cache[code] = school_id
        year = self.years.get(v["school_year"]) if v.get("school_year") else self.current
        if year is None:
            raise RowError("school_year", "该学年在系统中不存在")
        pk = self._classes().get((school_id, year.pk, v["grade"], v["number"]))
        if pk is None:
            raise RowError("number", f"学校{code}在{year}没有{v['grade']}年级{v['number']}班")
        return pk, year

    def check_school_day(self, year: SchoolYear, day: dt.date, field: str) -> None:
        if not year.start_date <= day <= year.end_date:
            raise RowError(field, f"日期不在{year}内")
        calendar = self.calendars.get(year.pk)
        if calendar is None:
            calendar = self.calendars[year.pk] = SchoolCalendar.for_year(year)
        kind = calendar.day_kind(day)
        if kind != CalendarDayKind.SCHOOL_DAY:
            raise RowError(field, f"{cn_date(day)}不是上课日（{CalendarDayKind(kind).label}）")


CLASS_COLUMNS = [
    school_code_column,
    Column("学年", "school_year", parser=parse_school_year, example="2025-2026", note="不填为当前学年"),
    Column("年级", "grade", "choice", required=True, parser=parse_grade, example="三年级"),
    Column("班号", "number", "int", required=True, parser=parse_class_number, example="1"),
]


@register
class HomeworkImport(ClassLookup):
    kind = "homework"
    label = "作业公示"
    description = "每行一个班级一个学科一天的一类作业；同一班级、日期、学科、类型重复导入时更新内容与用时"
    model = Homework
    columns = [
        *CLASS_COLUMNS,
        Column("日期", "date", "date", required=True, example="2025-09-08"),
        Column("学科", "subject", required=True, example="数学"),
        Column("作业类型", "homework_type", "choice", required=True, choices=TYPE_WORDS, example="书面作业"),
        Column("作业内容", "content", required=True, example="练习册第12页", width=40),
        Column(
            "预计用时（分钟）",
            "estimated_minutes",
            "int",
            required=True,
            min_value=1,
            max_value=MAX_HOMEWORK_MINUTES,
            example="20",
            aliases=("预计用时", "用时（分钟）"),
        ),
        Column("分层作业", "layered", "bool", default=False, example="否"),
    ]
    fields = (
        "school_class_id",
        "date",
        "subject",
        "homework_type",
        "content",
        "estimated_minutes",
        "layered",
        "created_at",
    )
    key_fields = ("school_class_id", "date", "subject", "homework_type")
    update_fields = ("content", "estimated_minutes", "layered")
    key_column = "subject"

    def prepare(self) -> None:
        super().prepare()
        self.now = timezone.now()
        self.class_ids_used: set[int] = set()
        self.latest = timezone.localdate() + dt.timedelta(days=7)

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        class_id, year = self.school_class(v)
        day = v["date"]
        if day > self.latest:
            raise RowError("date", "只能导入今天及之前、或未来7天内的作业")
        self.check_school_day(year, day, "date")
        self.class_ids_used.add(class_id)
        # A written assignment in grades 1-2 is imported as what happened; the compliance page flags it.
        return (
            class_id,
            day,
            v["subject"],
            v["homework_type"],
            v["content"],
            v["estimated_minutes"],
            bool(v["layered"]),
            self.now,
        )

    def existing(self) -> models.QuerySet[Any]:
        return Homework.objects.filter(school_class_id__in=self.class_ids_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一班级{values[1]}的{values[2]}{HomeworkType(values[3]).label}"


def parse_hours(raw: Any) -> Decimal:
    from edugov.ingest.spec import parse_decimal

    return parse_decimal(str(raw).replace("小时", "").replace("h", ""))


@register
class SurveyImport(ClassLookup):
    kind = "burden_surveys"
    label = "学生负担与五项管理问卷"
    description = "每行一份匿名问卷（学生或家长），按问卷编号去重；不含学生姓名等个人信息"
    model = SurveyResponse
    columns = [
        *CLASS_COLUMNS,
        Column("问卷日期", "survey_date", "date", required=True, example="2025-10-20"),
        Column("问卷编号", "response_code", required=True, example="Q0001"),
        Column(
            "填答人",
            "respondent",
            "choice",
            required=True,
            example="学生",
            choices={str(label): str(value) for value, label in Respondent.choices},
        ),
        Column(
            "每天书面作业用时（分钟）",
            "homework_minutes",
            "int",
            required=True,
            min_value=0,
            max_value=600,
            example="70",
            aliases=("作业用时",),
        ),
        Column(
            "每天睡眠（小时）",
            "sleep_hours",
            "decimal",
            required=True,
            parser=parse_hours,
            min_value=3,
            max_value=14,
            example="9.5",
            aliases=("睡眠时间",),
        ),
        Column("手机由学校统一保管", "phone_kept_by_school", "bool", example="是"),
        Column("每天课外阅读（分钟）", "reading_minutes", "int", min_value=0, max_value=600, example="30"),
        Column("每天体育活动（分钟）", "activity_minutes", "int", min_value=0, max_value=600, example="90"),
    ]
    fields = (
        "school_class_id",
        "survey_date",
        "response_code",
        "respondent",
        "homework_minutes",
        "sleep_hours",
        "phone_kept_by_school",
        "reading_minutes",
        "activity_minutes",
        "created_at",
    )
    key_fields = ("school_class_id", "survey_date", "response_code")
    update_fields = (
        "respondent",
        "homework_minutes",
        "sleep_hours",
        "phone_kept_by_school",
        "reading_minutes",
        "activity_minutes",
    )
    key_column = "response_code"

    def prepare(self) -> None:
        super().prepare()
        self.now = timezone.now()
        self.class_ids_used: set[int] = set()

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        class_id, year = self.school_class(v)
        day = v["survey_date"]
        if not year.start_date <= day <= min(year.end_date, timezone.localdate()):
            raise RowError("survey_date", f"问卷日期应在{year}内且不晚于今天")
        self.class_ids_used.add(class_id)
        return (
            class_id,
            day,
            v["response_code"],
            v["respondent"],
            v["homework_minutes"],
            v["sleep_hours"].quantize(Decimal("0.1")),
            v["phone_kept_by_school"],
            v["reading_minutes"],
            v["activity_minutes"],
            self.now,
        )

    def existing(self) -> models.QuerySet[Any]:
        return SurveyResponse.objects.filter(school_class_id__in=self.class_ids_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一班级同一天的问卷编号{values[2]}"
