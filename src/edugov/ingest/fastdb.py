"""Bulk writes for large imports straight through the DB cursor: COPY on PostgreSQL,
executemany elsewhere. Used by the import engine only, inside its transaction; the engine logs
every row itself (bulk writes bypass model signals)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 20_000
_PLAIN = (
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _chunks(rows: Iterable[Sequence[Any]], size: int = CHUNK) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def preparers(model: type[models.Model], attnames: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """Per column, None when the Python value goes to the driver as it is."""
    out: list[Callable[[Any], Any] | None] = []
    for name in attnames:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        if isinstance(field, models.JSONField):
            out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False, default=str))
        elif isinstance(field, _PLAIN) or is_postgres():
            out.append(None)
        else:
            out.append(_prepare_for_sqlite(field))
    return out


def _prepare_for_sqlite(field: models.Field) -> Callable[[Any], Any]:
    """The field's own conversion (`get_db_prep_save`), with its result given at once for the plain
    values an import or the demo hands over: a date, a finite Decimal, a float (on SQLite the field
    turns them into the ISO date, the same Decimal and the same float; Django's adapter writes the
    Decimal as text). A datetime, a string or any other value takes the field's own way."""
    slow = functools.partial(field.get_db_prep_save, connection=connection)
    if isinstance(field, models.DateTimeField):
        return slow
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if type(v) is dt.date else slow(v)
    if isinstance(field, models.DecimalField):
        return lambda v: v if type(v) is Decimal and v.is_finite() else slow(v)
    if isinstance(field, models.FloatField):
        return lambda v: v if type(v) is float else slow(v)
    return slow


def _prepared(
    rows: Iterable[Sequence[Any]], preps: list[Callable[[Any], Any] | None]
) -> Iterator[Sequence[Any]]:
    if not any(preps):
        yield from rows
        return
    pairs = [(i, p) for i, p in enumerate(preps) if p is not None]
    for row in rows:
        out = list(row)
        for i, p in pairs:
            out[i] = p(out[i])
        yield out


def _columns(model: type[models.Model], attnames: Sequence[str]) -> list[str]:
    by_att = {f.attname: f.column for f in model._meta.concrete_fields}
    return [by_att[a] for a in attnames]


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (tuples in `attnames` order); returns the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = [connection.ops.quote_name(c) for c in _columns(model, attnames)]
    preps = preparers(model, attnames)
    count = 0
    with connection.cursor() as cursor:
        if is_postgres():
            sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in _prepared(rows, preps):
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        for chunk in _chunks(_prepared(rows, preps)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def update_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """rows: (pk, *values in attnames order)."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = _columns(model, attnames)
    preps = [None, *preparers(model, attnames)]
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in cols)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
    count = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(_prepared(rows, preps)):
            cursor.executemany(sql, [(*r[1:], r[0]) for r in chunk])
            count += len(chunk)
    return count


class IdAllocator:
    """Primary keys for new rows, known before they are inserted, so that row logs and rows that
    refer to rows created in the same file can carry them. PostgreSQL draws them from the
    sequence; SQLite holds the write lock for the whole import (BEGIN IMMEDIATE), so max+1 is safe."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._buffer: list[int] = []
        self._next = 0
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if is_postgres():
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
                self._sequence = cursor.fetchone()[0]
            else:
                cursor.execute(f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) FROM {table}")
                top = cursor.fetchone()[0] or 0
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    seq = cursor.fetchone()
                    top = max(top, seq[0] if seq else 0)
                self._next = top + 1

    def take(self, n: int) -> Iterable[int]:
        if n <= 0:
            return ()
        if not is_postgres():
            start = self._next
            self._next += n
            return range(start, start + n)
        out = array("q")
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequence, n])
            while batch := cursor.fetchmany(50_000):
                out.extend(r[0] for r in batch)
        return out
