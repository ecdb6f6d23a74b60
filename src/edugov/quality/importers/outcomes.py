"""Import kinds of exam-line results (中考, 高考) and awards, per school and school year. The checks
are outcome_rules', shared with the entry form and the API."""

from __future__ import annotations

from typing import Any

from edugov.ingest.spec import Column, RowError, register
from edugov.registry.importers import (
    SchoolLookup,
    parse_school_year,
    school_code_column,
)
from edugov.registry.models import SchoolYear

from ..models import (
    EXAM_LINES,
    Award,
    AwardLevel,
    Exam,
    ExamLine,
    LineResult,
    Recipient,
)
from ..outcome_rules import award_problem, line_problem
from ..permissions import action

# Outcomes ---------------------------------------------------------------------------------------

LINE_WORDS = {str(ExamLine(v).label): str(v) for v in EXAM_LINES[Exam.ZHONGKAO]}
LINE_WORDS.update({"普通高中线": ExamLine.GENERAL, "重点高中线": ExamLine.KEY, "优质高中线": ExamLine.KEY})
GAOKAO_WORDS = {str(ExamLine(v).label): str(v) for v in EXAM_LINES[Exam.GAOKAO]}
GAOKAO_WORDS.update(
    {
        "特控线": ExamLine.SPECIAL,
        "一本线": ExamLine.SPECIAL,
        "本科批": ExamLine.UNDERGRADUATE,
        "二本线": ExamLine.UNDERGRADUATE,
        "专科批": ExamLine.JUNIOR_COLLEGE,
        "高职专科线": ExamLine.JUNIOR_COLLEGE,
    }
)
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

    exam: str = Exam.ZHONGKAO

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, school_type = self.school(v["school_code"])
        problem = line_problem(
            exam=self.exam,
            school_code=v["school_code"],
            school_type=school_type,
            line=v["line"],
            candidates=v["candidates"],
            reached=v["reached"],
        )
        if problem is not None:
            raise RowError(*problem)
        return (school_id, self.year_id(v["school_year"]), v["line"], v["candidates"], v["reached"])

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学校同一学年的同一条分数线"


@register
class GaokaoLineImport(LineResultImport):
    kind = "quality_gaokao_lines"
    label = "高考上线人数"
    description = "每行一所高中一学年达到一条高考分数线（省控制线）的人数（只录人数，不录学生与分数）"
    exam = Exam.GAOKAO
    columns = [
        school_code_column,
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        Column("分数线", "line", "choice", required=True, choices=GAOKAO_WORDS, example="本科线"),
        Column("参考人数", "candidates", "int", required=True, min_value=1, example="420"),
        Column("上线人数", "reached", "int", required=True, min_value=0, example="268"),
    ]


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
        problem = award_problem(contest=v["contest"], prize=v["prize"], count=v["count"])
        if problem is not None:
            raise RowError(*problem)
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
