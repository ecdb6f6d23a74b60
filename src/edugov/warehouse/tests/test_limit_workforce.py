"""师资队伍 over the warehouse: the province staffing from the exported Parquet files equals the
same computation over the operational database's tables (`province.frames_from_db`, which
test_province ties to the staffing selector), and the limit line's five hand-written queries equal
it, on the workforce tests' mini district, with figures worked by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pytest

from edugov.warehouse import limit
from edugov.warehouse.export import warehouse_export
from edugov.warehouse.limit_workforce import workforce_frames, workforce_parts, workforce_sql
from edugov.workforce.norms import SUBJECT_ALIASES, Norms
from edugov.workforce.province import Params, compare, duckdb_compute, frames_from_db
from edugov.workforce.tests.conftest import world  # noqa: F401
from edugov.workforce.warehouse import province_staffing

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


def _from_database(world):  # noqa: F811
    md = world.md
    params = Params.from_norms(Norms.load_for(md.district.path, md.year.start_year), TODAY.year, TODAY.month)
    frames = frames_from_db(actor=world.personnel, year=md.year)
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(f"db_{name}", frame)
    return duckdb_compute(con, {k: f"db_{k}" for k in frames}, params), params


def test_warehouse_staffing_and_its_limit_line_equal_the_database_computation(world, tmp_path):  # noqa: F811
    md = world.md
    warehouse_export(directory=tmp_path)
    ours = province_staffing(directory=tmp_path, school_year=md.year, area=md.district, today=TODAY)
    expected, params = _from_database(world)
    assert compare(ours, expected) == []
    where = {"school_year_id": md.year.pk, "area_path": md.district.path, "params": params}
    theirs, _ = workforce_frames(workforce_sql(tmp_path, **where, aliases=SUBJECT_ALIASES))
    assert compare(ours, theirs) == []
    # Each output's query alone gives the same.
    parts = workforce_parts(tmp_path, **where, aliases=SUBJECT_ALIASES)
    assert compare({part: limit.limit_frame(sql)[0] for part, sql in parts}, theirs) == []
    assert sorted(theirs["schools"].columns) == sorted(ours["schools"].columns)
    # School A by hand: 6 classes of 42 and 2 of 40; three records, two of them on the
    # establishment (李 is on contract), 赵 without a certificate.
    a = theirs["schools"].set_index("school_id").loc[md.school_a.pk]
    assert [a.students, a.classes, a.teachers, a.posts_held, a.uncertified] == [6 * 42 + 2 * 40, 8, 3, 2, 1]
    # 李's certificate says 体育: the alias makes it 体育与健康, the subject he teaches (16 periods).
    pe = theirs["subjects"].set_index(["school_id", "subject"]).loc[(md.school_a.pk, "体育与健康")]
    assert (pe.have, pe.qualified) == (1.0, 1.0)


def test_the_limit_line_follows_the_norms_it_is_given(world, tmp_path):  # noqa: F811
    """A different student ratio changes the posts needed: the limit line takes the norms, it does
    not keep its own."""
    md = world.md
    warehouse_export(directory=tmp_path)
    _, params = _from_database(world)
    fewer = dataclasses.replace(params, ratio={k: v * 2 for k, v in params.ratio.items()})

    def posts(p: Params) -> int:
        (_, sql), *_ = workforce_parts(
            tmp_path, school_year_id=md.year.pk, area_path=md.district.path, params=p, aliases=SUBJECT_ALIASES
        )
        return int(limit.limit_frame(sql)[0]["posts_needed"].sum())

    assert posts(fewer) < posts(params)
