"""Import kinds of workforce, run by the ingest engine: teachers' yearly records (one row per teacher
and school year) and the subjects they teach with weekly periods (one row per teacher, year and
subject). Teachers are named by school code and staff number, as in the registry's teacher import,
and only in schools the uploader may write to."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.utils import timezone

from edugov.ingest.spec import CellError, Column, RowError, register
from edugov.registry.importers import SchoolLookup, parse_school_year, school_code_column
from edugov.registry.models import SchoolYear, Teacher

from .models import SubjectLoad, TeacherYear
from .norms import canonical_subject
from .services import SUBJECTS

_MONTH_RE = re.compile(r"^(\d{4})\s*[年/.\-]?\s*(\d{1,2})\s*月?(?:\s*[/.\-]?\s*\d{1,2}\s*日?)?$")


def parse_birth_month(raw: Any) -> tuple[int, int]:
    """1985-03, 1985年3月, 1985/3, 198503 or a date cell: (year, month); never a future month."""
    if isinstance(raw, dt.date):
        year, month = raw.year, raw.month
    else:
        m = _MONTH_RE.match(str(raw).strip())
        if not m:
            raise CellError("出生年月格式不正确，应如“1985-03”或“1985年3月”")
        year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise CellError("出生月份应在1～12之间")
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise CellError("出生年月不能晚于当前月份")
    if year < 1940:
        raise CellError("出生年份不应早于1940年")
    return year, month


def parse_subject(raw: Any) -> str:
    subject = canonical_subject(str(raw))
    if subject not in SUBJECTS:
        raise CellError(f"未知学科“{str(raw)[:20]}”，可选：" + "、".join(SUBJECTS))
    return subject


def parse_optional_subject(raw: Any) -> str:
    return parse_subject(raw) if str(raw).strip() else ""


school_year_column = Column(
    "学年", "school_year", required=True, parser=parse_school_year, example="2025-2026", note="如2025-2026"
)
staff_number_column = Column("教职工号", "staff_number", required=True, example="T0001", max_length=32)


class TeacherLookup(SchoolLookup):
    """School code and staff number to a teacher of a school the uploader may write to, and the
    school year by its start year."""

    def prepare(self) -> None:
        super().prepare()
        self.teachers: dict[tuple[int, str], int] = {
            (school_id, staff): pk
            for pk, school_id, staff in Teacher.objects.filter(archived_at__isnull=True).values_list(
                "pk", "school_id", "staff_number"
            )
        }
        self.years = dict(SchoolYear.objects.values_list("start_year", "pk"))

    def teacher_and_year(self, v: dict[str, Any]) -> tuple[int, int, int]:
        school_id, _type = self.school(v["school_code"])
        teacher_id = self.teachers.get((school_id, v["staff_number"]))
        if teacher_id is None:
            raise RowError(
                "staff_number",
                f"学校{v['school_code']}没有教职工号为{v['staff_number']}的教师，请先导入教师基本信息",
            )
        year_id = self.years.get(v["school_year"])
        if year_id is None:
            raise RowError("school_year", f"{v['school_year']}学年尚未建立，请先在基础信息中建立学年")
        return school_id, teacher_id, year_id


@register
class TeacherYearImport(TeacherLookup):
    kind = "workforce_records"
    label = "教师年度档案"
    action = "workforce.import"
    description = (
        "每位教师每学年一行：用工类型、职称、学历、教师资格证、骨干、班主任、出生年月等；"
        "同一教师同一学年再次导入即更新"
    )
    model = TeacherYear
    columns = [
        school_code_column,
        staff_number_column,
        school_year_column,
        Column("用工类型", "employment_type", "choice", required=True, example="在编"),
        Column("职称", "title", "choice", required=True, example="一级"),
        Column("最高学历", "qualification", "choice", required=True, example="本科"),
        Column("所学专业", "major", example="汉语言文学"),
        Column(
            "教师资格证学段", "certificate_stage", "choice", required=True, example="小学", note="无证填“无”"
        ),
        Column("教师资格证学科", "certificate_subject", parser=parse_optional_subject, example="语文"),
        Column(
            "骨干教师级别", "backbone_level", "choice", default="none", example="县级", note="不是骨干填“无”"
        ),
        Column("班主任", "is_head_teacher", "bool", default=False, example="是"),
        Column("班主任年限", "head_teacher_years", "int", default=0, example="5"),
        Column("参加工作时间", "joined_on", "date", example="2008-09-01"),
        Column("调入本校年份", "school_since", "int", example="2015"),
        Column("乡村学校任教年限", "rural_years", "int", default=0, example="6"),
        Column(
            "出生年月",
            "birth",
            parser=parse_birth_month,
            required=True,
            example="1985-03",
            note="只填年月，不填日",
        ),
    ]
    fields = (
        "teacher_id", "school_year_id", "school_id", "employment_type", "title", "qualification", "major",
        "certificate_stage", "certificate_subject", "backbone_level", "is_head_teacher", "head_teacher_years",
        "joined_on", "school_since", "rural_years", "birth_year", "birth_month",
    )  # fmt: skip
    key_fields = ("teacher_id", "school_year_id")
    update_fields = fields[2:]
    key_column = "staff_number"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, teacher_id, year_id = self.teacher_and_year(v)
        birth_year, birth_month = v["birth"]
        head = bool(v["is_head_teacher"])
        years = v["head_teacher_years"] or 0
        if v["joined_on"] is not None and v["joined_on"].year < birth_year + 15:
            raise RowError("joined_on", "参加工作时间与出生年月不符（早于15岁）")
        return (
            teacher_id,
            year_id,
            school_id,
            v["employment_type"],
            v["title"],
            v["qualification"],
            v["major"] or "",
            v["certificate_stage"],
            v["certificate_subject"] or "",
            v["backbone_level"] or "none",
            head,
            years,
            v["joined_on"],
            v["school_since"],
            v["rural_years"] or 0,
            birth_year,
            birth_month,
        )

    def existing(self) -> models.QuerySet[Any]:
        return TeacherYear.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一教师同一学年"


@register
class SubjectLoadImport(TeacherLookup):
    kind = "workforce_loads"
    label = "教师任教学科与周课时"
    action = "workforce.import"
    description = "每位教师每学年每个任教学科一行；须先导入该教师该学年的年度档案"
    model = SubjectLoad
    columns = [
        school_code_column,
        staff_number_column,
        school_year_column,
        Column("任教学科", "subject", required=True, parser=parse_subject, example="音乐"),
        Column("周课时", "weekly_periods", "int", required=True, example="12"),
    ]
    fields = ("teacher_year_id", "subject", "weekly_periods")
    key_fields = ("teacher_year_id", "subject")
    update_fields = ("weekly_periods",)
    key_column = "subject"

    def prepare(self) -> None:
        super().prepare()
        self.records = {
            (teacher_id, year_id): pk
            for pk, teacher_id, year_id in TeacherYear.objects.values_list(
                "pk", "teacher_id", "school_year_id"
            )
        }

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        _school_id, teacher_id, year_id = self.teacher_and_year(v)
        record = self.records.get((teacher_id, year_id))
        if record is None:
            raise RowError("staff_number", "该教师本学年尚无年度档案，请先导入“教师年度档案”")
        return (record, v["subject"], v["weekly_periods"])

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一教师同一学年的学科{values[1]}"
