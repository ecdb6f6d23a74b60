"""Every timetable, price and prepaid rule at its boundary, on the national values."""

import datetime as dt
from decimal import Decimal

import pytest

from edugov.tutoring import rules
from edugov.tutoring.rules import Slot

T = dt.time
L = rules.limits_for("")


def codes(found):
    return [v.code for v in found]


def session(**kw):
    base = {"limits": L, "is_subject": False, "mode": "online", "day_kind": "school_day"}
    return codes(rules.session_violations(**{**base, **kw}))


def test_national_values_loaded():
    assert (L.online_lesson_max, L.online_break_min, L.online_end_latest) == (30, 10, 21 * 60)
    assert L.offline_end_non_subject == 20 * 60 + 30
    assert (L.prepaid_max_months, L.prepaid_max_lessons, L.prepaid_max_amount) == (3, 60, Decimal("5000"))
    assert L.price_float_max == Decimal("0.1")


@pytest.mark.parametrize(("end", "expected"), [(T(19, 30), []), (T(19, 31), ["online_too_long"])])
def test_online_30_and_31_minutes(end, expected):
    assert session(start=T(19, 0), end=end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"), [(T(20, 30), T(21, 0), []), (T(20, 31), T(21, 1), ["online_too_late"])]
)
def test_online_ends_by_21(start, end, expected):
    assert session(start=start, end=end) == expected


@pytest.mark.parametrize(("start", "expected"), [(T(19, 40), []), (T(19, 39), ["online_short_break"])])
def test_online_break_10_minutes(start, expected):
    end = (dt.datetime.combine(dt.date(2025, 1, 1), start) + dt.timedelta(minutes=30)).time()
    assert session(start=start, end=end, same_day_online=[Slot(19 * 60, 19 * 60 + 30)]) == expected


@pytest.mark.parametrize(("end", "expected"), [(T(20, 30), []), (T(20, 31), ["offline_too_late"])])
def test_offline_non_subject_ends_2030(end, expected):
    assert session(mode="offline", start=T(19, 0), end=end) == expected


@pytest.mark.parametrize(
    ("kind", "word"),
    [
        ("weekend", "周末"),
        ("public_holiday", "法定节假日"),
        ("winter_vacation", "寒假"),
        ("summer_vacation", "暑假"),
    ],
)
def test_subject_not_on_rest_days(kind, word):
    found = rules.session_violations(
        limits=L, is_subject=True, mode="offline", day_kind=kind, start=T(9, 0), end=T(10, 0)
    )
    assert [v.message for v in found] == [f"学科类培训不得在{word}开展"]
    assert session(mode="offline", day_kind=kind, start=T(9, 0), end=T(10, 0)) == []  # non-subject may


def course(**kw):
    base = {
        "limits": L,
        "is_subject": False,
        "institution_is_subject": False,
        "mode": "offline",
        "grade_min": 3,
        "within_syllabus": True,
        "price_per_lesson": Decimal("100"),
        "guidance_price": None,
        "tutor_qualified": None,
    }
    return codes(rules.course_violations(**{**base, **kw}))


@pytest.mark.parametrize(("price", "expected"), [("110.00", []), ("110.01", ["price_over_guidance"])])
def test_price_plus_ten_percent(price, expected):
    assert course(price_per_lesson=Decimal(price), guidance_price=Decimal("100")) == expected


def test_preschool_rules():
    assert course(grade_min=0, mode="online") == ["preschool_online"]
    assert course(grade_min=-1, is_subject=True, institution_is_subject=True, tutor_qualified=True) == [
        "preschool_subject"
    ]
    assert course(grade_min=1, mode="online") == []


def test_subject_course_rules():
    assert course(is_subject=True, institution_is_subject=False, tutor_qualified=True) == [
        "category_mismatch"
    ]
    assert course(
        is_subject=True, institution_is_subject=True, within_syllabus=False, tutor_qualified=True
    ) == ["beyond_syllabus"]
    assert course(is_subject=True, institution_is_subject=True, tutor_qualified=False) == [
        "unqualified_tutor"
    ]


def order(**kw):
    base = {
        "limits": L,
        "lessons": 60,
        "amount": Decimal("5000"),
        "paid_on": dt.date(2025, 9, 1),
        "covers_until": None,
    }
    return codes(rules.order_violations(**{**base, **kw}))


def test_prepaid_limits_at_boundaries():
    assert order() == []
    assert order(lessons=61) == ["over_lessons"]
    assert order(amount=Decimal("5000.01")) == ["over_amount"]
    assert order(covers_until=dt.date(2025, 12, 1)) == []
    assert order(covers_until=dt.date(2025, 12, 2)) == ["over_months"]
    # 30 November + 3 months = 28 February (the month's last day)
    assert order(paid_on=dt.date(2025, 11, 30), covers_until=dt.date(2026, 2, 28)) == []
    assert order(paid_on=dt.date(2025, 11, 30), covers_until=dt.date(2026, 3, 1)) == ["over_months"]
    found = rules.order_violations(
        limits=L,
        lessons=60,
        amount=Decimal("5000"),
        paid_on=dt.date(2025, 9, 1),
        covers_until=dt.date(2025, 12, 2),
    )
    assert [v.message for v in found] == [
        "一次收费覆盖至2025年12月2日，超过3个月"
    ]  # the Chinese reader's date


def test_local_rule_overrides_national(tmp_path, monkeypatch):
    (tmp_path / "d.toml").write_text(
        """
[meta]
id = "district.test.tutoring"
title = "某区校外培训管理细则"
document = "测教〔2024〕1号"
year = 2024
scope = "district"
area_code = "310101"

[[rules]]
code = "tutoring.offline_end_latest"
name = "线下培训结束时间"
comparison = "<="
values = { subject = 1200 }
status = "to-verify"
""",
        encoding="utf-8",
    )
    from edugov.standards import loader

    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    loader.library.cache_clear()
    try:
        local = rules.limits_for("/31/3101/310101/310101001/")
        assert local.offline_end_subject == 1200  # 20:00 locally
        assert local.offline_end_non_subject == 1230  # national value still applies
        assert rules.limits_for("/31/3102/").offline_end_subject == 1230
    finally:
        monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
        loader.library.cache_clear()
