"""The district rows of 优质均衡 and 普及普惠 are cached per data generation: every later
evaluation reads them until a write commits, then they are computed again; inside a warehouse
block nothing is cached; the start-up warm-up leaves them computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edugov.indicators.backends import use_warehouse
from edugov.indicators.cache import cached_rows
from edugov.indicators.warm import warm_up
from edugov.ingest.services import import_file
from edugov.registry.models import SchoolClass
from edugov.resources.evaluation import evaluate_balanced

from .test_balanced import district  # noqa: F401 (the fixture: four schools worked out by hand)

# Real commits: the data generation moves on commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _students(ev, school_id):
    return sum(s.students for s in ev.schools if s.school_id == school_id)


def _engine_queries(queries) -> list[str]:
    # The unit table joins the facilities table; the page's own lookups never read it.
    return [q["sql"] for q in queries.captured_queries if "resources_schoolfacilities" in q["sql"]]


def test_rows_are_reused_until_a_write_commits(district, tmp_path):  # noqa: F811
    d = district
    first = evaluate_balanced(school_year=d.year, area=d.district)
    assert _students(first, d.school_a.pk) == 400
    # A write that bypasses the write path (no audit, no bump) is not seen: the rows are cached.
    SchoolClass.objects.filter(school=d.school_a).update(boys=0, girls=0)
    with CaptureQueriesContext(connection) as queries:
        cached = evaluate_balanced(school_year=d.year, area=d.district)
    assert _students(cached, d.school_a.pk) == 400
    assert not _engine_queries(queries)
    # An import commits through the write path: the next evaluation computes again.
    csv = Path(tmp_path) / "classes.csv"
    csv.write_text(
        "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"
        f"{d.school_a.code},{d.year.start_year}-{d.year.start_year + 1},三年级,11,,30,25\n",
        encoding="utf-8",
    )
    batch = import_file(kind="classes", path=csv, original_name="classes.csv", user=None)
    assert batch.status == "succeeded", batch.errors
    again = evaluate_balanced(school_year=d.year, area=d.district)
    assert _students(again, d.school_a.pk) == 55  # the ten zeroed classes and the new one of 55


def test_a_scoped_user_filters_the_shared_rows(district):  # noqa: F811
    d = district
    evaluate_balanced(school_year=d.year, area=d.district)  # computed for the district
    school_admin = next(u for u in d.users.values() if u.school_id == d.school_a.pk)
    own = evaluate_balanced(school_year=d.year, area=d.district, user=school_admin)
    assert {s.school_id for s in own.schools} == {d.school_a.pk}


def test_inside_a_warehouse_block_rows_are_computed_every_time(tmp_path):
    calls = []

    @cached_rows("test.rows")
    def rows(*, n):
        calls.append(n)
        return [{"n": n}]

    assert rows(n=1) == rows(n=1) == [{"n": 1}]
    assert calls == [1]
    with use_warehouse(tmp_path):
        rows(n=1)
        rows(n=1)
    assert calls == [1, 1, 1]


def test_warm_up_leaves_the_district_rows_computed(district):  # noqa: F811
    d = district
    timings = warm_up()
    assert {"resources", "burden"} <= set(timings)
    with CaptureQueriesContext(connection) as queries:
        ev = evaluate_balanced(school_year=d.year, area=d.district)
    assert _students(ev, d.school_a.pk) == 400
    assert not _engine_queries(queries)
