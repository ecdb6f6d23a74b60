"""Import kinds of assessments (with their band cut-offs) and each pupil's score; the student
number becomes the pseudonymous key at import and is never stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Max

from edugov.accounts.scope import write_scoped
from edugov.common.text import mask_id_number
from edugov.ingest.spec import Column, ImportSpec, RowError, register
from edugov.registry.importers import (
    SchoolLookup,
    parse_class_number,
    parse_grade,
    parse_school_year,
    school_code_column,
)
from edugov.registry.models import Area, SchoolClass, SchoolYear

from ..models import (
    Assessment,
    AssessmentKind,
    Result,
)
from ..permissions import action
from ..pupil_key import normalise_student_number, pupil_key

CODE_PATTERN = r"^[A-Za-z0-9_\-]{2,32}$"
CODE_MESSAGE = "测评编号应为2～32位字母、数字、下划线或短横线"
KIND_WORDS: dict[str, str] = {str(label): str(value) for value, label in AssessmentKind.choices}
KIND_WORDS.update(
    {
        "学业质量监测": AssessmentKind.MONITORING,
        "监测": AssessmentKind.MONITORING,
        "期末": AssessmentKind.TERM_EXAM,
        "期末测试": AssessmentKind.TERM_EXAM,
    }
)


def _score_column(header: str, field: str, example: str) -> Column:
    return Column(header, field, "decimal", required=True, min_value=Decimal(0), example=example)


@register
class AssessmentImport(ImportSpec):
    kind = "quality_assessments"
    label = "测评（质量监测）"
    action = action("import_assessments")
    description = (
        "每行一次测评的一个学科：编号、类型、年级、日期、满分与优秀/良好/合格分数线（等级线按测评设置）"
    )
    model = Assessment
    columns = [
        Column(
            "测评编号",
            "code",
            required=True,
            pattern=CODE_PATTERN,
            pattern_message=CODE_MESSAGE,
            example="JC2025-8-SX",
            note="同一测评的成绩表用此编号",
        ),
        Column("测评名称", "name", required=True, example="2025学年八年级学业质量监测"),
        Column("测评类型", "kind", "choice", required=True, choices=KIND_WORDS, example="区域学业质量监测"),
        Column("学科", "subject", required=True, max_length=20, example="数学"),
        Column("年级", "grade", "choice", required=True, parser=parse_grade, example="八年级"),
        Column("测评日期", "held_on", "date", required=True, example="2026-06-10"),
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        _score_column("满分", "max_score", "100"),
        _score_column("优秀分数线", "excellent_min", "85"),
        _score_column("良好分数线", "good_min", "70"),
        _score_column("合格分数线", "pass_min", "60"),
    ]
    fields = (
        "code",
        "name",
        "kind",
        "subject",
        "grade",
        "held_on",
        "school_year_id",
        "area_id",
        "max_score",
        "excellent_min",
        "good_min",
        "pass_min",
    )
    key_fields = ("code",)
    update_fields = (
        "name",
        "kind",
        "subject",
        "grade",
        "held_on",
        "school_year_id",
        "max_score",
        "excellent_min",
        "good_min",
        "pass_min",
    )
    key_column = "code"

    def prepare(self) -> None:
        self.years = {y.start_year: y for y in SchoolYear.objects.all()}
        user = self.user
        if user is None or user.is_superuser:
            root = (
                Area.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
            )
            self.area_id = getattr(user, "area_id", None) or root
            self.writable_areas: set[int] | None = None
        else:
            self.area_id = user.area_id
            self.writable_areas = set(write_scoped(Area, user).values_list("pk", flat=True))
        self.existing_area = dict(Assessment.objects.values_list("code", "area_id"))
        self.top_score = dict(
            Result.objects.values("assessment__code")
            .annotate(top=Max("score"))
            .values_list("assessment__code", "top")
        )

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        if self.area_id is None:
            raise RowError("code", "您的账号未关联管辖区域，不能导入测评")
        owner = self.existing_area.get(v["code"])
        if owner is not None and self.writable_areas is not None and owner not in self.writable_areas:
            raise RowError("code", "该测评编号已被其他区域的测评使用，请换一个编号")
        year = self.years.get(v["school_year"])
        if year is None:
            raise RowError("school_year", f"{v['school_year']}学年在系统中不存在，请先建立该学年")
        if not year.start_date <= v["held_on"] <= year.end_date:
            raise RowError("held_on", f"测评日期不在{year}内")
        top, excellent, good, passing = v["max_score"], v["excellent_min"], v["good_min"], v["pass_min"]
        if top <= 0:
            raise RowError("max_score", "满分应大于0")
        if not passing <= good <= excellent <= top:
            raise RowError("excellent_min", "分数线应满足：合格 ≤ 良好 ≤ 优秀 ≤ 满分")
        highest = self.top_score.get(v["code"])
        if highest is not None and highest > top:
            raise RowError("max_score", f"该测评已有成绩高于新满分（最高{highest}分），不能把满分改小")
        return (
            v["code"],
            v["name"],
            v["kind"],
            v["subject"],
            v["grade"],
            v["held_on"],
            year.pk,
            owner or self.area_id,
            top,
            excellent,
            good,
            passing,
        )

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"测评编号{values[0]}"


@register
class ResultImport(SchoolLookup):
    kind = "quality_results"
    label = "测评成绩（质量监测）"
    action = action("import_results")
    description = (
        "每行一名学生一次测评的成绩：按学籍号生成化名代码后保存，不保存学籍号与姓名；"
        "同一测评同一学生重复导入时更新成绩"
    )
    model = Result
    columns = [
        Column(
            "测评编号",
            "assessment",
            required=True,
            pattern=CODE_PATTERN,
            pattern_message=CODE_MESSAGE,
            example="JC2025-8-SX",
        ),
        Column(
            "学籍号",
            "student_number",
            required=True,
            max_length=32,
            personal=mask_id_number,  # a 学籍号 is mostly "G" + the ID number: masked as one
            example="G310101201201011234",
            note="仅用于生成化名代码，系统不保存",
        ),
        school_code_column,
        Column("班号", "number", "int", required=True, parser=parse_class_number, example="1"),
        Column("成绩", "score", "decimal", required=True, min_value=Decimal(0), example="86.5"),
    ]
    fields = ("assessment_id", "pupil_key", "school_id", "school_class_id", "score")
    key_fields = ("assessment_id", "pupil_key")
    update_fields = ("score",)
    key_column = "student_number"

    def prepare(self) -> None:
        super().prepare()
        rows = Assessment.objects.select_related("school_year")
        if self.user is not None and not self.user.is_superuser:
            # Results go to an assessment organised by an area the uploader writes to.
            rows = rows.filter(area__in=write_scoped(Area, self.user))
        self.assessments = {a.code: a for a in rows}
        self.classes: dict[tuple[int, int, int, int], int] = {}
        self.used: set[int] = set()
        self.placed: dict[int, dict[str, int]] = {}  # assessment -> pupil key -> class already stored

    def _class_id(self, school_id: int, a: Assessment, number: int) -> int | None:
        key = (school_id, a.school_year_id, a.grade, number)
        if key not in self.classes:
            self.classes.update(
                {
                    (school_id, a.school_year_id, a.grade, n): pk
                    for pk, n in SchoolClass.objects.filter(
                        school_id=school_id, school_year_id=a.school_year_id, grade=a.grade
                    ).values_list("pk", "number")
                }
            )
            self.classes.setdefault(key, 0)
        return self.classes[key] or None

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        a = self.assessments.get(v["assessment"])
        if a is None:
            raise RowError("assessment", f"测评编号{v['assessment']}不存在或不在您的管辖范围内，请先导入测评")
        number = normalise_student_number(v["student_number"])
        if len(number) < 6 or not number.isalnum():
            raise RowError("student_number", "学籍号应为至少6位字母或数字")
        school_id, _ = self.school(v["school_code"])
        class_id = self._class_id(school_id, a, v["number"])
        if class_id is None:
            raise RowError(
                "number", f"学校{v['school_code']}在{a.school_year}没有{a.grade}年级{v['number']}班"
            )
        score = v["score"]
        if score > a.max_score:
            raise RowError("score", f"成绩超出该测评的分数范围（0～{a.max_score}）")
        key = pupil_key(number)
        placed = self.placed.get(a.pk)
        if placed is None:
            placed = self.placed[a.pk] = dict(
                Result.objects.filter(assessment=a).values_list("pupil_key", "school_class_id")
            )
        if placed.get(key, class_id) != class_id:
            raise RowError(
                "student_number", "该学生在本次测评中已登记在另一个班级；同一测评中一名学生只能属于一个班级"
            )
        self.used.add(a.pk)
        return (a.pk, key, school_id, class_id, score)

    def existing(self) -> models.QuerySet[Any]:
        return Result.objects.filter(assessment_id__in=self.used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一测评的同一学生（学籍号相同）；同一测评中一名学生只能有一条成绩、属于一个班级"
