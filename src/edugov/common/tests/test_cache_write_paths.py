"""Every way data is written moves the cached figures it should: a page form, the API, an import,
a bulk findings sync, a command line; a write that rolls back moves nothing. Each test reads the
cached figure first (so a stale one would be served), writes, and reads the new figure, worked
out by hand from the mini district (three classes of 20 boys and 20 girls: two in 甲街道第一小学,
one in 乙镇中心小学)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from edugov.accounts.models import Role, User
from edugov.common.cache import data_generation
from edugov.ingest.services import import_file
from edugov.rectification.services import findings_sync
from edugov.rectification.sources import OVERSIZED
from edugov.rectification.views_map import battle_map_payload
from edugov.registry.dashboard import Dashboard, dashboard
from edugov.registry.models import SchoolClass
from edugov.registry.services import school_class_update
from edugov.testing import MiniDistrict, login, make_mini_district

# Real commits: on_commit callbacks run as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "write-paths"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def d() -> MiniDistrict:
    return make_mini_district()


def _admin(d: MiniDistrict) -> User:
    return d.users[Role.DISTRICT_ADMIN]


def _figure(board: Dashboard, label: str) -> str:
    return next(f.value for f in board.figures if f.label == label)


def _pupils_by_town(board: Dashboard) -> dict[str, int]:
    chart = next(c for c in board.charts if c.key == "pupils_by_town")
    return dict(zip(chart.categories, chart.series[0]["data"], strict=True))


def _open_items(actor: User) -> int:
    return int(battle_map_payload(user=actor, filters={})["total"])


def _oversize_school_b(d: MiniDistrict) -> None:
    """乙镇中心小学's class grows to 60 (大班额) without an audited write: the finding is new data."""
    SchoolClass.objects.filter(pk=d.class_b1.pk).update(boys=30, girls=30)


def test_a_page_form_write_moves_the_dashboard(client, d):
    admin = _admin(d)
    assert _pupils_by_town(dashboard(actor=admin)) == {"甲街道": 80, "乙镇": 40}
    login(client, admin)
    response = client.post(
        reverse("registry:school_edit", args=[d.school_b.pk]),
        {
            "name": d.school_b.name,
            "school_type": "primary",
            "ownership": "public",
            "urban_rural_code": "121",
            "area": d.town_a.pk,  # the school moves town: its 40 pupils go with it
            "address": "",
        },
    )
    assert response.status_code == 302
    assert _pupils_by_town(dashboard(actor=admin)) == {"甲街道": 120}


def test_an_api_write_moves_the_dashboard(client, d):
    admin = _admin(d)
    assert _figure(dashboard(actor=admin), "在校生") == "120"
    login(client, admin)
    response = client.patch(
        f"/api/v1/registry/classes/{d.class_a1.pk}/", {"boys": 40}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert _figure(dashboard(actor=admin), "在校生") == "140"  # 40 + 20 + 40 + 40


def test_an_import_moves_the_dashboard(d, tmp_path):
    admin = _admin(d)
    board = dashboard(actor=admin)
    assert (_figure(board, "班级"), _figure(board, "大班额")) == ("3", "0")
    csv = tmp_path / "classes.csv"
    csv.write_text(
        "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"
        f"{d.school_b.code},{d.year.start_year}-{d.year.start_year + 1},三年级,2,,30,28\n",
        encoding="utf-8",
    )
    batch = import_file(kind="classes", path=csv, original_name="classes.csv", user=None)
    assert batch.status == "succeeded", batch.errors
    board = dashboard(actor=admin)
    assert (_figure(board, "班级"), _figure(board, "在校生"), _figure(board, "大班额")) == ("4", "178", "1")


def test_a_bulk_findings_sync_moves_the_battle_map(d):
    """The reported bug: the sync writes items with bulk_create (no signal), and the map stayed 0."""
    officer = d.users[Role.DEPARTMENT_OFFICER]
    assert _open_items(officer) == 0
    _oversize_school_b(d)
    assert _open_items(officer) == 0  # unaudited write above: the cached map may lag, by design
    result = findings_sync(source=OVERSIZED, area=d.district)
    assert result.created == 1
    assert _open_items(officer) == 1


def test_a_command_line_write_moves_the_battle_map_and_the_dashboard(d):
    officer = d.users[Role.DEPARTMENT_OFFICER]
    admin = _admin(d)
    assert _open_items(officer) == 0
    assert _figure(dashboard(actor=admin), "在校生") == "120"
    _oversize_school_b(d)
    call_command("rectification_sync", "--source", OVERSIZED, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _open_items(officer) == 1
    # the same generation serves the dashboard: the unaudited growth shows once anything commits
    assert _figure(dashboard(actor=admin), "在校生") == "140"


def test_a_rolled_back_write_does_not_bump(d):
    admin = _admin(d)
    assert _figure(dashboard(actor=admin), "在校生") == "120"
    generation = data_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        school_class_update(school_class=d.class_a1, actor=admin, data={"boys": 40})
        raise RuntimeError("rolled back")
    assert data_generation() == generation
    assert _figure(dashboard(actor=admin), "在校生") == "120"


def test_a_rolled_back_savepoint_keeps_the_outer_writes_bump(d):
    """One bump per transaction, but a bump registered in a savepoint that rolls back is dropped
    with it; the outer write must still bump on commit."""
    admin = _admin(d)
    generation = data_generation()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            school_class_update(school_class=d.class_a1, actor=admin, data={"boys": 40})
            raise RuntimeError("inner rolled back")
        school_class_update(school_class=d.class_a2, actor=admin, data={"boys": 25})
        school_class_update(school_class=d.class_b1, actor=admin, data={"boys": 25})
        assert data_generation() == generation
    assert data_generation() == generation + 1  # one bump for the two committed writes
    assert _figure(dashboard(actor=admin), "在校生") == "130"  # 20+20, 25+20, 25+20


def test_a_job_bulk_write_without_audit_bumps_on_commit(d):
    """The daily risk computation (scheduler job) bulk-writes snapshots and alerts and records no
    audit event: it moves the generation itself, once, on commit."""
    from edugov.tutoring.services import risk_compute
    from edugov.tutoring.tests.factories import make_institution, officer

    make_institution(d, officer(d))
    generation = data_generation()
    with transaction.atomic():
        assert risk_compute(on=d.year.start_date) == 1
        assert data_generation() == generation
    assert data_generation() == generation + 1
