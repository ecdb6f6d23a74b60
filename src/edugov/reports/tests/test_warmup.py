"""Start-up warming of reports with a required parameter: each reader's most likely first sets
(`first_params`) are rendered, at most MAX_PARAM_SETS of them, within the time budget, and a
warmed file is served only to a reader with the same rows. One report registered for the test:
the builder lists the schools of the asked town that the reader may read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.accounts.scope import scoped
from edugov.registry.models import School
from edugov.reports import Document, Param, Section, read_as, register_report, report_download, warmup
from edugov.reports import registry as report_registry
from edugov.reports.cache import reader_key
from edugov.reports.registry import integer
from edugov.testing import MiniDistrict, make_mini_district, make_user

# Real commits: the data generation moves on commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)

NAME = "registry.test_schools"
built: list[tuple[str, dict[str, Any]]] = []  # (reader, params) of every build


def schools_document(*, actor: Any, town: int) -> Document:
    built.append((getattr(actor, "username", "system"), {"town": town}))
    schools = scoped(School, read_as(actor)).filter(area_id=town).order_by("name")
    names = schools.values_list("name", flat=True)
    return Document(
        title="学校名单",
        sections=[Section(title="学校", headers=["名称"], rows=[[n] for n in names])],
    )


def first_towns(reader: Any) -> list[dict[str, str]]:
    """The reader's own town first, then every other town: more sets than the warm-up takes."""
    md: MiniDistrict = first_towns.md  # type: ignore[attr-defined]
    own = reader.school.area_id if reader.school_id else md.town_a.pk
    others = [t.pk for t in (md.town_a, md.town_b, md.district) if t.pk != own]
    return [{"town": str(own)}] + [{"town": str(pk)} for pk in others]


@pytest.fixture
def md(monkeypatch: pytest.MonkeyPatch) -> Iterator[MiniDistrict]:
    monkeypatch.setattr(warmup, "CHEAP_SECONDS", 0.0)  # the test report is cheap: warm it all
    cache.clear()
    built.clear()
    district = make_mini_district()
    first_towns.md = district  # type: ignore[attr-defined]
    register_report(
        NAME,
        "学校名单（测试）",
        action="registry.view",
        builder=schools_document,
        params=(Param("town", "乡镇", integer, required=True),),
        formats=("xlsx",),
        first_params=first_towns,
    )
    yield district
    report_registry._REPORTS.pop(NAME, None)
    cache.clear()


def test_warms_each_readers_first_sets_only_and_serves_them_as_hits(md: MiniDistrict) -> None:
    school = md.users[Role.SCHOOL_ADMIN]
    files = warmup.warm_files(60, names={NAME})
    warmed = {(who, p["town"]) for who, p in built}
    # Two sets per distinct reader (MAX_PARAM_SETS), never the third town.
    assert warmup.MAX_PARAM_SETS == 2
    assert files == len(built) == len(warmed) > 0
    assert (school.username, md.school_a.area_id) in warmed
    assert all(town != md.district.pk for _, town in warmed)
    # The school account's own town is a hit on its first download: nothing is built.
    built.clear()
    hit = report_download(school, NAME, "xlsx", {"town": str(md.town_a.pk)})
    assert hit.document is None and built == []
    # A set not warmed is built when asked.
    cold = report_download(school, NAME, "xlsx", {"town": str(md.district.pk)})
    assert cold.document is not None and built == [(school.username, {"town": md.district.pk})]


def test_a_warmed_file_is_served_to_a_reader_with_the_same_rows_only(md: MiniDistrict) -> None:
    school, admin = md.users[Role.SCHOOL_ADMIN], md.users[Role.DISTRICT_ADMIN]
    warmup.warm_files(60, names={NAME})
    # Town B was warmed for the district administrator (one school, school B) ...
    built.clear()
    theirs = report_download(admin, NAME, "xlsx", {"town": str(md.town_b.pk)})
    assert theirs.document is None and theirs.rows == 1 and built == []
    # ... and for school A's account, which reads no row of town B: its own file, empty.
    mine = report_download(school, NAME, "xlsx", {"town": str(md.town_b.pk)})
    assert mine.document is None and mine.rows == 0 and mine.content != theirs.content
    # A reader that was not warmed (no account in the district's first ones: a second school's
    # administrator) gets a file built for them, never another reader's.
    other = make_user(Role.SCHOOL_ADMIN, school=md.school_b)
    built.clear()
    found = report_download(other, NAME, "xlsx", {"town": str(md.town_b.pk)})
    assert found.document is not None and found.rows == 1
    assert built == [(other.username, {"town": md.town_b.pk})]


def test_the_budget_stops_the_warm_up(md: MiniDistrict, monkeypatch: pytest.MonkeyPatch) -> None:
    assert warmup.warm_files(0, names={NAME}) == 0 and built == []
    # A clock that moves one second per look: a 2.5 s budget is read at 0 (deadline 2.5), then
    # before each file at 1, 2 and 3 s, so exactly two files are rendered.
    ticks = iter(range(1000))
    monkeypatch.setattr(warmup, "clock", lambda: float(next(ticks)))
    assert warmup.warm_files(2.5, names={NAME}) == 2 and len(built) == 2


@pytest.mark.parametrize("cost", [0.05, 0.2])
def test_a_cheap_report_is_warmed_for_its_first_reader_only(
    md: MiniDistrict, monkeypatch: pytest.MonkeyPatch, cost: float
) -> None:
    # A CPU clock that moves `cost` seconds per look: each file is timed at `cost`.
    monkeypatch.setattr(warmup, "CHEAP_SECONDS", 0.1)
    ticks = iter(range(1000))
    monkeypatch.setattr(warmup, "cpu", lambda: cost * next(ticks))
    accounts = warmup.district_accounts(md.district.path)
    readers = {reader_key(u, "registry") for u in accounts if can(u, "registry.view")}
    assert len(readers) > 1
    # Two towns per distinct reader, XLSX only; a cheap report (under 0.1 s) stops after its first.
    expected = 1 if cost < 0.1 else 2 * len(readers)
    assert warmup.warm_files(60, names={NAME}) == expected == len(built)


def test_every_registered_report_with_a_required_parameter_names_its_first_sets() -> None:
    """Else start-up never warms it and its first download after a restart is built cold."""
    from edugov.reports import report_specs

    missing = [
        s.name
        for s in report_specs()
        if any(p.required for p in s.params) and s.first_params is None and s.name != NAME
    ]
    assert missing == ["tutoring.staff"]  # which institution an officer opens first is not known


def test_the_bureau_accounts_are_kept_however_many_schools_sign_in(
    md: MiniDistrict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accounts anchored at the district itself read every row: school accounts that signed in
    more recently never push them out of the warmed few."""
    from django.utils import timezone

    from edugov.accounts.models import User

    bureau = set(User.objects.filter(area=md.district, is_active=True).values_list("pk", flat=True))
    assert bureau
    User.objects.exclude(pk__in=bureau).update(last_login=timezone.now())
    monkeypatch.setattr(warmup, "MAX_ACCOUNTS_PER_DISTRICT", len(bureau))
    assert {u.pk for u in warmup.district_accounts(md.district.path)} == bureau
