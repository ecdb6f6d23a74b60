"""Reads of outcomes (中考 and 高考 lines reached, and awards): counts and rates by school over the
last years, awards by level and contest as counts. No pupil, no score, no top scorer; schools are listed by
town and code, never by rate (the evaluation reform forbids judging schools by admission rates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from edugov.accounts.scope import scoped
from edugov.registry.models import School, SchoolYear

from .models import EXAM_LINES, Award, AwardLevel, Exam, ExamLine, LineResult, Recipient

YEARS = 3


@dataclass
class LineRow:
    school_id: int
    name: str
    town: str
    # (year start, line) -> (candidates, reached)
    cells: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    def cell(self, year: int, line: str) -> dict[str, Any] | None:
        found = self.cells.get((year, line))
        if found is None:
            return None
        candidates, reached = found
        return {"candidates": candidates, "reached": reached, "rate": round(100.0 * reached / candidates, 1)}


@dataclass
class LineBoard:
    years: list[SchoolYear]
    lines: list[tuple[str, str]]
    rows: list[LineRow]
    totals: dict[tuple[int, str], tuple[int, int]]

    def total(self, year: int, line: str) -> dict[str, Any] | None:
        found = self.totals.get((year, line))
        if not found or not found[0]:
            return None
        return {"candidates": found[0], "reached": found[1], "rate": round(100.0 * found[1] / found[0], 1)}

    def grid(self) -> list[dict[str, Any]]:
        """Rows for templates: each school's cells in (year, line) order."""
        return [
            {
                "name": r.name,
                "town": r.town,
                "school_id": r.school_id,
                "cells": [r.cell(y.start_year, line) for y in self.years for line, _ in self.lines],
            }
            for r in self.rows
        ]

    def total_cells(self) -> list[dict[str, Any] | None]:
        return [self.total(y.start_year, line) for y in self.years for line, _ in self.lines]


def line_board(
    *, actor: Any, school: School | None = None, years: int = YEARS, exam: str = Exam.ZHONGKAO
) -> LineBoard:
    """The last `years` school years with the exam's lines (中考 or 高考) in scope: each school's
    candidates, reached and rate per line, by town and school code."""
    qs = scoped(LineResult, actor).filter(line__in=EXAM_LINES[exam])
    if school is not None:
        qs = qs.filter(school=school)
    year_ids = list(qs.values_list("school_year_id", flat=True).distinct())
    chosen = list(SchoolYear.objects.filter(pk__in=year_ids).order_by("-start_year")[:years])[::-1]
    rows: dict[int, LineRow] = {}
    totals: dict[tuple[int, str], tuple[int, int]] = {}
    for r in (
        qs.filter(school_year__in=chosen)
        .values_list(
            "school_id",
            "school__name",
            "school__area__name",
            "school_year__start_year",
            "line",
            "candidates",
            "reached",
        )
        .order_by("school__area__name", "school__code")
    ):
        school_id, name, town, start, line, candidates, reached = r
        row = rows.setdefault(school_id, LineRow(school_id, name, town))
        row.cells[(start, line)] = (candidates, reached)
        c, k = totals.get((start, line), (0, 0))
        totals[(start, line)] = (c + candidates, k + reached)
    lines = [(v, label) for v, label in ExamLine.choices if v in EXAM_LINES[exam]]
    return LineBoard(years=chosen, lines=lines, rows=list(rows.values()), totals=totals)


def award_summary(
    *, actor: Any, school: School | None = None, year: SchoolYear | None = None
) -> list[dict[str, Any]]:
    """Award counts by recipient, level and contest (teachers' and students' awards, no names)."""
    qs = scoped(Award, actor)
    if school is not None:
        qs = qs.filter(school=school)
    if year is not None:
        qs = qs.filter(school_year=year)
    level_order = {v: i for i, (v, _) in enumerate(AwardLevel.choices)}
    rows = (
        qs.values("recipient", "level", "contest", "prize", "school_year__start_year")
        .annotate(count=Sum("count"))
        .order_by("-school_year__start_year", "recipient", "contest", "prize")
    )
    out: list[dict[str, Any]] = [
        {
            "year": r["school_year__start_year"],
            "recipient": str(Recipient(r["recipient"]).label),
            "level": str(AwardLevel(r["level"]).label),
            "level_rank": level_order[r["level"]],
            "contest": r["contest"],
            "prize": r["prize"],
            "count": int(r["count"] or 0),
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["year"], r["recipient"], r["level_rank"], r["contest"], r["prize"]))
    return out
