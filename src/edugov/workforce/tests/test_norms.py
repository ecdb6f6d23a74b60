"""The staffing formulas, worked out by hand (norms.py), and the numbers read from the standards
files with their citations."""

from __future__ import annotations

import pytest

from edugov.workforce.norms import (
    Norms,
    StageCount,
    age_at,
    age_band,
    certificate_covers,
    posts_needed,
    retirement_month,
    subject_demand,
    teacher_shares,
    whole_posts,
)

HAND = Norms(
    ratio={"primary": 19, "junior": 13.5},
    village_class_ratio={"primary": 1.5, "junior": 2.5},
    load={"primary": 16, "junior": 14},
    periods={"音乐": {1: 2, 7: 1}, "英语": {3: 2}},
    gap_threshold=1.0,
    rules=(),
)


def test_posts_from_student_ratios_per_stage():
    # a nine-year school: 190 primary pupils / 19 = 10, 135 junior pupils / 13.5 = 10
    counts = [StageCount("primary", 190, 6), StageCount("junior", 135, 3)]
    assert posts_needed(counts, HAND, village=False) == pytest.approx(20.0)
    # 332 pupils / 19 = 17.47..., a fraction of a post is a post
    assert whole_posts(posts_needed([StageCount("primary", 332, 8)], HAND, village=False)) == 18
    assert whole_posts(20.000000001) == 20  # float noise is not a post


def test_village_school_takes_the_larger_of_student_and_class_ratio():
    # 14 pupils in 2 classes: 14 / 19 = 0.74 by pupils, 2 x 1.5 = 3 by classes
    small = [StageCount("primary", 14, 2)]
    assert posts_needed(small, HAND, village=True) == pytest.approx(3.0)
    assert posts_needed(small, HAND, village=False) == pytest.approx(14 / 19)
    # 190 pupils in 4 classes: 10 by pupils beats 6 by classes
    assert posts_needed([StageCount("primary", 190, 4)], HAND, village=True) == pytest.approx(10.0)
    # kindergarten has no ratio here: it adds nothing
    assert posts_needed([StageCount("kindergarten", 90, 3)], HAND, village=True) == 0


def test_subject_demand_is_classes_times_periods_over_the_stage_load():
    # music: 4 grade-1 classes x 2 / 16 = 0.5, and 3 grade-7 classes x 1 / 14 = 0.2142857
    demand = subject_demand({1: 4, 7: 3}, HAND)
    assert demand["音乐"] == pytest.approx(0.5 + 3 / 14)
    assert "英语" not in demand  # no grade-3 class, no English teacher needed
    assert subject_demand({3: 5}, HAND)["英语"] == pytest.approx(10 / 16)


def test_a_teacher_of_two_subjects_counts_by_periods():
    assert teacher_shares({"语文": 10, "音乐": 4}) == pytest.approx({"语文": 10 / 14, "音乐": 4 / 14})
    # two names of one subject count as one
    assert teacher_shares({"体育": 2, "体育与健康": 2}) == pytest.approx({"体育与健康": 1.0})
    assert teacher_shares({}) == {}


@pytest.mark.parametrize(
    ("cert_stage", "cert_subject", "stage", "subject", "covers"),
    [
        ("senior", "数学", "junior", "数学", True),  # a higher stage covers the lower
        ("primary", "数学", "junior", "数学", False),
        ("junior", "语文", "junior", "音乐", False),
        ("primary", "体育", "primary", "体育与健康", True),
        ("kindergarten", "", "primary", "语文", False),
        ("none", "", "primary", "语文", False),
    ],
)
def test_certificate_covers_stage_and_subject(cert_stage, cert_subject, stage, subject, covers):
    assert (
        certificate_covers(
            certificate_stage=cert_stage,
            certificate_subject=cert_subject,
            teaching_stage=stage,
            subject=subject,
        )
        is covers
    )


def test_age_counts_from_the_birth_month():
    assert age_at(1980, 6, 2026, 5) == 45
    assert age_at(1980, 6, 2026, 6) == 46
    assert age_band(29) == "30岁以下"
    assert age_band(55) == "55岁及以上"


@pytest.mark.parametrize(
    ("born", "retires"),
    [
        ((1964, 12, "M"), (2024, 12)),  # before the raise: 60
        ((1965, 1, "M"), (2025, 2)),  # Jan-Apr 1965: +1 month
        ((1965, 4, "M"), (2025, 5)),
        ((1965, 5, "M"), (2025, 7)),  # May-Aug 1965: +2
        ((1976, 12, "M"), (2039, 12)),  # capped at 36 months: 63
        ((1969, 12, "F"), (2024, 12)),  # women teachers (professional posts): 55
        ((1970, 1, "F"), (2025, 2)),
        ((1981, 12, "F"), (2039, 12)),  # 58
    ],
)
def test_retirement_month_per_birth_month(born, retires):
    year, month, sex = born
    assert retirement_month(year, month, sex, Norms.load_for()) == retires


def test_norms_come_from_the_standards_files_with_citations():
    norms = Norms.load_for()
    assert norms.ratio == {"primary": 19, "junior": 13.5, "senior": 12.5}
    assert norms.periods["音乐"][1] == 2 and norms.periods["音乐"][7] == 1
    assert norms.load["primary"] == 16 and norms.gap_threshold == 1.0
    text = "\n".join(norms.citations())
    assert "中央编办发〔2014〕72号" in text and "（据摘要）" in text and "（待核实）" in text
