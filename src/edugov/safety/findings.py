"""The safety app's finding source for the rectification loop: a town or school whose grid has
cells without a responsible person (格中无人). Hazards become items directly when they are recorded
(services.inspection_record), not through a source."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from .models import GridCell

CELLS_WITHOUT_PERSON = "safety.cells_without_person"


def cells_without_person(ctx: FindingContext) -> Iterator[Finding]:
    cells = GridCell.objects.all()
    if ctx.area is not None:
        cells = cells.filter(area__path__startswith=ctx.area.path)
    rows = (
        cells.values("area_id", "area__name", "school_id", "school__name")
        .annotate(total=Count("pk"), without=Count("pk", filter=Q(person_name="")))
        .filter(without__gt=0)
        .order_by("area_id", "school_id")
    )
    for r in rows:
        school = r["school_id"]
        name = r["school__name"] or r["area__name"]
        yield Finding(
            cause_key=f"{CELLS_WITHOUT_PERSON}:{'school' if school else 'area'}:{school or r['area_id']}",
            source=CELLS_WITHOUT_PERSON,
            unit=Unit.school(school) if school else Unit.area(r["area_id"]),
            title=f"{name}有{r['without']}个安全网格未落实网格员",
            evidence=f"{name}共{r['total']}个安全网格，其中{r['without']}个没有网格员（格中无人）。",
            severity="medium",
            required_action="为每个网格落实网格员及联系电话，做到格中有人、人人有责。",
            department=Department.SAFETY,
            deadline_days=15,
            data={"cells": r["total"], "without": r["without"]},
        )


def register() -> None:
    register_finding_source(CELLS_WITHOUT_PERSON, cells_without_person, label="安全网格未落实网格员")
