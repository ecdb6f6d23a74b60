import datetime as dt
from decimal import Decimal

import pytest

from edugov.burden import rules
from edugov.burden.rules import ExamFacts

D = dt.date


@pytest.mark.parametrize(("grade", "limit"), [(1, 0), (2, 0), (3, 60), (6, 60), (7, 90), (9, 90)])
def test_written_limit_by_grade_from_standards(grade, limit):
    found = rules.written_limit(grade)
    assert found is not None and found.value == limit
    assert "中办发〔2021〕40号" in found.rule.citation()


def test_no_homework_limit_outside_compulsory_education():
    assert rules.written_limit(10) is None
    assert rules.written_limit(0) is None


@pytest.mark.parametrize(
    ("minutes", "days", "average", "over"),
    [
        (300, 5, Decimal("60.0"), False),  # exactly 60 a day: within
        (305, 5, Decimal("61.0"), True),  # 61: over
        (301, 5, Decimal("60.2"), True),
        (120, 2, Decimal("60.0"), False),  # a holiday week with two school days
        (122, 2, Decimal("61.0"), True),
    ],
)
def test_weekly_average_and_boundary(minutes, days, average, over):
    avg = rules.weekly_average(minutes, days)
    assert avg == average
    assert rules.is_over(avg, 60) is over


def test_week_without_school_days_has_no_average():
    assert rules.weekly_average(40, 0) is None


def test_longest_run_of_consecutive_weeks():
    weeks = [D(2025, 9, 1), D(2025, 9, 8), D(2025, 9, 22), D(2025, 9, 29), D(2025, 10, 6)]
    assert rules.longest_run(weeks) == 3
    assert rules.longest_run([]) == 0


def _exam(i, grade, kind, *, paper=True, form="bands", subject="数学"):
    return ExamFacts(i, 1, 1, grade, subject, kind, paper, form)


def test_exam_rules():
    exams = [
        _exam(1, 1, "end_of_term"),  # paper exam in grade 1
        _exam(2, 1, "end_of_term", paper=False, subject="语文"),  # non-paper assessment: fine
        _exam(3, 4, "end_of_term"),
        _exam(4, 4, "end_of_term"),  # the second end-of-term exam
        _exam(5, 4, "mid_term"),  # no mid-term in primary
        _exam(6, 8, "mid_term"),  # one mid-term in junior: fine
        _exam(7, 8, "mid_term"),  # a second one: not
        _exam(8, 9, "mock"),
        _exam(9, 9, "mock"),
        _exam(10, 9, "mock"),  # a third mock
        _exam(11, 8, "mock"),  # mock outside the graduating year
        _exam(12, 5, "periodic"),
        _exam(13, 5, "unit_test", form="ranking"),
        _exam(14, 11, "periodic"),  # senior high: outside the notice
    ]
    found = {(v.exam_id, v.rule) for v in rules.exam_violations(exams)}
    assert found == {
        (1, "burden.exam.paper_exam_min_grade"),
        (4, "burden.exam.end_of_term_max"),
        (5, "burden.exam.mid_term_max"),
        (7, "burden.exam.mid_term_max"),
        (10, "burden.exam.mock_max"),
        (11, "burden.exam.mock_max"),
        (12, "burden.exam.periodic_test_max"),
        (13, "burden.exam.result_form"),
    }


@pytest.mark.parametrize(
    ("days", "start", "end", "ok", "problems"),
    [
        (5, dt.time(15, 30), dt.time(17, 30), True, 0),  # ends at the work-end time, 2 h, 5 days
        (5, dt.time(15, 40), dt.time(17, 29), False, 2),  # a minute early and under 2 h
        (4, dt.time(15, 30), dt.time(18, 0), False, 1),  # four days a week
    ],
)
def test_after_school_end_time_and_five_plus_two(days, start, end, ok, problems):
    check = rules.after_school_check(days_per_week=days, start_time=start, end_time=end)
    assert check.work_end == dt.time(17, 30)
    assert check.compliant is ok
    assert len(check.problems) == problems


def test_sleep_minimum_by_stage():
    assert rules.sleep_min_hours(2) == 10
    assert rules.sleep_min_hours(8) == 9
    assert rules.sleep_min_hours(11) == 8


def test_a_district_standards_file_overrides_the_national_limit(tmp_path, monkeypatch):
    from edugov.standards.loader import library

    (tmp_path / "district.toml").write_text(
        """
[meta]
id = "district.310101.burden"
title = "测试区作业管理细则"
document = "测教〔2025〕1号"
year = 2025
scope = "district"
area_code = "310101"

[[rules]]
code = "burden.homework.written_daily_avg_max"
name = "书面作业日均上限"
comparison = "<="
values = { primary = 45 }
status = "confirmed"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    library.cache_clear()
    try:
        assert _limit(4, "/31/3101/310101/310101001/") == 45
        assert _limit(4, "/31/3101/310102/") == 60  # another district
        assert _limit(8, "/31/3101/310101/") == 90  # not overridden
    finally:
        monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
        library.cache_clear()


def _limit(grade: int, area_path: str) -> object:
    limit = rules.written_limit(grade, area_path=area_path)
    assert limit is not None
    return limit.value
