"""Import kind of pupils' physical-fitness measurements (parsed, scored by the national tables)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from edugov.common.errors import DomainError
from edugov.common.text import mask_id_number
from edugov.ingest.spec import CellError, Column, RowError, register
from edugov.registry.importers import (
    SchoolLookup,
    parse_class_number,
    parse_grade,
    parse_school_year,
    school_code_column,
)
from edugov.registry.models import SchoolClass, SchoolYear

from .. import fitness, fitness_tables
from ..models import (
    FITNESS_BAND_OF_LABEL,
    MEASURES,
    FitnessResult,
    Sex,
)
from ..permissions import action
from ..pupil_key import normalise_student_number, pupil_key

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
