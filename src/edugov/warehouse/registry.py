"""Which operational tables the warehouse exports, and how each is partitioned. Another app adds
its tables with one call from its AppConfig.ready():

    from edugov.warehouse.registry import register_table
    register_table("homework", Homework, school_year="school_year", area="school_class__school__area")

`school_year` and `area` are ORM paths to the row's SchoolYear and (town) Area foreign keys;
a table with either is partitioned by school year and/or by the district its area lies in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class WarehouseTable:
    name: str
    model: type[models.Model]
    school_year: str | None = None  # ORM path to a SchoolYear FK
    area: str | None = None  # ORM path to an Area FK (any level; partitioned by its district)

    @property
    def partitioned(self) -> bool:
        return bool(self.school_year or self.area)


_TABLES: dict[str, WarehouseTable] = {}


def register_table(
    name: str, model: type[models.Model], *, school_year: str | None = None, area: str | None = None
) -> WarehouseTable:
    """Export `model` as warehouse table `name` (idempotent for the same registration)."""
    table = WarehouseTable(name, model, school_year, area)
    existing = _TABLES.get(name)
    if existing is not None and existing != table:
        raise ValueError(f"warehouse table {name!r} is already registered for {existing.model._meta.label}")
    _TABLES[name] = table
    return table


def warehouse_tables() -> dict[str, WarehouseTable]:
    return dict(_TABLES)
