"""Spreadsheet import of after-school satisfaction survey counts (课后服务满意度): one row per
school, school year and respondent group (parents or pupils) with the number of respondents and of
satisfied ones; no individual answers. Run by the ingest engine (all or nothing, Chinese errors
and an error workbook, idempotent on school, year and group)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from edugov.ingest.spec import Column, RowError, register
from edugov.registry.importers import SchoolLookup, parse_school_year, school_code_column
from edugov.registry.models import SchoolYear

from .models import Respondent, SatisfactionSurvey


@register
class SatisfactionSurveyImport(SchoolLookup):
    kind = "appraisal_satisfaction"
    label = "课后服务满意度调查（人数）"
    action = "appraisal.survey_edit"
    description = "每所学校每学年每类调查对象一行：答卷数和满意数（不含个人答卷）；再次导入时更新"
    model = SatisfactionSurvey
    columns = [
        school_code_column,
        Column("学年", "school_year", required=True, parser=parse_school_year, example="2025-2026"),
        Column(
            "调查对象",
            "respondent",
            "choice",
            required=True,
            choices={"家长": Respondent.PARENTS, "学生": Respondent.PUPILS},
            example="家长",
        ),
        Column("答卷数", "respondents", "int", required=True, example="320", min_value=0, max_value=100000),
        Column("满意数", "satisfied", "int", required=True, example="301", min_value=0, max_value=100000),
    ]
    fields = ("school_id", "school_year_id", "respondent", "respondents", "satisfied", "entered_at")
    key_fields = ("school_id", "school_year_id", "respondent")
    update_fields = ("respondents", "satisfied", "entered_at")
    key_column = "respondent"

    def prepare(self) -> None:
        super().prepare()
        self.years = {y.start_year: y.pk for y in SchoolYear.objects.all()}
        self.now = timezone.now()  # bulk writes skip auto_now

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        year = self.years.get(v["school_year"])
        if year is None:
            raise RowError("school_year", f"{v['school_year']}学年在系统中不存在")
        school_id, _ = self.school(v["school_code"])
        if v["satisfied"] > v["respondents"]:
            raise RowError("satisfied", "满意数不能大于答卷数")
        return (school_id, year, v["respondent"], v["respondents"], v["satisfied"], self.now)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"学校{values[0]}·{values[2]}"
