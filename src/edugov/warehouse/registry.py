"""Which operational tables the warehouse exports, and how each is partitioned. Another app adds
its tables with one call from its AppConfig.ready():

    from edugov.warehouse.registry import register_table
    register_table("homework", Homework, school_year="school_class__school_year",
                   area="school_class__school__area")
    register_table("tutoring_order", Order, day="paid_on", area="institution__area")

`school_year` and `area` are ORM paths to the row's SchoolYear and (town) Area foreign keys;
`day` (instead of `school_year`) is an ORM path to a date, for rows that follow the calendar year
rather than the school year (money). A table with any of them is partitioned by year and/or by
the district its area lies in.

Personal data stay in the operational database: encrypted columns are never exported, and a
registration lists the other columns it leaves out (`exclude`, field names).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from edugov.common.fields import EncryptedTextField


@dataclass(frozen=True)
class WarehouseTable:
    name: str
    model: type[models.Model]
    school_year: str | None = None  # ORM path to a SchoolYear FK
    area: str | None = None  # ORM path to an Area FK (any level; partitioned by its district)
    day: str | None = None  # ORM path to a date: partitioned by its calendar year
    exclude: tuple[str, ...] = ()  # field names left in the operational database

    @property
    def by_year(self) -> bool:
        return bool(self.school_year or self.day)

    @property
    def partitioned(self) -> bool:
        return bool(self.by_year or self.area)

    @property
    def fields(self) -> list[models.Field]:
        """The exported columns, in the model's order."""
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.exclude and not isinstance(f, EncryptedTextField)
        ]


_TABLES: dict[str, WarehouseTable] = {}


def register_table(
    name: str,
    model: type[models.Model],
    *,
    school_year: str | None = None,
    area: str | None = None,
    day: str | None = None,
    exclude: tuple[str, ...] = (),
) -> WarehouseTable:
    """Export `model` as warehouse table `name` (idempotent for the same registration)."""
    if school_year and day:
        raise ValueError(f"warehouse table {name!r}: partition by school year or by day, not both")
    names = {f.name for f in model._meta.concrete_fields}
    unknown = sorted(set(exclude) - names)
    if unknown:
        raise ValueError(f"warehouse table {name!r}: {model._meta.label} has no field {', '.join(unknown)}")
    table = WarehouseTable(name, model, school_year, area, day, tuple(exclude))
    existing = _TABLES.get(name)
    if existing is not None and existing != table:
        raise ValueError(f"warehouse table {name!r} is already registered for {existing.model._meta.label}")
    _TABLES[name] = table
    return table


def warehouse_tables() -> dict[str, WarehouseTable]:
    return dict(_TABLES)
