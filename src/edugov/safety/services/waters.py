"""The register of dangerous waters: where a water is (its location text and its map coordinates),
corrected by the safety office and checked against the district's extent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Min

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School

from .. import rules
from ..errors import SafetyError as E
from ..models import DangerousWater
from ..permissions import action
from .common import _text

MICRO = Decimal("0.000001")
Box = tuple[float, float, float, float]  # west, south, east, north


def degrees(raw: str | None, *, field: str, example: str) -> Decimal | None:
    """A coordinate typed on a form: blank is None, anything but a finite number is refused."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(E.COORDINATES_NUMBER, field=field, example=example) from None
    if not value.is_finite():
        raise DomainError(E.COORDINATES_NUMBER, field=field, example=example)
    return value


def district_box(area: Area) -> tuple[Box, bool]:
    """The box a water of `area` must lie in, and whether it is the district's: the district's
    located schools widened by the data's margin, or China's when none of them is located."""
    parts = [p for p in area.path.split("/") if p]
    prefixes = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    district = (
        Area.objects.filter(level=AreaLevel.DISTRICT, path__in=prefixes)
        .values_list("path", flat=True)
        .first()
    )
    b = School.objects.filter(
        area__path__startswith=district or area.path, longitude__isnull=False, latitude__isnull=False
    ).aggregate(w=Min("longitude"), s=Min("latitude"), e=Max("longitude"), n=Max("latitude"))
    if b["w"] is None:
        return rules.china_box(), False
    m = rules.water_margin_degrees()
    return (float(b["w"]) - m, float(b["s"]) - m, float(b["e"]) + m, float(b["n"]) + m), True


def _inside(lon: Decimal, lat: Decimal, box: Box, district: bool) -> None:
    west, south, east, north = box
    if not (west <= float(lon) <= east and south <= float(lat) <= north):
        code = E.OUTSIDE_DISTRICT if district else E.OUTSIDE_CHINA
        raise DomainError(
            code, west=f"{west:.2f}", east=f"{east:.2f}", south=f"{south:.2f}", north=f"{north:.2f}"
        )


@transaction.atomic
def water_place_set(
    *,
    actor: User,
    water: DangerousWater,
    location: str,
    longitude: Decimal | None,
    latitude: Decimal | None,
) -> DangerousWater:
    """Set or correct where a water is: the location in words (required) and its coordinates (both
    or neither; WGS-84 degrees inside the district's box). Audited with before and after; a
    refusal writes nothing."""
    ensure_can(actor, action("water_edit"), water)
    location = _text(location, field="位置", max_length=200)
    if (longitude is None) != (latitude is None):
        raise DomainError(E.COORDINATES_PAIR)
    if longitude is not None and latitude is not None:
        if not (longitude.is_finite() and latitude.is_finite()):
            raise DomainError(E.COORDINATES_NUMBER, field="经度", example="116.397128")
        box, district = district_box(water.area)
        _inside(longitude, latitude, box, district)
        longitude, latitude = longitude.quantize(MICRO), latitude.quantize(MICRO)
    water = DangerousWater.objects.select_for_update().get(pk=water.pk)
    before = {"location": water.location, "longitude": water.longitude, "latitude": water.latitude}
    after = {"location": location, "longitude": longitude, "latitude": latitude}
    changes = {k: [_plain(before[k]), _plain(v)] for k, v in after.items() if before[k] != v}
    if not changes:
        return water
    water.location, water.longitude, water.latitude = location, longitude, latitude
    water.save(update_fields=list(changes))
    audit_record(action=AuditAction.UPDATE, instance=water, changes=changes)
    return water


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value
