"""The two import kinds: assessments with their band cut-offs, results under the pseudonymous key.
Bad input (scores outside the test's range, a pupil in two classes of one test, cut-offs out of
order, an unknown assessment) is refused in Chinese and nothing is written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.quality.models import Assessment, Result
from edugov.quality.pupil_key import pupil_key

from .rows import assessment_row, import_assessments, import_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(district):
    return district.users[Role.DEPARTMENT_OFFICER]


@pytest.fixture
def assessed(district, officer, tmp_path):
    batch = import_assessments(tmp_path, officer, [assessment_row("T-1", "2025-11-10")])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    return Assessment.objects.get(code="T-1")


def _reasons(batch: Any) -> list[str]:
    return [e["reason"] for e in batch.errors]


def test_an_assessment_keeps_its_cut_offs_and_the_uploaders_area(district, assessed):
    a = assessed
    assert (a.max_score, a.excellent_min, a.good_min, a.pass_min) == (100, 85, 70, 60)
    assert a.area == district.district and a.grade == 3 and a.school_year == district.year
    assert [a.band_of(Decimal(s)) for s in ("85", "84.9", "70", "60", "59.9")] == [
        "excellent",
        "good",
        "good",
        "pass",
        "below",
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (assessment_row("T-2", "2025-11-10", cuts=(70, 85, 60)), "分数线应满足"),
        (assessment_row("T-2", "2025-11-10", top=80), "分数线应满足"),
        (assessment_row("T-2", "2024-11-10"), "测评日期不在"),
        (assessment_row("T 2", "2025-11-10"), "测评编号应为"),
    ],
)
def test_bad_assessments_are_refused_in_chinese(district, officer, tmp_path, row, reason):
    batch = import_assessments(tmp_path, officer, [row])
    assert batch.status == BatchStatus.REJECTED
    assert any(reason in r for r in _reasons(batch)), _reasons(batch)
    assert not Assessment.objects.filter(code="T-2").exists()


def test_results_are_stored_under_a_stable_key_and_never_the_student_number(
    district, officer, assessed, tmp_path
):
    rows = [
        ["T-1", "g3101 0001", district.school_a.code, 1, 91],
        ["T-1", "G31010002", district.school_a.code, "2班", 64.5],
    ]
    batch = import_results(tmp_path, officer, rows)
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    stored = {r.pupil_key: r for r in Result.objects.all()}
    assert set(stored) == {pupil_key("G31010001"), pupil_key("G31010002")}
    assert stored[pupil_key("G31010002")].school_class == district.class_a2
    assert all("3101" not in key for key in stored)  # a keyed digest, not the number
    # Importing the same file again changes nothing; a corrected score updates the row.
    rows[1][4] = 70
    again = import_results(tmp_path, officer, rows, "again.xlsx")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 1)
    assert Result.objects.get(pupil_key=pupil_key("G31010002")).score == 70


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([["T-1", "G31010001", "SCHOOL_A", 1, 101]], "成绩超出该测评的分数范围"),
        ([["T-1", "G31010001", "SCHOOL_A", 1, -1]], "应不小于0"),
        ([["T-1", "G31010001", "SCHOOL_A", 1, 80], ["T-1", "G31010001", "SCHOOL_A", 2, 70]], "与第2行重复"),
        ([["T-9", "G31010001", "SCHOOL_A", 1, 80]], "测评编号T-9不存在"),
        ([["T-1", "G31010001", "SCHOOL_A", 7, 80]], "没有3年级7班"),
    ],
)
def test_bad_results_are_refused_and_nothing_is_written(district, officer, assessed, tmp_path, rows, reason):
    rows = [[c if c != "SCHOOL_A" else district.school_a.code for c in r] for r in rows]
    batch = import_results(tmp_path, officer, rows)
    assert batch.status == BatchStatus.REJECTED
    assert any(reason in r for r in _reasons(batch)), _reasons(batch)
    assert not Result.objects.exists()


def test_a_pupil_already_in_another_class_of_the_test_is_refused(district, officer, assessed, tmp_path):
    ok = import_results(tmp_path, officer, [["T-1", "G31010001", district.school_a.code, 1, 80]])
    assert ok.status == BatchStatus.SUCCEEDED
    moved = import_results(tmp_path, officer, [["T-1", "G31010001", district.school_a.code, 2, 80]], "b.xlsx")
    assert moved.status == BatchStatus.REJECTED
    assert any("已登记在另一个班级" in r for r in _reasons(moved))
    assert Result.objects.get().school_class == district.class_a1


def test_a_school_outside_the_uploaders_write_scope_is_refused(district, assessed, tmp_path):
    town_officer = district.users["town_officer"]  # town A: school B is in town B
    batch = import_results(tmp_path, town_officer, [["T-1", "G31010001", district.school_b.code, 1, 80]])
    assert batch.status == BatchStatus.REJECTED
    assert not Result.objects.exists()
