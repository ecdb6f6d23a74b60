"""Dashboard figures cached per data generation: reused until a write commits, then recomputed;
a rolled-back write changes nothing. On local memory and on Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.cache import bump_data_generation, cached_figure, data_generation, scope_key
from edugov.ingest.services import import_file
from edugov.registry.dashboard import dashboard
from edugov.registry.models import SchoolClass
from edugov.testing import make_mini_district

# Real commits: on_commit callbacks run as in production.
pytestmark = pytest.mark.django_db(transaction=True)

REDIS_TEST_URL = os.environ.get("EDUGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["locmem", "redis"])
def figure_cache(request, settings):
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL}
        }
    else:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cache-test"}
        }
    cache.clear()
    yield request.param
    cache.clear()


def pupils(board):
    return next(f.value for f in board.figures if f.label == "在校生")


def test_cached_value_is_reused_without_queries(figure_cache):
    d = make_mini_district()
    admin = _district_user(d)
    first = dashboard(actor=admin)
    with CaptureQueriesContext(connection) as queries:
        again = dashboard(actor=admin)
    assert len(queries) == 0
    assert again == first


def test_figure_changes_after_an_import_commits(figure_cache, tmp_path):
    d = make_mini_district()
    admin = _district_user(d)
    before = dashboard(actor=admin)
    assert pupils(before) == "120"  # three classes of 20 boys and 20 girls
    csv = Path(tmp_path) / "classes.csv"
    csv.write_text(
        "学校标识码,学年,年级,班号,班级名称,男生数,女生数\n"
        f"{d.school_b.code},{d.year.start_year}-{d.year.start_year + 1},三年级,2,,30,25\n",
        encoding="utf-8",
    )
    generation = data_generation()
    batch = import_file(kind="classes", path=csv, original_name="classes.csv", user=None)
    assert batch.status == "succeeded", batch.errors
    assert SchoolClass.objects.count() == 4
    assert data_generation() > generation
    assert pupils(dashboard(actor=admin)) == "175"


def test_rolled_back_write_does_not_bump_and_committed_one_does(figure_cache):
    d = make_mini_district()
    admin = _district_user(d)
    dashboard(actor=admin)
    generation = data_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        SchoolClass.objects.filter(pk=d.class_a1.pk).update(boys=40)
        audit_record(action=AuditAction.UPDATE, instance=d.class_a1, changes={"boys": [20, 40]})
        raise RuntimeError("rolled back")
    assert data_generation() == generation
    assert pupils(dashboard(actor=admin)) == "120"

    with transaction.atomic():
        SchoolClass.objects.filter(pk=d.class_a1.pk).update(boys=40)
        audit_record(action=AuditAction.UPDATE, instance=d.class_a1, changes={"boys": [20, 40]})
        assert data_generation() == generation  # not before the commit
    assert data_generation() == generation + 1
    assert pupils(dashboard(actor=admin)) == "140"


def test_logins_do_not_bump(figure_cache):
    generation = data_generation()
    audit_record(action=AuditAction.LOGIN, object_repr="x")
    assert data_generation() == generation


def test_inside_a_transaction_figures_are_computed_not_cached(figure_cache):
    calls = []

    @cached_figure("test.calls")
    def figure(*, n):
        calls.append(n)
        return n * 2

    assert figure(n=2) == 4 and figure(n=2) == 4
    assert calls == [2]
    with transaction.atomic():
        assert figure(n=2) == 4
    assert calls == [2, 2]
    bump_data_generation()
    assert figure(n=2) == 4 and calls == [2, 2, 2]


def test_users_with_the_same_scope_share_a_key():
    from edugov.accounts.models import Role
    from edugov.testing import make_user

    d = make_mini_district()
    admin = _district_user(d)
    other = make_user(Role.DISTRICT_ADMIN, username="admin2", area=admin.area)
    school = next(u for u in d.users.values() if u.role == Role.SCHOOL_ADMIN)
    assert scope_key(admin) == scope_key(other)
    assert scope_key(school) != scope_key(admin)
    assert scope_key(None) == "anonymous"


def _district_user(d):
    from edugov.accounts.models import Role

    return next(u for u in d.users.values() if u.role == Role.DISTRICT_ADMIN)
