"""Spreadsheet import kinds of the resources app: a school's facilities per school year
(办学条件), each teacher's indicator facts per school year (教师学年信息), and the 普及普惠 inputs:
the age-3-5 population per town (学前适龄人口) and inclusive-kindergarten recognition (普惠性认定).
Declarative specs run by the ingest engine; every problem is a row error in Chinese and nothing is written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from edugov.ingest.spec import CellError, Column, ImportSpec, RowError, register
from edugov.registry.importers import SchoolLookup, parse_school_year, school_code_column
from edugov.registry.models import (
    SCHOOL_TYPE_GRADES,
    Area,
    AreaLevel,
    Ownership,
    School,
    SchoolType,
    SchoolYear,
    Teacher,
    stage_for_grade,
)

from . import permissions  # noqa: F401  (the import kinds' actions are the resources policy's)
from .models import (
    BackboneLevel,
    InclusiveKindergarten,
    PeArtSubject,
    PreschoolPopulation,
    Qualification,
    SchoolFacilities,
    TeacherYearRecord,
    TeachingStage,
)

MAX_AMOUNT = Decimal(10**11)  # the model's widest column holds 12 digits before the point


def _non_negative(label: str) -> Any:
    """A number that may not be negative, with a message that names what it measures."""

    def parse(raw: Any) -> Decimal:
        from edugov.ingest.spec import parse_decimal

        value = parse_decimal(raw)
        if value < 0:
            raise CellError(f"{label}不能为负数")
        if value >= MAX_AMOUNT:
            raise CellError(f"{label}数值过大，请核对单位")
        return value

    return parse


def _count(label: str) -> Any:
    def parse(raw: Any) -> int:
        from edugov.ingest.spec import parse_int

        value = parse_int(raw)
        if value < 0:
            raise CellError(f"{label}不能为负数")
        if value > 2_000_000_000:
            raise CellError(f"{label}数值过大，请核对")
        return value

    return parse


year_column = Column(
    "学年",
    "school_year",
    required=True,
    parser=parse_school_year,
    example="2025-2026",
    note="填起始年份或“2025-2026”",
)


def stages_of(school_type: str) -> set[str]:
    return {str(stage_for_grade(g)) for g in SCHOOL_TYPE_GRADES.get(school_type, range(0))}


class _YearLookup(SchoolLookup):
    # Who imports each kind is its `action` in the resources policy (resources.permissions).

    def prepare(self) -> None:
        super().prepare()
        self.years = dict(SchoolYear.objects.values_list("start_year", "pk"))
        self.years_used: set[int] = set()

    def year(self, start: int) -> int:
        year_id = self.years.get(start)
        if year_id is None:
            raise RowError("school_year", f"{start}-{start + 1}学年在系统中不存在，请先建立该学年")
        self.years_used.add(year_id)
        return year_id


@register
class FacilitiesImport(_YearLookup):
    kind = "facilities"
    action = "resources.import_facilities"
    label = "办学条件"
    description = "每行一所学校一个学年的校舍面积、设备值、专用教室与图书（教育事业统计基础表口径）"
    model = SchoolFacilities
    columns = [
        school_code_column,
        year_column,
        Column(
            "教学及辅助用房面积",
            "teaching_aux_area",
            "decimal",
            required=True,
            parser=_non_negative("教学及辅助用房面积"),
            example="5200",
            note="平方米",
        ),
        Column(
            "体育运动场馆面积",
            "sports_area",
            "decimal",
            required=True,
            parser=_non_negative("体育运动场馆面积"),
            example="8600",
            note="平方米",
        ),
        Column(
            "教学仪器设备值",
            "equipment_value",
            "decimal",
            required=True,
            parser=_non_negative("教学仪器设备值"),
            example="2600000",
            note="元",
        ),
        Column(
            "网络多媒体教室",
            "multimedia_classrooms",
            "int",
            required=True,
            parser=_count("网络多媒体教室数"),
            example="24",
            note="间",
        ),
        Column("音乐专用教室", "music_rooms", "int", parser=_count("音乐专用教室数"), default=0, example="2"),
        Column(
            "音乐教室总面积",
            "music_room_area",
            "decimal",
            parser=_non_negative("音乐教室面积"),
            default=Decimal(0),
            example="200",
            note="平方米",
        ),
        Column("美术专用教室", "art_rooms", "int", parser=_count("美术专用教室数"), default=0, example="2"),
        Column(
            "美术教室总面积",
            "art_room_area",
            "decimal",
            parser=_non_negative("美术教室面积"),
            default=Decimal(0),
            example="190",
            note="平方米",
        ),
        Column("图书", "books", "int", parser=_count("图书册数"), default=0, example="32000", note="册"),
    ]
    fields = (
        "school_id",
        "school_year_id",
        "teaching_aux_area",
        "sports_area",
        "equipment_value",
        "multimedia_classrooms",
        "music_rooms",
        "music_room_area",
        "art_rooms",
        "art_room_area",
        "books",
    )
    key_fields = ("school_id", "school_year_id")
    update_fields = fields[2:]
    key_column = "school_code"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, school_type = self.school(v["school_code"])
        if school_type == SchoolType.KINDERGARTEN:
            raise RowError("school_code", f"学校{v['school_code']}是幼儿园，办学条件表只填中小学")
        year_id = self.year(v["school_year"])
        music_rooms, art_rooms = v["music_rooms"] or 0, v["art_rooms"] or 0
        music_area = v["music_room_area"] or Decimal(0)
        art_area = v["art_room_area"] or Decimal(0)
        if music_area and not music_rooms:
            raise RowError("music_rooms", "填写了音乐教室面积，但音乐专用教室为0间")
        if art_area and not art_rooms:
            raise RowError("art_rooms", "填写了美术教室面积，但美术专用教室为0间")
        return (
            school_id,
            year_id,
            v["teaching_aux_area"],
            v["sports_area"],
            v["equipment_value"],
            v["multimedia_classrooms"],
            music_rooms,
            music_area,
            art_rooms,
            art_area,
            v["books"] or 0,
        )

    def existing(self) -> models.QuerySet[Any]:
        return SchoolFacilities.objects.filter(school_year_id__in=self.years_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学校同一学年"


STAGE_WORDS = {str(label): str(value) for value, label in TeachingStage.choices}
STAGE_WORDS.update(
    {"幼儿园": "preschool", "学前教育": "preschool", "初级中学": "junior", "高级中学": "senior"}
)
QUALIFICATION_WORDS = {str(label): str(value) for value, label in Qualification.choices}
QUALIFICATION_WORDS.update(
    {"博士": "postgraduate", "硕士": "postgraduate", "博士研究生": "postgraduate",
     "硕士研究生": "postgraduate", "大学本科": "bachelor", "大专": "associate", "大学专科": "associate",
     "中专": "secondary", "高中": "secondary", "初中及以下": "secondary"}
)  # fmt: skip
BACKBONE_WORDS = {str(label): str(value) for value, label in BackboneLevel.choices}
BACKBONE_WORDS.update({"区级": "county", "县区级": "county", "地市级": "city"})
PE_ART_WORDS = {str(label): str(value) for value, label in PeArtSubject.choices if value}
PE_ART_WORDS.update({"否": "", "无": "", "体育与健康": "pe", "艺术": "art"})


@register
class TeacherYearImport(_YearLookup):
    kind = "teacher_years"
    action = "resources.import_teacher_years"
    label = "教师学年信息"
    description = (
        "每行一名教师一个学年：任教学段、最高学历、骨干级别、体育艺术专任、资格证、培训学时、交流轮岗"
    )
    model = TeacherYearRecord
    columns = [
        school_code_column,
        Column("教职工号", "staff_number", required=True, example="T0001", max_length=32),
        year_column,
        Column("任教学段", "stage", "choice", required=True, choices=STAGE_WORDS, example="小学"),
        Column(
            "最高学历",
            "qualification",
            "choice",
            choices=QUALIFICATION_WORDS,
            example="本科",
            note="未知可留空（评价时按未达到计并列为数据问题）",
        ),
        Column(
            "骨干教师级别", "backbone_level", "choice", choices=BACKBONE_WORDS, default="none", example="无"
        ),
        Column(
            "体育艺术专任",
            "pe_art_subject",
            "choice",
            choices=PE_ART_WORDS,
            default="",
            example="否",
            note="专任体育、音乐、美术教师填学科，其余填“否”",
        ),
        Column("持有教师资格证", "has_certificate", "bool", default=True, example="是"),
        Column(
            "本学年培训学时",
            "training_hours",
            "decimal",
            parser=_non_negative("培训学时"),
            default=Decimal(0),
            example="80",
        ),
        Column("本学年交流轮岗", "rotated", "bool", default=False, example="否"),
    ]
    fields = (
        "teacher_id",
        "school_year_id",
        "stage",
        "qualification",
        "backbone_level",
        "pe_art_subject",
        "has_certificate",
        "training_hours",
        "rotated",
    )
    key_fields = ("teacher_id", "school_year_id")
    update_fields = fields[2:]
    key_column = "staff_number"

    def prepare(self) -> None:
        super().prepare()
        self.teachers: dict[tuple[int, str], tuple[int, bool]] = {
            (school_id, staff): (pk, archived is not None)
            for pk, school_id, staff, archived in Teacher.objects.values_list(
                "pk", "school_id", "staff_number", "archived_at"
            ).iterator(chunk_size=5000)
        }

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        code = v["school_code"]
        school_id, school_type = self.school(code)
        found = self.teachers.get((school_id, v["staff_number"]))
        if found is None:
            raise RowError(
                "staff_number", f"学校{code}没有教职工号为{v['staff_number']}的教师，请先导入教师基本信息"
            )
        teacher_id, archived = found
        if archived:
            raise RowError("staff_number", f"教师{v['staff_number']}已归档，不能导入其学年信息")
        stage = v["stage"]
        if stage not in stages_of(school_type):
            raise RowError(
                "stage",
                f"学校{code}是{SchoolType(school_type).label}，没有{TeachingStage(stage).label}学段",
            )
        year_id = self.year(v["school_year"])
        hours = v["training_hours"] if v["training_hours"] is not None else Decimal(0)
        if hours > 1000:
            raise RowError("training_hours", "本学年培训学时超过1000，请核对")
        return (
            teacher_id,
            year_id,
            stage,
            v["qualification"] or "",
            v["backbone_level"] or "none",
            v["pe_art_subject"] or "",
            v["has_certificate"] if v["has_certificate"] is not None else True,
            hours,
            bool(v["rotated"]),
        )

    def existing(self) -> models.QuerySet[Any]:
        return TeacherYearRecord.objects.filter(school_year_id__in=self.years_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一教师同一学年"


# ---- 普及普惠 inputs ------------------------------------------------------------------------------


@register
class PreschoolPopulationImport(ImportSpec):
    """The age-3-5 population per town comes from the statistics bureau, not from schools."""

    kind = "preschool_population"
    action = "resources.import_preschool_population"
    label = "学前适龄人口"
    description = (
        "每行一个乡镇（街道）一个学年的3-5岁常住人口（学前三年毛入园率的分母，由统计或公安部门提供）"
    )
    model = PreschoolPopulation
    columns = [
        Column(
            "区划代码",
            "area_code",
            required=True,
            pattern=r"^\d{2,12}$",
            pattern_message="区划代码应为2～12位数字",
            example="310101001",
            note="乡镇（街道）的区划代码",
        ),
        year_column,
        Column(
            "3-5岁常住人口",
            "population",
            "int",
            required=True,
            parser=_count("3-5岁常住人口"),
            example="1200",
            note="人",
            aliases=("3-5岁人口", "适龄人口"),
        ),
    ]
    fields = ("area_id", "school_year_id", "population")
    key_fields = ("area_id", "school_year_id")
    update_fields = ("population",)
    key_column = "area_code"

    def prepare(self) -> None:
        self.towns = {
            code: (pk, level, path)
            for pk, code, level, path in Area.objects.values_list("pk", "code", "level", "path")
        }
        self.root = (
            ""
            if self.user is None or self.user.is_superuser
            else (self.user.area.path if self.user.area else "-")
        )
        self.years = dict(SchoolYear.objects.values_list("start_year", "pk"))
        self.years_used: set[int] = set()

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        found = self.towns.get(v["area_code"])
        if found is None:
            raise RowError("area_code", f"区划代码{v['area_code']}在系统中不存在，请先导入行政区划")
        area_id, level, path = found
        if level != AreaLevel.TOWN:
            raise RowError(
                "area_code", f"区划代码{v['area_code']}不是乡镇（街道）级，适龄人口按乡镇（街道）填报"
            )
        if self.root and not path.startswith(self.root):
            raise RowError("area_code", f"乡镇（街道）{v['area_code']}不在您的管辖范围内")
        if v["population"] > 1_000_000:
            raise RowError("population", "一个乡镇（街道）的3-5岁常住人口超过100万，请核对")
        year_id = self.years.get(v["school_year"])
        if year_id is None:
            start = v["school_year"]
            raise RowError("school_year", f"{start}-{start + 1}学年在系统中不存在，请先建立该学年")
        self.years_used.add(year_id)
        return (area_id, year_id, v["population"])

    def existing(self) -> models.QuerySet[Any]:
        return PreschoolPopulation.objects.filter(school_year_id__in=self.years_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一乡镇（街道）同一学年"


@register
class InclusiveKindergartenImport(_YearLookup):
    """Recognition as 普惠性民办幼儿园 is the bureau's decision: only its officers import it."""

    kind = "inclusive_kindergartens"
    action = "resources.import_inclusive_kindergartens"
    label = "普惠性幼儿园认定"
    description = "每行一所民办幼儿园一个学年是否认定为普惠性民办幼儿园（公办幼儿园自动计为普惠性，无需填报）"
    model = InclusiveKindergarten
    columns = [
        school_code_column,
        year_column,
        Column("是否普惠性民办幼儿园", "is_inclusive", "bool", required=True, example="是"),
        Column("认定文号", "document", example="临教〔2025〕12号", max_length=64, width=24),
    ]
    fields = ("school_id", "school_year_id", "is_inclusive", "document")
    key_fields = ("school_id", "school_year_id")
    update_fields = ("is_inclusive", "document")
    key_column = "school_code"

    def prepare(self) -> None:
        super().prepare()
        self.ownership = dict(School.objects.values_list("code", "ownership"))

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        code = v["school_code"]
        school_id, school_type = self.school(code)
        if school_type != SchoolType.KINDERGARTEN:
            raise RowError("school_code", f"学校{code}不是幼儿园，普惠性认定只填幼儿园")
        if self.ownership.get(code) == Ownership.PUBLIC and not v["is_inclusive"]:
            raise RowError("is_inclusive", f"幼儿园{code}是公办幼儿园，公办园均计为普惠性幼儿园，不能填“否”")
        return (school_id, self.year(v["school_year"]), bool(v["is_inclusive"]), v["document"] or "")

    def existing(self) -> models.QuerySet[Any]:
        return InclusiveKindergarten.objects.filter(school_year_id__in=self.years_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一幼儿园同一学年"
