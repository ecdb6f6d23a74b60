"""The engine's rows as records: DuckDB's sums of integers (DECIMAL(38, 0)) come as Python ints;
other decimals, and whole numbers beyond 64 bits, stay exact `Decimal`s."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa

from edugov.resources.indicators import _integral


def test_whole_number_decimals_become_ints_and_the_rest_stay_exact():
    table = pa.table(
        {
            "pupils": pa.array([Decimal(5), None], pa.decimal128(38, 0)),
            "huge": pa.array([Decimal(10**30), Decimal(1)], pa.decimal128(38, 0)),
            "area": pa.array([Decimal("1.5"), Decimal("0.1")], pa.decimal128(10, 1)),
            "name": pa.array(["甲", "乙"]),
        }
    )
    rows = _integral(table).to_pylist()
    assert rows == [
        {"pupils": 5, "huge": Decimal(10**30), "area": Decimal("1.5"), "name": "甲"},
        {"pupils": None, "huge": Decimal(1), "area": Decimal("0.1"), "name": "乙"},
    ]
    assert type(rows[0]["pupils"]) is int
    assert type(rows[1]["huge"]) is Decimal and type(rows[0]["area"]) is Decimal
