"""The province computation on Spark (local mode, the process's one session): the same statement
as DuckDB's, transpiled, gives DuckDB's five outputs on test_province's tiny table worked out by
hand and over the warehouse of the conftest's district. Skipped without Java or pyspark."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from edugov.warehouse import spark_cluster
from edugov.warehouse.export import warehouse_export
from edugov.workforce.models import TeacherYear
from edugov.workforce.province import OUTPUTS, compare
from edugov.workforce.tests.conftest import world  # noqa: F401
from edugov.workforce.tests.test_province import PARAMS, _duckdb, _frames
from edugov.workforce.warehouse import province_staffing

pytestmark = pytest.mark.skipif(not spark_cluster.java_available(), reason="Java is not installed")
pytest.importorskip("pyspark")
TODAY = dt.date(2026, 3, 1)


def _same(ours: dict[str, pd.DataFrame], duck: dict[str, pd.DataFrame]) -> None:
    assert compare(ours, duck) == []
    for name in OUTPUTS:
        assert list(ours[name].columns) == list(duck[name].columns), name
        # In the same order, every integer the same and every float within a rounding (Spark
        # sums in another order).
        pd.testing.assert_frame_equal(ours[name], duck[name], check_dtype=False, rtol=1e-12)


def test_the_tiny_table_by_hand_on_spark():
    from edugov.indicators.backends import spark_session
    from edugov.workforce.warehouse_spark import spark_compute

    session = spark_session()
    frames = _frames()
    for name, frame in frames.items():
        session.createDataFrame(frame).createOrReplaceTempView(f"wf_test_{name}")
    ours = spark_compute(session, {k: f"wf_test_{k}" for k in frames}, PARAMS)
    _same(ours, _duckdb(frames, PARAMS))
    # By hand (test_province): school 2, a village school of one class of 10, needs max(10 / 19,
    # 1 x 1.5) = 1.5 -> 2 posts; its 语文 is taught by r3 (10 of 16 periods) and r4 (all 14).
    assert ours["schools"].set_index("school_id").loc[2].tolist() == [10, 1, 2, 2, 2, 1, 1, 1]
    sub = ours["subjects"].set_index(["school_id", "subject"]).loc[(2, "语文")]
    assert (sub.need, sub.have, sub.qualified, sub.retiring) == (0.5, 1.625, 1.0, 1.0)
    assert [tuple(r) for r in ours["retirements"].itertuples(index=False)] == [(2026, "urban", 1)]


@pytest.mark.django_db
def test_spark_over_the_warehouse_gives_duckdbs_five_outputs(world, tmp_path):  # noqa: F811
    md = world.md
    # 钱's certificate subject with blanks around it, two of them written by sqlglot's Spark dialect
    # as escapes Spark does not read (\f, \v): stripped, it is 数学, the subject she teaches.
    TeacherYear.objects.filter(pk=world.records["b"].pk).update(certificate_subject="\u3000数学\x0b\x0c ")
    warehouse_export(directory=tmp_path)
    where = {"directory": tmp_path, "school_year": md.year, "area": md.district, "today": TODAY}
    duck = province_staffing(**where)
    ours = province_staffing(**where, engine="spark")
    _same(ours, duck)
    # School B: 钱 alone, 14 periods of 数学, covered by her certificate.
    b = ours["subjects"].set_index(["school_id", "subject"]).loc[(md.school_b.pk, "数学")]
    assert (b.have, b.qualified) == (1.0, 1.0)
    # School A by hand (test_limit_workforce): 6 classes of 42 and 2 of 40, three teachers, two
    # on the establishment, one without a certificate.
    a = ours["schools"].set_index("school_id").loc[md.school_a.pk]
    assert [a.students, a.classes, a.teachers, a.posts_held, a.uncertified] == [6 * 42 + 2 * 40, 8, 3, 2, 1]
