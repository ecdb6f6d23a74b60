"""After-school satisfaction counts imported from a workbook: all or nothing, refused in Chinese
(satisfied above respondents, another school's row), a second import updates the counts."""

from __future__ import annotations

import pytest

from edugov.appraisal.models import SatisfactionSurvey
from edugov.ingest.models import BatchStatus
from edugov.quality.tests.rows import run_import, workbook

pytestmark = pytest.mark.django_db
HEADERS = ["学校标识码", "学年", "调查对象", "答卷数", "满意数"]


def test_counts_are_imported_all_or_nothing(world, tmp_path):
    md = world.md
    a, b = md.school_a.code, md.school_b.code
    bad = workbook(
        tmp_path / "bad.xlsx", HEADERS, [[a, "2025-2026", "家长", 100, 90], [b, "2025-2026", "学生", 50, 51]]
    )
    batch = run_import("appraisal_satisfaction", bad, world.officer)
    assert batch.status != BatchStatus.SUCCEEDED
    assert "满意数不能大于答卷数" in str(batch.errors)
    assert not SatisfactionSurvey.objects.exists()
    rows = [
        [a, "2025-2026", "家长", 100, 90],
        [a, "2025-2026", "学生", 100, 96],
        [b, "2025-2026", "家长", 40, 30],
    ]
    assert run_import(
        "appraisal_satisfaction", workbook(tmp_path / "ok.xlsx", HEADERS, rows), world.officer
    ).status == (BatchStatus.SUCCEEDED)
    assert SatisfactionSurvey.objects.count() == 3
    rows[0][4] = 95
    run_import("appraisal_satisfaction", workbook(tmp_path / "again.xlsx", HEADERS, rows[:1]), world.officer)
    assert SatisfactionSurvey.objects.get(school=md.school_a, respondent="parents").satisfied == 95
    # a school imports its own counts only
    other = run_import(
        "appraisal_satisfaction", workbook(tmp_path / "b.xlsx", HEADERS, rows[2:]), world.admin_a
    )
    assert other.status != BatchStatus.SUCCEEDED and "无权导入" in str(other.errors)
