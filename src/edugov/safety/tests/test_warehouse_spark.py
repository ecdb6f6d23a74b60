"""校园安全's province computation on Spark (local mode, the process's one session): the same
statement as DuckDB's, transpiled, gives DuckDB's schools and towns, every row and every column,
over the warehouse of test_warehouse's district (on a day of the term and on a day before any
term). Skipped without Java or pyspark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from edugov.safety.warehouse import SCHOOL_COLUMNS, TOWN_COLUMNS, province_safety
from edugov.warehouse import spark_cluster

from .conftest import TODAY
from .test_warehouse import built  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not spark_cluster.java_available(), reason="Java is not installed"),
]
pytest.importorskip("pyspark")


def test_spark_gives_duckdbs_schools_and_towns(built):  # noqa: F811
    md = built.world.md
    spark = {}
    for day in (TODAY, dt.date(2025, 8, 1)):
        duck = province_safety(directory=built.wh, day=day, area=md.district)
        ours = spark[day] = province_safety(directory=built.wh, day=day, area=md.district, engine="spark")
        for name, columns in (("schools", SCHOOL_COLUMNS), ("towns", TOWN_COLUMNS)):
            assert list(ours[name].columns) == list(duck[name].columns) == list(columns)
            # Every value and dtype the same, NULLs where DuckDB has them (the archived school's
            # drills and lessons, a share without classes); each share is one division on both.
            pd.testing.assert_frame_equal(ours[name], duck[name])
    # On the day (test_warehouse, by hand): school A on time with every drill (no comma left by
    # the kinds it is not behind in), B behind in three; the archived school C reminded, unlisted.
    schools = spark[TODAY]["schools"].set_index("school_id")
    assert schools.loc[md.school_a.pk].overdue == ""
    assert schools.loc[md.school_b.pk].overdue == "evacuation,fire,violence"
    c = schools.loc[built.school_c.pk]
    assert c.classes == 1 and pd.isna(c.overdue) and pd.isna(c.lessons)
    assert spark[dt.date(2025, 8, 1)]["schools"]["overdue"].eq("").all()
