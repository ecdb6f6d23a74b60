"""Spreadsheet import kinds of quality monitoring: assessments with their band cut-offs, and each
pupil's score. The pupil's student number (学籍号) is turned into the pseudonymous key at import
(pupil_key.py) and never stored; declarative specs run by the ingest engine (all or nothing,
Chinese errors and an error workbook, idempotent on natural keys)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import Max

from edugov.accounts.scope import write_scoped
from edugov.common.errors import DomainError
from edugov.common.text import mask_id_number
from edugov.ingest.spec import CellError, Column, ImportSpec, RowError, register
from edugov.registry.importers import (
    SchoolLookup,
    parse_class_number,
    parse_grade,
    parse_school_year,
    school_code_column,
)
from edugov.registry.models import Area, SchoolClass, SchoolType, SchoolYear

from . import fitness, fitness_tables
from .models import (
    FITNESS_BAND_OF_LABEL,
    MEASURES,
    Assessment,
    AssessmentKind,
    Award,
    AwardLevel,
    ExamLine,
    FitnessResult,
    LineResult,
    Recipient,
    Result,
    Sex,
)
from .permissions import action
from .pupil_key import normalise_student_number, pupil_key

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


# Physical fitness -------------------------------------------------------------------------------

SEX_WORDS = {
    "男": Sex.MALE,
    "女": Sex.FEMALE,
    "男生": Sex.MALE,
    "女生": Sex.FEMALE,
    "1": Sex.MALE,
    "2": Sex.FEMALE,
}
_TIME_RE = re.compile(r"^(\d{1,2})\s*(?:[:：'′’分])\s*(\d{1,2}(?:\.\d)?)\s*(?:[\"″”秒])?$")

# Plausible bounds of each raw measure (a value outside is a typing error, not a pupil).
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "height_cm": (Decimal(80), Decimal(230)),
    "weight_kg": (Decimal(10), Decimal(200)),
    "vital_capacity": (Decimal(300), Decimal(9999)),
    "run_50m": (Decimal(5), Decimal(30)),
    "sit_and_reach": (Decimal(-30), Decimal(40)),
    "rope_skipping": (Decimal(0), Decimal(300)),
    "sit_ups": (Decimal(0), Decimal(100)),
    "shuttle_50x8": (Decimal(60), Decimal(300)),
    "long_jump": (Decimal(30), Decimal(350)),
    "pull_ups": (Decimal(0), Decimal(60)),
    "run_1000m": (Decimal(150), Decimal(900)),
    "run_800m": (Decimal(120), Decimal(900)),
}
TIMED = {"run_1000m", "run_800m"}
HEADERS = {
    "height_cm": "身高（厘米）",
    "weight_kg": "体重（千克）",
    "vital_capacity": "肺活量（毫升）",
    "run_50m": "50米跑（秒）",
    "sit_and_reach": "坐位体前屈（厘米）",
    "rope_skipping": "1分钟跳绳（次）",
    "sit_ups": "1分钟仰卧起坐（次）",
    "shuttle_50x8": "50米×8往返跑（分′秒″或秒）",
    "long_jump": "立定跳远（厘米）",
    "pull_ups": "引体向上（次）",
    "run_1000m": "1000米跑（分′秒″或秒）",
    "run_800m": "800米跑（分′秒″或秒）",
}
EXAMPLES = {"height_cm": "125.3", "weight_kg": "24.6", "vital_capacity": "1350", "run_50m": "10.8"}


def parse_measure(raw: Any) -> Decimal:
    """A number, or a time as 3'55" / 3′55″ / 3:55 / 3分55秒 (in seconds)."""
    text = str(raw).strip()
    m = _TIME_RE.match(text)
    try:
        if m:
            return Decimal(m.group(1)) * 60 + Decimal(m.group(2))
        return Decimal(text)
    except InvalidOperation:
        raise CellError("应为数字，用时可写作秒数或“3′55″”") from None


def parse_sex(raw: Any) -> str:
    found = SEX_WORDS.get(str(raw).strip())
    if found is None:
        raise CellError("性别应为“男”或“女”")
    return found


def _measure_column(field: str) -> Column:
    required = field in ("height_cm", "weight_kg")
    return Column(
        HEADERS[field], field, "str", required=required, parser=parse_measure, example=EXAMPLES.get(field, "")
    )


@register
class FitnessImport(SchoolLookup):
    kind = "quality_fitness"
    label = "体质健康测试成绩"
    action = action("import_fitness")
    description = (
        "每行一名学生一学年的体质健康测试原始成绩：按学籍号生成化名代码后保存，不保存学籍号与姓名；"
        "按《国家学生体质健康标准（2014年修订）》评分表换算单项得分、标准分、附加分与等级。"
        "只填本年级测试的项目；同一学年同一学生重复导入时更新成绩"
    )
    model = FitnessResult
    columns = [
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        Column(
            "学籍号",
            "student_number",
            required=True,
            max_length=32,
            personal=mask_id_number,
            example="G310101201801011234",
            note="仅用于生成化名代码，系统不保存",
        ),
        school_code_column,
        Column("年级", "grade", "choice", required=True, parser=parse_grade, example="一年级"),
        Column("班号", "number", "int", required=True, parser=parse_class_number, example="1"),
        Column("性别", "sex", "str", required=True, parser=parse_sex, example="男"),
        *(_measure_column(f) for f, _, _ in MEASURES),
    ]
    fields = (
        "school_year_id",
        "pupil_key",
        "school_id",
        "school_class_id",
        "grade",
        "sex",
        *(f for f, _, _ in MEASURES),
        "bmi",
        "item_scores",
        "standard_score",
        "bonus",
        "total",
        "band",
    )
    key_fields = ("school_year_id", "pupil_key")
    update_fields = tuple(f for f in fields if f not in ("school_year_id", "pupil_key", "school_id"))
    key_column = "student_number"

    def prepare(self) -> None:
        super().prepare()
        self.years = {y.start_year: y for y in SchoolYear.objects.all()}
        self.classes: dict[tuple[int, int, int], dict[int, int]] = {}
        self.placed: dict[int, dict[str, int]] = {}  # year -> pupil key -> class already stored
        self.used: set[int] = set()

    def _class_id(self, school_id: int, year_id: int, grade: int, number: int) -> int | None:
        key = (school_id, year_id, grade)
        if key not in self.classes:
            self.classes[key] = dict(
                SchoolClass.objects.filter(
                    school_id=school_id, school_year_id=year_id, grade=grade
                ).values_list("number", "pk")
            )
        return self.classes[key].get(number)

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        year = self.years.get(v["school_year"])
        if year is None:
            raise RowError("school_year", f"{v['school_year']}学年在系统中不存在，请先建立该学年")
        number = normalise_student_number(v["student_number"])
        if len(number) < 6 or not number.isalnum():
            raise RowError("student_number", "学籍号应为至少6位字母或数字")
        school_id, _ = self.school(v["school_code"])
        grade, sex = v["grade"], v["sex"]
        class_id = self._class_id(school_id, year.pk, grade, v["number"])
        if class_id is None:
            raise RowError("number", f"学校{v['school_code']}在{year}没有{grade}年级{v['number']}班")
        std = fitness.standard()
        try:
            group = std.group_for(grade, sex)
        except DomainError as exc:
            raise RowError("grade", exc.message) from None
        measures: dict[str, Decimal] = {}
        sex_word = fitness.SEX_WORDS[sex]
        if not fitness_tables.tables().covers(grade, sex):
            have = "、".join(f"{g}年级" for g in fitness_tables.tables().grades())
            raise RowError(
                "grade", f"{grade}年级{sex_word}的单项评分表尚未录入（已录入：{have}），暂不能由原始成绩计分"
            )
        for field, code, unit in MEASURES:
            value = v.get(field)
            if value is None:
                continue
            if code and code not in group.weights:
                raise RowError(field, f"{grade}年级{sex_word}不测“{std.items[code]}”，请清空该列")
            low, high = BOUNDS[field]
            if not low <= value <= high:
                raise RowError(field, f"“{HEADERS[field]}”超出合理范围（{low}～{high}{unit}），请核对")
            measures[field] = value
        for code in group.weights:
            if code != "bmi" and code not in measures:
                raise RowError(code, f"缺少{grade}年级{sex_word}必测项目“{std.items[code]}”的成绩")
        try:
            scored = fitness_tables.score_measures(grade=grade, sex=sex, measures=measures)
        except DomainError as exc:
            raise RowError("grade", exc.message) from None
        key = pupil_key(number)
        placed = self.placed.get(year.pk)
        if placed is None:
            placed = self.placed[year.pk] = dict(
                FitnessResult.objects.filter(school_year=year).values_list("pupil_key", "school_class_id")
            )
        if placed.get(key, class_id) != class_id:
            raise RowError(
                "student_number",
                "该学生本学年已登记在另一个班级的体质健康成绩中；一名学生一学年只能属于一个班级",
            )
        self.used.add(year.pk)
        s = scored.score
        return (
            year.pk,
            key,
            school_id,
            class_id,
            grade,
            sex,
            *(measures.get(f) for f, _, _ in MEASURES),
            scored.bmi,
            scored.item_scores,
            s.standard,
            s.bonus,
            s.total,
            FITNESS_BAND_OF_LABEL[s.band],
        )

    def existing(self) -> models.QuerySet[Any]:
        return FitnessResult.objects.filter(school_year_id__in=self.used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学年的同一学生（学籍号相同）；一名学生一学年只能有一条体质健康成绩"


# Outcomes ---------------------------------------------------------------------------------------

LINE_WORDS = {str(label): str(value) for value, label in ExamLine.choices}
LINE_WORDS.update({"普通高中线": ExamLine.GENERAL, "重点高中线": ExamLine.KEY, "优质高中线": ExamLine.KEY})
LEVEL_WORDS = {str(label): str(value) for value, label in AwardLevel.choices}
LEVEL_WORDS.update(
    {
        "全国": AwardLevel.NATIONAL,
        "省": AwardLevel.PROVINCIAL,
        "市": AwardLevel.CITY,
        "县级": AwardLevel.COUNTY,
        "区级": AwardLevel.COUNTY,
        "县（区）": AwardLevel.COUNTY,
    }
)
RECIPIENT_WORDS = {str(label): str(value) for value, label in Recipient.choices}
JUNIOR_TYPES = {
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.COMPLETE_SECONDARY,
    SchoolType.TWELVE_YEAR,
}


class _SchoolYearRows(SchoolLookup):
    def prepare(self) -> None:
        super().prepare()
        self.years = {y.start_year: y for y in SchoolYear.objects.all()}

    def year_id(self, start: int) -> int:
        year = self.years.get(start)
        if year is None:
            raise RowError("school_year", f"{start}学年在系统中不存在，请先建立该学年")
        return year.pk


@register
class LineResultImport(_SchoolYearRows):
    kind = "quality_lines"
    label = "中考上线人数"
    action = action("import_outcomes")
    description = "每行一所初中一学年达到一条中考分数线的人数（只录人数，不录学生与分数）"
    model = LineResult
    columns = [
        school_code_column,
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        Column("分数线", "line", "choice", required=True, choices=LINE_WORDS, example="普高线"),
        Column("参考人数", "candidates", "int", required=True, min_value=1, example="180"),
        Column("上线人数", "reached", "int", required=True, min_value=0, example="112"),
    ]
    fields = ("school_id", "school_year_id", "line", "candidates", "reached")
    key_fields = ("school_id", "school_year_id", "line")
    update_fields = ("candidates", "reached")
    key_column = "line"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, school_type = self.school(v["school_code"])
        if school_type not in JUNIOR_TYPES:
            raise RowError("school_code", f"学校{v['school_code']}不设初中，不能登记中考上线人数")
        if v["reached"] > v["candidates"]:
            raise RowError("reached", "上线人数不能多于参考人数")
        return (school_id, self.year_id(v["school_year"]), v["line"], v["candidates"], v["reached"])

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学校同一学年的同一条分数线"


@register
class AwardImport(_SchoolYearRows):
    kind = "quality_awards"
    label = "师生获奖"
    action = action("import_outcomes")
    description = "每行一所学校一学年在一项赛事中某一奖项的获奖人次（教师或学生），不录姓名"
    model = Award
    columns = [
        school_code_column,
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        Column("获奖对象", "recipient", "choice", required=True, choices=RECIPIENT_WORDS, example="学生"),
        Column("级别", "level", "choice", required=True, choices=LEVEL_WORDS, example="市级"),
        Column("赛事或评比", "contest", required=True, max_length=100, example="青少年科技创新大赛"),
        Column("奖项", "prize", required=True, max_length=20, example="一等奖"),
        Column("获奖人次", "count", "int", required=True, min_value=1, example="3"),
    ]
    fields = ("school_id", "school_year_id", "recipient", "level", "contest", "prize", "count")
    key_fields = ("school_id", "school_year_id", "recipient", "level", "contest", "prize")
    update_fields = ("count",)
    key_column = "contest"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, _ = self.school(v["school_code"])
        return (
            school_id,
            self.year_id(v["school_year"]),
            v["recipient"],
            v["level"],
            v["contest"],
            v["prize"],
            v["count"],
        )

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学校同一学年同一赛事的同一奖项"
