"""The 质量监测 and 学生体质健康 pages' figures are cached per data generation and read scope
(page_selectors): readers of the same rows share one entry, a town's reader never gets the
district's figures, a write that does not go through the write path is not seen, a committed
import is seen at once; the pages ask a pinned number of queries, fewer once cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.quality import page_selectors
from edugov.quality.models import FitnessResult
from edugov.quality.pupil_key import pupil_key
from edugov.testing import login

from .rows import fitness_rows, grade1_classes, grade1_row, import_fitness

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tested(district, tmp_path):
    grade1_classes(district)
    batch = import_fitness(tmp_path, district.users[Role.DEPARTMENT_OFFICER], fitness_rows(district))
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    return district


def _passed(figures: Any) -> tuple[int, int, float]:
    return (figures.total.n, figures.total.passed, figures.total.pass_rate)


def test_fitness_figures_by_read_scope_and_computed_again_after_an_import(tested, tmp_path):
    d = tested
    admin, leader, town = d.users[Role.DISTRICT_ADMIN], d.users[Role.LEADER], d.users["town_officer"]
    assert page_selectors.reader(admin).scope == page_selectors.reader(leader).scope
    assert page_selectors.reader(admin).scope != page_selectors.reader(town).scope
    # 6 pupils, 1 fails (G0000000004, 50.0): 5/6 = 83.3%; town A's school A has 4, 3 passing.
    assert _passed(page_selectors.fitness_figures(user=admin, year=d.year)) == (6, 5, 83.3)
    # The district's entry is cached: the town's reader still computes their own.
    assert _passed(page_selectors.fitness_figures(user=town, year=d.year)) == (4, 3, 75.0)
    # Changed without the write path (no bump): the leader reads the admin's cached entry.
    FitnessResult.objects.filter(pupil_key=pupil_key("G0000000004")).update(band="pass")
    assert _passed(page_selectors.fitness_figures(user=leader, year=d.year)) == (6, 5, 83.3)
    FitnessResult.objects.filter(pupil_key=pupil_key("G0000000004")).update(band="fail")
    # Re-imported through the write path: G0000000004 now passes (60.0), 6/6 = 100%.
    row = grade1_row("G0000000004", d.school_a, "女", 118, 28, 600, 13.8, 2.4, 17)
    batch = import_fitness(tmp_path, d.users[Role.DEPARTMENT_OFFICER], [row], "again.xlsx")
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert _passed(page_selectors.fitness_figures(user=leader, year=d.year)) == (6, 6, 100.0)
    assert _passed(page_selectors.fitness_figures(user=town, year=d.year)) == (4, 4, 100.0)


def test_overview_fitness_block_is_the_readers_own(tested):
    d = tested
    admin, town = d.users[Role.DISTRICT_ADMIN], d.users["town_officer"]
    district_view = page_selectors.overview_figures(user=admin, current=None)
    town_view = page_selectors.overview_figures(user=town, current=None)
    assert district_view.fitness_total is not None and town_view.fitness_total is not None
    assert (district_view.fitness_total.n, town_view.fitness_total.n) == (6, 4)
    assert [r.pass_rate for _, r in district_view.fitness_trend] == [83.3]


@pytest.mark.parametrize(
    ("url_name", "cold", "warm"), [("quality:fitness", 15, 4), ("quality:overview", 13, 5)]
)
def test_pages_ask_a_pinned_number_of_queries(client, tested, url_name, cold, warm):
    login(client, tested.users[Role.LEADER])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(queries))
    assert counts == [cold, warm]


def test_start_up_warming_leaves_both_pages_cached(client, tested):
    from edugov.quality.warmup import warm

    warm()
    login(client, tested.users[Role.LEADER])  # the leader shares the administrator's read scope
    client.get(reverse("quality:outcomes"))  # a session's first visit reads 3 more rows: not ours
    for url_name, warm_count in (("quality:fitness", 4), ("quality:overview", 5)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        assert len(queries) == warm_count, url_name


def test_the_value_added_fit_is_computed_once_for_every_reader_until_a_write(district, tmp_path):
    """The fit is the district's reference, the same whoever reads: a school's own page and the
    district's share it until the data change (then it is computed again)."""
    from edugov.common.cache import bump_data_generation
    from edugov.quality import selectors
    from edugov.quality.models import Assessment

    from .rows import build_pair

    build_pair(district, tmp_path, district.users[Role.DISTRICT_ADMIN], boost={district.school_b.code: 6.0})
    pre, post = Assessment.objects.get(code="T-PRE"), Assessment.objects.get(code="T-POST")
    admin, school_a = district.users[Role.DISTRICT_ADMIN], district.users[Role.SCHOOL_ADMIN]

    def results_read(actor: Any, **kw: Any) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as ctx:
            va = selectors.value_added(actor=actor, prior=pre, post=post, **kw)
        return sum("quality_result" in q["sql"] for q in ctx.captured_queries), va

    first, whole = results_read(admin)
    again, own = results_read(school_a, school=district.school_a)
    assert first == 2 and again == 0  # the prior's and the post's results, read once
    assert [r.unit_id for r in own.rows] == [district.school_a.pk]
    assert own.rows[0].effect == next(r.effect for r in whole.rows if r.unit_id == district.school_a.pk)
    bump_data_generation()
    assert results_read(school_a, school=district.school_a)[0] == 2
