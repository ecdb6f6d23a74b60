"""Burden reads, always through the scoping point (the public class board is the one deliberate
exception: it is keyed by an unguessable token and returns no personal data). Results are frozen
dataclasses and plain chart payloads, never ORM objects for other apps.

One module per sub-domain; every public name is re-exported here, so callers keep writing
`from edugov.burden import selectors; selectors.homework_compliance(...)`."""

from .after_school import (
    AfterSchoolRow,
    AfterSchoolSummary,
    after_school_overview,
    after_school_service,
    school_ids_under,
)
from .board import BOARD_DAYS, Board, BoardDay, BoardItem, board_for_token
from .compliance import homework_compliance, school_compliance_counts
from .compliance_charts import compliance_charts
from .compliance_page import CompliancePage, compliance_page
from .compliance_types import (
    DAILY_BIN,
    DAILY_BINS,
    NARROW_TO_SCHOOLS,
    ClassInfo,
    ClassOverLimit,
    ClassWeek,
    ComplianceGroup,
    ComplianceReport,
)
from .exams import ExamRow, ExamViolationRow, exam_list, exam_problems, exam_rows, exam_violation_list
from .homework import Assignment, board_list, homework_list, teacher_assignments, written_total
from .surveys import SurveyClassRow, survey_comparison
from .terms import COMPULSORY_GRADES, COMPULSORY_TYPES, default_term, school_choices, term_list

__all__ = [
    "BOARD_DAYS",
    "COMPULSORY_GRADES",
    "COMPULSORY_TYPES",
    "DAILY_BIN",
    "DAILY_BINS",
    "NARROW_TO_SCHOOLS",
    "AfterSchoolRow",
    "AfterSchoolSummary",
    "Assignment",
    "Board",
    "BoardDay",
    "BoardItem",
    "ClassInfo",
    "ClassOverLimit",
    "ClassWeek",
    "ComplianceGroup",
    "CompliancePage",
    "ComplianceReport",
    "ExamRow",
    "ExamViolationRow",
    "SurveyClassRow",
    "after_school_overview",
    "after_school_service",
    "board_for_token",
    "board_list",
    "compliance_charts",
    "compliance_page",
    "default_term",
    "exam_list",
    "exam_problems",
    "exam_rows",
    "exam_violation_list",
    "homework_compliance",
    "homework_list",
    "school_choices",
    "school_compliance_counts",
    "school_ids_under",
    "survey_comparison",
    "teacher_assignments",
    "term_list",
    "written_total",
]
