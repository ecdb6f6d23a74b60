"""What the registry's import kinds share (and the other apps' kinds reuse): grade, school-year and
class-number words, the school lookup within the uploader's write scope, the school code column."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from edugov.accounts.scope import write_scoped
from edugov.ingest.spec import CellError, Column, ImportSpec, RowError

from ..models import Grade, School, SchoolType

SCHOOL_CODE_PATTERN = r"^\d{10}$"
SCHOOL_CODE_MESSAGE = "学校标识码应为10位数字"
AREA_CODE_MESSAGE = "区划代码应为2～12位数字"
_SIX = Decimal("0.000001")

GRADE_WORDS: dict[str, int] = {str(label): int(value) for value, label in Grade.choices}
GRADE_WORDS.update(
    {
        "初一": 7,
        "初二": 8,
        "初三": 9,
        "七年级": 7,
        "八年级": 8,
        "九年级": 9,
        "高一": 10,
        "高二": 11,
        "高三": 12,
        "十年级": 10,
        "十一年级": 11,
        "十二年级": 12,
        "幼儿园小班": -2,
        "幼儿园中班": -1,
        "幼儿园大班": 0,
    }
)
_CN_DIGITS = "一二三四五六七八九"
for _i, _d in enumerate(_CN_DIGITS, start=1):
    GRADE_WORDS.setdefault(f"{_d}年级", _i)
for _i in range(1, 13):
    GRADE_WORDS[f"{_i}年级"] = _i
    GRADE_WORDS[str(_i)] = _i

SCHOOL_TYPE_WORDS: dict[str, str] = {str(label): str(value) for value, label in SchoolType.choices}
SCHOOL_TYPE_WORDS.update(
    {
        "初中": SchoolType.JUNIOR,
        "高中": SchoolType.SENIOR,
        "九年一贯制": SchoolType.NINE_YEAR,
        "十二年一贯制": SchoolType.TWELVE_YEAR,
        "中职": SchoolType.VOCATIONAL,
        "职业高中": SchoolType.VOCATIONAL,
        "特殊教育": SchoolType.SPECIAL,
        "特教学校": SchoolType.SPECIAL,
        "完中": SchoolType.COMPLETE_SECONDARY,
    }
)


def parse_grade(raw: Any) -> int:
    text = str(raw).replace(" ", "")
    if text in GRADE_WORDS:
        return GRADE_WORDS[text]
    raise CellError("年级不正确，应如“一年级”“初一”“高一”“小班”或数字1～12")


_YEAR_RE = re.compile(r"^(\d{4})(?:\s*[-—–~～至/]\s*(\d{4}))?\s*(?:学年(?:度)?)?$")


def parse_school_year(raw: Any) -> int:
    m = _YEAR_RE.match(str(raw))
    if not m:
        raise CellError("学年格式不正确，应如“2025”或“2025-2026”")
    start = int(m.group(1))
    if m.group(2) and int(m.group(2)) != start + 1:
        raise CellError("学年起止年份应相差一年，如“2025-2026”")
    return start


def parse_class_number(raw: Any) -> int:
    text = str(raw).strip("()（）班")
    try:
        return int(text)
    except ValueError:
        raise CellError("班号应为数字，如“3”或“3班”") from None


class SchoolLookup(ImportSpec):
    """Shared by the kinds whose rows belong to a school: the school code resolves to a school
    the uploader may write to (its write scope: a school administrator's own school and its
    teaching points)."""

    def prepare(self) -> None:
        self.schools: dict[str, tuple[int, str, bool]] = {
            code: (pk, school_type, archived is not None)
            for pk, code, school_type, archived in School.objects.values_list(
                "pk", "code", "school_type", "archived_at"
            ).iterator(chunk_size=5000)
        }
        self.writable: set[int] | None = None
        if self.user is not None and not self.user.is_superuser:
            self.writable = set(write_scoped(School, self.user).values_list("pk", flat=True))

    def school(self, code: str, field: str = "school_code") -> tuple[int, str]:
        found = self.schools.get(code)
        if found is None:
            raise RowError(field, f"学校标识码{code}在系统中不存在，请先导入或登记该学校")
        pk, school_type, archived = found
        if archived:
            raise RowError(field, f"学校{code}已归档，不能导入其数据")
        if self.writable is not None and pk not in self.writable:
            raise RowError(field, f"无权导入学校{code}的数据（只能导入本人管辖范围内的学校）")
        return pk, school_type


school_code_column = Column(
    "学校标识码",
    "school_code",
    required=True,
    pattern=SCHOOL_CODE_PATTERN,
    pattern_message=SCHOOL_CODE_MESSAGE,
    note="10位数字，见全国学校标识码",
    example="3101010001",
)
