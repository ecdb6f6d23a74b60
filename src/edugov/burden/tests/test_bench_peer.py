"""The plain-pandas peer of bench/burden.py gives the same class-week figures as the selector,
on hand-made weeks that include the National Day holidays and a make-up Sunday."""

import datetime as dt
import sys
from pathlib import Path

import pytest

from edugov.burden.models import Homework, HomeworkType
from edugov.burden.selectors import homework_compliance

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
bench = pytest.importorskip("bench.burden")

pytestmark = pytest.mark.django_db
D = dt.date


def add(cls, day, minutes, kind=HomeworkType.WRITTEN, subject="数学"):
    Homework.objects.create(school_class=cls, date=day, subject=subject, homework_type=kind,
                            content="练习", estimated_minutes=minutes)  # fmt: skip


def test_pandas_peer_matches_the_selector(district, tmp_path):
    a1, a2, b1 = district.class_a1, district.class_a2, district.class_b1
    for i in range(5):
        add(a1, D(2025, 9, 1) + dt.timedelta(days=i), 61)  # 61.0: over
        add(a2, D(2025, 9, 1) + dt.timedelta(days=i), 60)  # 60.0: within
    add(a1, D(2025, 9, 28), 50)  # make-up Sunday, week of Sep 22 (5 + 1 school days): 50 / 6 = 8.3
    add(a1, D(2025, 9, 29), 100)
    add(a1, D(2025, 9, 30), 21)  # week of Sep 29: 2 school days -> 121 / 2 = 60.5: over
    add(b1, D(2025, 10, 9), 20, kind=HomeworkType.ORAL)  # oral only: 0.0 within
    add(b1, D(2025, 10, 10), 1)  # week of Oct 6: Oct 9, 10, 11 -> 1 / 3 = 0.3
    report = homework_compliance(user=bench._Reader(), term=district.year.terms.get(number=1))
    ours = {
        f"{c.class_id}:{c.week_start:%Y-%m-%d}": [c.written_minutes, c.school_days, f"{c.average}", c.over]
        for c in report.class_weeks
    }
    bench._export(tmp_path)
    peer = bench.pandas_weekly(tmp_path)
    assert ours == peer
    assert ours[f"{a1.pk}:2025-09-22"] == [50, 6, "8.3", False]
    assert ours[f"{a1.pk}:2025-09-29"] == [121, 2, "60.5", True]
    assert ours[f"{a1.pk}:2025-09-01"] == [305, 5, "61.0", True]
    assert ours[f"{a2.pk}:2025-09-01"] == [300, 5, "60.0", False]
    assert ours[f"{b1.pk}:2025-10-06"] == [1, 3, "0.3", False]
