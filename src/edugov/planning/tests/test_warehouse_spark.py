"""学位预测 over the warehouse on Spark (local mode, the process's one session): the mini district
(see conftest) exported, the bulk statements transpiled give DuckDB's schools and gaps, every row
and every column. Skipped without Java or pyspark."""

from __future__ import annotations

import pandas as pd
import pytest

from edugov.planning import bulk
from edugov.planning.warehouse import province_forecast
from edugov.warehouse import spark_cluster
from edugov.warehouse.export import warehouse_export

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not spark_cluster.java_available(), reason="Java is not installed"),
]
pytest.importorskip("pyspark")
HORIZON = 3


def test_spark_over_the_warehouse_gives_duckdbs_schools_and_gaps(world, tmp_path):
    from edugov.planning.warehouse_spark import spark_forecast

    md = world.md
    warehouse_export(directory=tmp_path)
    where = {"directory": tmp_path, "school_year": md.year, "area": md.district, "horizon": HORIZON}
    duck = province_forecast(**where)
    ours = spark_forecast(**where)
    for mine, theirs, keys in zip(ours, duck, (bulk.SCHOOL_KEYS, bulk.GAP_KEYS), strict=True):
        assert len(theirs) > 0
        assert bulk.compare(mine, theirs, keys) == (len(theirs), [])
        # In the same order, every integer the same and every float within a rounding (Spark sums
        # in another order); the boolean `short` alike.
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False, rtol=1e-12)
    # By hand (conftest), as on DuckDB: 甲街道's primary 2026, 3 x 80 pupils for 4 x 45 places.
    a = ours[1].set_index(bulk.GAP_KEYS).loc[(md.district.pk, md.town_a.pk, "primary")]
    got = (a.loc[2026, "demand"], a.loc[2026, "places"], a.loc[2026, "gap"])
    assert got == pytest.approx((240, 180, -60))
