"""Exams: the list in scope, the rules each breaks (counted with its school's other exams), rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from edugov.accounts.scope import scoped
from edugov.registry.models import School, Term

from .. import rules
from ..models import (
    Exam,
)


@dataclass(frozen=True)
class ExamViolationRow:
    exam_id: int
    school_id: int
    school_name: str
    date: dt.date
    grade: int
    subject: str
    kind_label: str
    message: str
    rule: str


def exam_list(*, user: Any, term: Term | None = None, school: School | None = None) -> QuerySet[Exam]:
    qs = scoped(Exam, user).select_related("school", "term")
    if term is not None:
        qs = qs.filter(term=term)
    if school is not None:
        qs = qs.filter(school=school)
    return qs


def exam_violation_list(
    *, user: Any, term: Term | None = None, school: School | None = None
) -> list[ExamViolationRow]:
    # Plain values, not model instances: a district's term holds thousands of exams.
    fields = ("pk", "school_id", "term_id", "grade", "subject", "kind", "is_paper", "result_form")
    exams = {
        row[0]: row
        for row in exam_list(user=user, term=term, school=school).values_list(*fields, "date", "school__name")
    }
    facts = [rules.ExamFacts(*row[:8]) for row in exams.values()]
    kinds = dict(Exam._meta.get_field("kind").flatchoices)
    year = term.school_year.start_year if term is not None else None
    out = []
    for v in rules.exam_violations(facts, year=year):
        pk, school_id, _, grade, subject, kind, _, _, date, school_name = exams[v.exam_id]
        out.append(
            ExamViolationRow(
                pk,
                school_id,
                school_name,
                date,
                grade,
                subject,
                str(kinds.get(kind, kind)),
                v.message,
                v.rule,
            )
        )
    return sorted(out, key=lambda r: (r.school_name, r.date, r.grade, r.subject))


@dataclass(frozen=True)
class ExamRow:
    exam_id: int
    school_name: str
    date: dt.date
    grade: int
    subject: str
    kind_label: str
    is_paper: bool
    result_label: str
    problems: tuple[str, ...]


def exam_rows(*, user: Any, term: Term, school: School | None = None, limit: int = 200) -> list[ExamRow]:
    """The registered exams of the term, newest first, each with the rules it breaks."""
    problems: dict[int, list[str]] = defaultdict(list)
    for v in exam_violation_list(user=user, term=term, school=school):
        problems[v.exam_id].append(v.message)
    qs = exam_list(user=user, term=term, school=school).order_by("-created_at", "-pk")[:limit]
    return [
        ExamRow(
            e.pk,
            e.school.name,
            e.date,
            e.grade,
            e.subject,
            e.get_kind_display(),
            e.is_paper,
            e.get_result_form_display(),
            tuple(problems.get(e.pk, ())),
        )
        for e in qs
    ]


def exam_problems(*, user: Any, exam: Exam) -> list[str]:
    """The rules one exam breaks, counted with the other exams of its school and term."""
    rows = exam_violation_list(user=user, term=exam.term, school=exam.school)
    return [v.message for v in rows if v.exam_id == exam.pk]
