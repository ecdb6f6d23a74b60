"""A district standards file changes every page, report and finding that uses the thresholds it
overrides: nothing reads 56/66 or 45/50 from code. The mini district (测试区, code 310101) has
three grade-3 classes; here they hold 40 (甲 1班), 52 (甲 2班) and 48 (乙 1班) pupils.

National standards: 大班额 from 56, 超大班额 from 66, 优质均衡 primary class size at most 45.
The district file: 大班额 from 45, 超大班额 from 50, 优质均衡 primary class size at most 50.
So 乙 1班 (48) becomes 大班额 and 甲 2班 (52) 超大班额; under 优质均衡 only 甲 2班 stays over."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.rectification.models import RectificationItem
from edugov.rectification.services import findings_sync
from edugov.rectification.sources import OVERSIZED
from edugov.rectification.views_map import battle_map_payload
from edugov.registry.dashboard import Dashboard, dashboard
from edugov.registry.models import SchoolClass
from edugov.reports.download import build_report
from edugov.standards.loader import library
from edugov.testing import MiniDistrict, login, make_mini_district

DISTRICT_FILE = """
[meta]
id = "district.310101.class_size.2025"
title = "测试区关于大班额认定口径的通知"
document = "测试教〔2025〕7号"
issuer = "测试区教育局"
year = 2025
scope = "district"
area_code = "310101"

[[rules]]
code = "class_size.oversized_min"
name = "大班额下限（本区口径）"
unit = "人"
comparison = ">="
values = { all = 45 }
status = "confirmed"

[[rules]]
code = "class_size.very_oversized_min"
name = "超大班额下限（本区口径）"
unit = "人"
comparison = ">="
values = { all = 50 }
status = "confirmed"

[[rules]]
code = "balanced.G5.class_size"
name = "班额（本区口径）"
unit = "人"
comparison = "<="
values = { primary = 50, junior = 50 }
status = "confirmed"
"""


@pytest.fixture
def d(db) -> MiniDistrict:  # type: ignore[no-untyped-def]
    d = make_mini_district()
    SchoolClass.objects.filter(pk=d.class_a2.pk).update(boys=26, girls=26)
    SchoolClass.objects.filter(pk=d.class_b1.pk).update(boys=25, girls=23)
    return d


@pytest.fixture
def district_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "district_310101.toml").write_text(DISTRICT_FILE, encoding="utf-8")
    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    library.cache_clear()
    yield
    monkeypatch.delenv("EDUGOV_STANDARDS_DIRS", raising=False)
    library.cache_clear()


def _figures(board: Dashboard) -> dict[str, tuple[str, str]]:
    return {f.label: (f.value, f.note) for f in board.figures if "班额" in f.label}


def _size_chart(board: Dashboard) -> dict[str, int]:
    chart = next(c for c in board.charts if c.key == "class_sizes")
    return dict(zip(chart.categories, chart.series[0]["data"], strict=True))


NATIONAL = {
    "figures": {"大班额": ("0", "56-65人"), "超大班额": ("0", "66人及以上")},
    "chart": {"25人及以下": 0, "26-35人": 0, "36-45人": 1, "46-55人": 2, "56-65人": 0, "66人及以上": 0},
}
DISTRICT = {
    "figures": {"大班额": ("1", "45-49人"), "超大班额": ("1", "50人及以上")},
    "chart": {"25人及以下": 0, "26-35人": 0, "36-44人": 1, "45-49人": 1, "50人及以上": 1},
}


def test_without_the_file_the_national_thresholds_apply(d):
    board = dashboard(actor=d.users[Role.DISTRICT_ADMIN])
    assert _figures(board) == NATIONAL["figures"]
    assert _size_chart(board) == NATIONAL["chart"]
    assert findings_sync(source=OVERSIZED, area=d.district).found == 0


def test_the_dashboard_figures_and_chart_follow_the_district_file(d, district_file):
    board = dashboard(actor=d.users[Role.DISTRICT_ADMIN])
    assert _figures(board) == DISTRICT["figures"]
    assert _size_chart(board) == DISTRICT["chart"]
    # a school account counts its own classes by its town's (the district's) thresholds
    school_board = dashboard(actor=d.users[Role.SCHOOL_ADMIN])
    assert _figures(school_board) == {"大班额": ("0", "45-49人"), "超大班额": ("1", "50人及以上")}


def test_the_pages_follow_the_district_file(client, d, district_file):
    login(client, d.users[Role.DISTRICT_ADMIN])
    home = client.get(reverse("web:home")).content.decode()
    assert "45-49人" in home and "56-65人" not in home

    listing = client.get(reverse("registry:class_list")).content.decode()
    assert "大班额：45-49人；超大班额：50人及以上" in listing
    assert "只看大班额（45人及以上）" in listing
    assert listing.count('class="badge warn"') == 1 and listing.count('class="badge danger"') == 1

    only = client.get(reverse("registry:class_list"), {"oversized": "on"}).content.decode()
    assert only.count('class="badge ok"') == 0
    assert only.count('class="badge warn"') + only.count('class="badge danger"') == 2

    export = client.get(reverse("registry:class_export"), {"fmt": "csv"})
    assert export.status_code == 200
    lines = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    bands = sorted(line.split(",")[9] for line in lines.strip().splitlines()[1:])
    assert bands == ["", "大班额", "超大班额"]


def test_the_findings_follow_the_district_file(d, district_file):
    result = findings_sync(source=OVERSIZED, area=d.district)
    assert (result.found, result.created) == (2, 2)
    items = {i.unit_name: i for i in RectificationItem.objects.filter(finding_source=OVERSIZED)}
    b = items[d.school_b.name]
    assert b.title == "乙镇中心小学存在大班额"
    assert "（48人），共1个班达到或超过45人，其中50人及以上0个。" in b.evidence
    assert "降至45人以下" in b.required_action
    a = items[d.school_a.name]
    assert a.title == "甲街道第一小学存在大班额（含超大班额）"
    assert "（52人），共1个班达到或超过45人，其中50人及以上1个。" in a.evidence
    assert battle_map_payload(user=d.users[Role.DEPARTMENT_OFFICER], filters={})["total"] == 2


def test_the_balanced_report_follows_the_district_file(d):
    """The registered 优质均衡 report: with the national 45, 甲 (52) and 乙 (48) fail G5; with the
    district's 50, only 甲 does, and the text names the district's limit and document."""
    admin = d.users[Role.DISTRICT_ADMIN]

    def g5() -> tuple[list[str], str]:
        doc = build_report(admin, "resources.balanced", {"year": str(d.year.start_year)})
        rows = next(s.rows for s in doc.sections if s.key == "guarantee")
        failures = sorted(f"{r[2]}：{r[4]}" for r in rows if r[0] == "班额" and r[2] and r[3] == "未达标")
        citation = next(str(r[5]) for r in rows if r[0] == "班额" and r[2] == "")
        return failures, citation

    national, national_source = g5()
    assert [r.split("：")[0] for r in national] == ["乙镇中心小学", "甲街道第一小学"]
    assert all("小学45人" in r for r in national) and "测试教" not in national_source
    with pytest.MonkeyPatch.context() as mp, _district_dir() as directory:
        mp.setenv("EDUGOV_STANDARDS_DIRS", directory)
        library.cache_clear()
        try:
            district, district_source = g5()
        finally:
            library.cache_clear()
    assert [r.split("：")[0] for r in district] == ["甲街道第一小学"]
    assert "小学50人" in district[0] and "最大班额52人" in district[0]
    assert "测试教〔2025〕7号" in district_source


@pytest.mark.django_db(transaction=True)
def test_a_cached_figure_is_not_served_under_other_standards(settings, district_file, monkeypatch):
    """Standards change without a data write (a new file and a restart): the cached dashboard
    computed under the old ones is not reused, since its key names the standards' fingerprint."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "override"}
    }
    cache.clear()
    d = make_mini_district()
    SchoolClass.objects.filter(pk=d.class_b1.pk).update(boys=25, girls=23)
    admin = d.users[Role.DISTRICT_ADMIN]
    assert _figures(dashboard(actor=admin))["大班额"] == ("1", "45-49人")
    monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
    library.cache_clear()
    assert _figures(dashboard(actor=admin))["大班额"] == ("0", "56-65人")
    cache.clear()


class _district_dir:
    def __enter__(self) -> str:
        import tempfile

        self._tmp = tempfile.TemporaryDirectory()
        (Path(self._tmp.name) / "district_310101.toml").write_text(DISTRICT_FILE, encoding="utf-8")
        return self._tmp.name

    def __exit__(self, *exc: object) -> None:
        self._tmp.cleanup()


AFTER_SCHOOL_FILE = """
[meta]
id = "district.310101.after_school.2025"
title = "测试区课后服务实施办法"
document = "测试教〔2025〕9号"
issuer = "测试区教育局"
year = 2025
scope = "district"
area_code = "310101"

[[rules]]
code = "burden.after_school.days_per_week_min"
name = "每周开展天数（本区）"
comparison = ">="
values = { all = 4 }
status = "confirmed"

[[rules]]
code = "burden.after_school.daily_hours_min"
name = "每天时长（本区）"
comparison = ">="
values = { all = 1.5 }
status = "confirmed"
"""


def test_the_after_school_rule_and_its_texts_follow_the_district_file(tmp_path, monkeypatch):
    """A 4-day, 75-minute service (1.25 h, shown rounded half up: 1.3) fails the national 5 days
    and 2 hours, and the texts say so; under the district's 4 days and 1.5 hours the days pass
    and the hours text names 1.5."""
    import datetime as dt

    from edugov.burden import rules

    def check() -> rules.AfterSchoolCheck:
        return rules.after_school_check(
            days_per_week=4,
            start_time=dt.time(16, 0),
            end_time=dt.time(17, 15),
            area_path="/31/3101/310101/310101001/",
        )

    library.cache_clear()
    national = check()
    assert national.problems[-2:] == ["每周开展不足5天", "每天时长1.3小时，不足2小时"]
    (tmp_path / "district_after_school.toml").write_text(AFTER_SCHOOL_FILE, encoding="utf-8")
    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    library.cache_clear()
    try:
        district = check()
        assert district.days_ok and not district.hours_ok
        assert district.problems[-1] == "每天时长1.3小时，不足1.5小时"
        assert rules.after_school_minimums(area_path="/31/3101/310101/") == (4, Decimal("1.5"))
    finally:
        monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
        library.cache_clear()


HOMEWORK_FILE = """
[meta]
id = "district.310101.homework.2025"
title = "测试区作业管理办法"
document = "测试教〔2025〕11号"
issuer = "测试区教育局"
year = 2025
scope = "district"
area_code = "310101"

[[rules]]
code = "burden.homework.written_daily_avg_max"
name = "书面作业日均时长上限（本区）"
unit = "分钟"
comparison = "<="
values = { primary_lower = 0, primary = 45, junior = 75 }
status = "confirmed"
"""


def test_the_homework_page_names_the_district_limits(client, d, tmp_path, monkeypatch):
    login(client, d.users[Role.TEACHER])
    library.cache_clear()
    page = client.get(reverse("burden:homework_new")).content.decode()
    assert (
        "一、二年级不布置家庭书面作业；三至六年级书面作业日均不超过60分钟；初中书面作业日均不超过90分钟"
        in page
    )
    (tmp_path / "district_homework.toml").write_text(HOMEWORK_FILE, encoding="utf-8")
    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    library.cache_clear()
    try:
        page = client.get(reverse("burden:homework_new")).content.decode()
    finally:
        monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
        library.cache_clear()
    assert "三至六年级书面作业日均不超过45分钟；初中书面作业日均不超过75分钟" in page


def test_the_after_school_page_names_the_district_rule(client, d, tmp_path, monkeypatch):
    from edugov.registry.models import Term

    login(client, d.users[Role.SCHOOL_ADMIN])
    term = Term.objects.filter(school_year=d.year).order_by("start_date").first()
    assert term is not None
    url = reverse("burden:after_school_entry")
    library.cache_clear()
    page = client.get(url, {"term": term.pk}).content.decode()
    assert "“5+2”：每周5天、每天不少于2小时" in page
    (tmp_path / "district_after_school.toml").write_text(AFTER_SCHOOL_FILE, encoding="utf-8")
    monkeypatch.setenv("EDUGOV_STANDARDS_DIRS", str(tmp_path))
    library.cache_clear()
    try:
        page = client.get(url, {"term": term.pk}).content.decode()
    finally:
        monkeypatch.delenv("EDUGOV_STANDARDS_DIRS")
        library.cache_clear()
    assert "“5+2”：每周4天、每天不少于1.5小时" in page
