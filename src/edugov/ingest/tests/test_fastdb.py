"""The bulk writer's shortcut on SQLite: a date, a finite Decimal and a float reach the driver as
the field's own conversion (`get_db_prep_save`) would give them, for every such field of every
model; any other value takes the field's own way (a bad one fails as the field fails)."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models

from edugov.ingest.fastdb import _prepare_for_sqlite

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the shortcut is SQLite's")

VALUES = [
    None,
    dt.date(2025, 1, 2),
    dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    Decimal("12.30"),
    Decimal("-0.5"),
    Decimal("NaN"),
    1.5,
    3,
    "2025-01-02",
    "12.5",
    "不是数字",
]


def _outcome(convert, value):  # type: ignore[no-untyped-def]
    try:
        out = convert(value)
    except (ValidationError, ValueError, TypeError) as e:
        return ("error", type(e))
    return (type(out), repr(out))  # repr: NaN equals NaN


def test_the_shortcut_gives_what_the_field_gives():
    fields = [
        f
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if isinstance(f, models.DateField | models.DecimalField | models.FloatField)
    ]
    assert sum(isinstance(f, models.DecimalField) for f in fields) > 10
    assert sum(type(f) is models.DateField for f in fields) > 10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # naive datetimes given to DateTimeFields
        for field in fields:
            shortcut = _prepare_for_sqlite(field)
            for value in VALUES:
                expected = _outcome(lambda v, f=field: f.get_db_prep_save(v, connection), value)
                assert _outcome(shortcut, value) == expected, (field, value)
