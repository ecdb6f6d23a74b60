"""The `demo` and `serve_demo` commands; the worker process and the server are the boundaries."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command

from edugov.demo.base import generators
from edugov.demo.management.commands import serve_demo
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import CalendarException, School, SchoolYear
from edugov.testing import rows_shared_by_tests

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def first_build(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """`edugov demo --seed 1 --scale 0.1` run once for the module on an empty database: what it
    printed. What a test writes after it (a reset, another build) is rolled back after that test."""
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.mktemp("media")):
        assert not School.objects.exists()
        out = io.StringIO()
        call_command("demo", seed=1, scale=0.1, stdout=out)
        yield out.getvalue()


def test_demo_command_builds_prints_logins_and_honours_if_empty(first_build):
    text = first_build
    assert "演示数据已生成" in text and "school1" in text and "Edugov@2026" in text
    count = School.objects.count()
    out = io.StringIO()
    call_command("demo", seed=2, scale=0.1, if_empty=True, stdout=out)
    assert "跳过" in out.getvalue()
    assert School.objects.count() == count
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", seed=2, scale=0.1, stdout=io.StringIO())
    with pytest.raises(CommandError, match="规模"):
        call_command("demo", seed=2, scale=-1, reset=True, stdout=io.StringIO())
    assert School.objects.count() == count


def test_demo_command_builds_for_the_date_given_and_warns_beyond_the_holiday_table(first_build):
    # 2027-10-08 is in the 2027-2028 school year, whose holidays are not yet in the table: the
    # build goes on with weekends only (National Day 2027, a Friday, counts as a school day).
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", seed=1, scale=0.1, reset=True, today="2027-10-08", stdout=out, stderr=err)
    assert "日期 2027-10-08" in out.getvalue()
    assert "2027-2028学年" in err.getvalue() and "HOLIDAYS" in err.getvalue()
    current = SchoolYear.objects.get(is_current=True)
    assert current.start_year == 2027
    assert list(SchoolYear.objects.order_by("start_year").values_list("start_year", flat=True)) == [
        2025, 2026, 2027,
    ]  # fmt: skip
    assert not CalendarException.objects.filter(date__gt=dt.date(2027, 8, 31)).exists()
    assert SchoolCalendar.for_year(current).is_school_day(dt.date(2027, 10, 1))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", seed=1, scale=0.1, reset=True, today="2027-13-01", stdout=io.StringIO())


def test_demo_command_prints_a_line_per_generator_as_it_goes(first_build):
    names = [g.name for g in generators()]
    lines = [line for line in first_build.splitlines() if re.match(r"\s+\[\d+/\d+\] ", line)]
    assert [re.match(r"\s+\[(\d+)/(\d+)\] (\S+?)：", line).groups() for line in lines] == [  # type: ignore[union-attr]
        (str(i), str(len(names)), name) for i, name in enumerate(names, start=1)
    ]
    # each line gives the rows that generator built and its time; the registry builds schools
    registry_rows = int(re.search(r"registry：([\d,]+) 行", first_build).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert registry_rows >= School.objects.count() > 0
    assert all(re.search(r"：[\d,]+ 行，\d+\.\d 秒", line) for line in lines)
    quiet = io.StringIO()
    call_command("demo", seed=1, scale=0.1, reset=True, verbosity=0, stdout=quiet)
    assert "[1/" not in quiet.getvalue()


class FakeProcess:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = args
        self.env = env
        self.pid = 4242
        self.terminated = False

    def poll(self) -> int | None:
        return 0 if self.terminated else None

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        if self.args[1:3] == ["-m", "gunicorn"] and not self.terminated:
            raise KeyboardInterrupt  # the user stops the demo while the web server runs
        return 0


def test_serve_demo_runs_gunicorn_with_debug_off_beside_the_worker_and_the_scheduler(
    first_build, monkeypatch
):
    procs: list[FakeProcess] = []

    def fake_popen(args: list[str], *, env: dict[str, str]) -> FakeProcess:
        procs.append(FakeProcess(args, env))
        return procs[-1]

    monkeypatch.setattr(serve_demo.subprocess, "Popen", fake_popen)
    out = io.StringIO()
    call_command("serve_demo", port=8123, stdout=out)
    worker, scheduler, web = procs
    assert worker.args[-2:] == ["db_worker", "--no-reload"]
    assert scheduler.args[-1] == "scheduler"
    assert web.args[1:4] == ["-m", "gunicorn", "edugov.wsgi:application"]
    assert web.args[web.args.index("--bind") + 1] == "127.0.0.1:8123"
    assert all(p.env["EDUGOV_DEBUG"] == "0" for p in procs)  # never a debug page in the demo
    assert all(p.terminated for p in procs)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text and "teacher1" in text
    assert "后台任务进程已停止" in text and "定时任务进程已停止" in text
