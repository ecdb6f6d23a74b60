"""The one registration point for data findings. Any module registers a finding source: a callable
that yields `Finding`s; `services.findings_sync(source=...)` turns them into rectification items,
one item per `cause_key`, reopening a closed item whose cause is found again.

    from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

    def homework_over_limit(ctx: FindingContext) -> Iterator[Finding]:
        for row in ...:
            yield Finding(
                cause_key=f"burden.homework_over_limit:{row.class_id}:{row.week}",
                source="burden.homework_over_limit",
                unit=Unit.school(row.school_id),
                title="……", evidence="……", severity="medium",
                required_action="……", department="basic_education",
            )

    register_finding_source("burden.homework_over_limit", homework_over_limit, label="作业超时")

Call `register_finding_source` from the module's AppConfig.ready(). See docs/rectification.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from edugov.accounts.models import Department, Role

from .models import Severity, UnitKind


@dataclass(frozen=True)
class Unit:
    """The responsible unit of a finding. Schools and areas are resolved from the registry; an
    institution (owned by the tutoring app) brings its name, area and coordinates along."""

    kind: str
    id: int
    name: str = ""
    area_id: int | None = None
    longitude: float | None = None
    latitude: float | None = None

    @classmethod
    def school(cls, school_id: int) -> Unit:
        return cls(kind=UnitKind.SCHOOL, id=school_id)

    @classmethod
    def area(cls, area_id: int) -> Unit:
        return cls(kind=UnitKind.AREA, id=area_id)

    @classmethod
    def institution(
        cls,
        institution_id: int,
        *,
        name: str,
        area_id: int,
        longitude: float | None = None,
        latitude: float | None = None,
    ) -> Unit:
        return cls(
            kind=UnitKind.INSTITUTION,
            id=institution_id,
            name=name,
            area_id=area_id,
            longitude=longitude,
            latitude=latitude,
        )


@dataclass(frozen=True)
class Finding:
    cause_key: str  # stable across recomputations; one item per key, ever
    source: str  # the registered source's name
    unit: Unit
    title: str
    evidence: str  # what the data shows, in Chinese
    severity: str  # Severity value
    required_action: str
    department: str  # Department value: who assigns and verifies
    deadline_days: int = 30
    data: Mapping[str, Any] = field(default_factory=dict)  # JSON-ready figures behind the evidence

    def check(self) -> None:
        if not self.cause_key or len(self.cause_key) > 200:
            raise ValueError(f"cause_key must be 1-200 characters: {self.cause_key!r}")
        if self.severity not in Severity.values:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.department not in Department.values:
            raise ValueError(f"unknown department {self.department!r}")
        if self.unit.kind not in UnitKind.values:
            raise ValueError(f"unknown unit kind {self.unit.kind!r}")
        if self.unit.kind == UnitKind.INSTITUTION and self.unit.area_id is None:
            raise ValueError("an institution unit needs its area_id")


@dataclass
class BureauReader:
    """Who a finding source reads as: the bureau of the area asked for (every district when none),
    through the same scoping point as the pages. Not frozen: the scoping point caches the
    reader's anchors on it."""

    area: Any = None
    is_authenticated: bool = True
    is_active: bool = True
    role: str = Role.DISTRICT_ADMIN
    school_id: None = None
    teacher_id: None = None
    institution_id: None = None
    pk: None = None  # no account: no scope grants to look up
    has_grants: bool = False
    is_read_only: bool = False

    @property
    def area_id(self) -> int | None:
        return None if self.area is None else self.area.pk

    @property
    def is_superuser(self) -> bool:
        return self.area is None


@dataclass(frozen=True)
class FindingContext:
    """What a source is asked for: findings under `area` (None: every district) as of `now`."""

    now: dt.datetime
    area: Any = None  # registry.Area or None

    def reader(self) -> Any:
        """The bureau of `area` as a reading actor (selectors take it where they take a user)."""
        return BureauReader(area=self.area)


FindingSourceFn = Callable[[FindingContext], Iterable[Finding]]


@dataclass(frozen=True)
class FindingSource:
    name: str
    fn: FindingSourceFn
    label: str
    item_source: str = "data"  # the items' ItemSource (overdue milestones: "task")


_SOURCES: dict[str, FindingSource] = {}


def register_finding_source(name: str, fn: FindingSourceFn, *, label: str, item_source: str = "data") -> None:
    """Register (or replace, so a reloaded app does not register twice) a finding source."""
    _SOURCES[name] = FindingSource(name=name, fn=fn, label=label, item_source=item_source)


def unregister_finding_source(name: str) -> None:
    _SOURCES.pop(name, None)


def finding_sources() -> list[FindingSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.name)


def get_finding_source(name: str) -> FindingSource | None:
    return _SOURCES.get(name)
