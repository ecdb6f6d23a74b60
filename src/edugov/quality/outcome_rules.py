"""The checks of an exam-line count and an award count, shared by the import and the entry form
(and the API), so that both refuse the same rows with the same Chinese words."""

from __future__ import annotations

from edugov.registry.models import SchoolType

from .models import EXAM_LINES, Exam

JUNIOR_TYPES = frozenset(
    {SchoolType.JUNIOR, SchoolType.NINE_YEAR, SchoolType.COMPLETE_SECONDARY, SchoolType.TWELVE_YEAR}
)
SENIOR_TYPES = frozenset({SchoolType.SENIOR, SchoolType.COMPLETE_SECONDARY, SchoolType.TWELVE_YEAR})
EXAM_TYPES: dict[str, frozenset[SchoolType]] = {Exam.ZHONGKAO: JUNIOR_TYPES, Exam.GAOKAO: SENIOR_TYPES}
STAGE: dict[str, str] = {Exam.ZHONGKAO: "初中", Exam.GAOKAO: "高中"}
MAX_COUNT = 100_000


def line_problem(
    *, exam: str, school_code: str, school_type: str, line: str, candidates: int, reached: int
) -> tuple[str, str] | None:
    """(field, reason) of the first problem of one line count, or None."""
    label = Exam(exam).label
    if school_type not in EXAM_TYPES[exam]:
        return "school_code", f"学校{school_code}不设{STAGE[exam]}，不能登记{label}上线人数"
    if line not in EXAM_LINES[exam]:
        return "line", f"不是{label}的分数线"
    if not 1 <= candidates <= MAX_COUNT:
        return "candidates", f"参考人数应在1至{MAX_COUNT}之间"
    if not 0 <= reached <= MAX_COUNT:
        return "reached", f"上线人数应在0至{MAX_COUNT}之间"
    if reached > candidates:
        return "reached", "上线人数不能多于参考人数"
    return None


def award_problem(*, contest: str, prize: str, count: int) -> tuple[str, str] | None:
    if not contest.strip() or len(contest.strip()) > 100:
        return "contest", "赛事或评比应为1至100字"
    if not prize.strip() or len(prize.strip()) > 20:
        return "prize", "奖项应为1至20字"
    if not 1 <= count <= MAX_COUNT:
        return "count", f"获奖人次应在1至{MAX_COUNT}之间"
    return None
