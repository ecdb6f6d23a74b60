"""District boundaries for the battle map: a deterministic generator of plausible town polygons
(Voronoi cells of the towns' school centroids, clipped to the district's bounding box) and the
validation of an uploaded GeoJSON boundary file, with Chinese errors."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied
from edugov.registry.models import Area, AreaLevel, School

from .models import Boundary

MAX_BOUNDARY_BYTES = 10 * 1024 * 1024
Point = tuple[float, float]


class BoundaryError(ErrorCode):
    TOO_LARGE = "边界文件超过{limit}MB"
    NOT_JSON = "边界文件不是合法的JSON（UTF-8编码）：{reason}"
    NOT_COLLECTION = "边界文件应为GeoJSON FeatureCollection（要素集合）"
    BAD_FEATURE = "第{n}个要素有误：{reason}"
    UNKNOWN_TOWN = "第{n}个要素的名称“{name}”不是本区县的乡镇（街道）"
    NO_FEATURES = "边界文件中没有任何要素"
    ROLE = "只有区县管理员可以上传边界文件"
    NO_TOWNS = "该区县没有带坐标的学校，无法生成边界"
    NO_FILE = "请选择边界文件（GeoJSON）"


def _clip(poly: list[Point], a: float, b: float, c: float) -> list[Point]:
    """Keep the part of `poly` where a*x + b*y <= c (Sutherland-Hodgman against one half-plane)."""
    out: list[Point] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(sites: list[Point], bbox: tuple[float, float, float, float]) -> list[list[Point]]:
    """The Voronoi cell of each site inside bbox (minx, miny, maxx, maxy)."""
    minx, miny, maxx, maxy = bbox
    cells = []
    for i, s in enumerate(sites):
        poly: list[Point] = [(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy)]
        for j, t in enumerate(sites):
            if i == j or t == s:
                continue
            # Points closer to s than to t: (t - s)·x <= (|t|² - |s|²) / 2
            a, b = t[0] - s[0], t[1] - s[1]
            c = (t[0] ** 2 + t[1] ** 2 - s[0] ** 2 - s[1] ** 2) / 2
            poly = _clip(poly, a, b, c)
            if not poly:
                break
        cells.append(poly)
    return cells


def generate_boundary(district: Area) -> dict[str, Any]:
    """A FeatureCollection of the district's towns, deterministic for the same schools."""
    towns = list(
        Area.objects.filter(parent=district, level=AreaLevel.TOWN, archived_at__isnull=True).order_by("code")
    )
    coords: dict[int, list[Point]] = defaultdict(list)
    for area_id, lon, lat in School.objects.filter(area__in=towns, longitude__isnull=False).values_list(
        "area_id", "longitude", "latitude"
    ):
        coords[area_id].append((float(lon or 0), float(lat or 0)))  # longitude set: filtered above
    located = [t for t in towns if coords[t.pk]]
    if not located:
        raise DomainError(BoundaryError.NO_TOWNS)
    sites = [
        (
            round(sum(p[0] for p in coords[t.pk]) / len(coords[t.pk]), 6),
            round(sum(p[1] for p in coords[t.pk]) / len(coords[t.pk]), 6),
        )
        for t in located
    ]
    # Nudge coincident sites apart so that every town keeps a cell.
    seen: dict[Point, int] = {}
    for i, s in enumerate(sites):
        k = seen.get(s, 0)
        seen[s] = k + 1
        if k:
            sites[i] = (s[0] + 0.003 * k, s[1] + 0.002 * k)
    xs = [p[0] for pts in coords.values() for p in pts]
    ys = [p[1] for pts in coords.values() for p in pts]
    pad_x, pad_y = max(0.02, (max(xs) - min(xs)) * 0.12), max(0.02, (max(ys) - min(ys)) * 0.12)
    bbox = (min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y)
    features = []
    for town, cell in zip(located, voronoi_cells(sites, bbox), strict=True):
        ring = [[round(x, 6), round(y, 6)] for x, y in cell]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": town.name, "code": town.code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "name": district.name, "features": features}


def _check_ring(ring: Any) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "多边形的环至少需要4个坐标点"
    for pt in ring:
        if not (isinstance(pt, list) and len(pt) >= 2 and all(isinstance(v, int | float) for v in pt[:2])):
            return "坐标应为[经度, 纬度]数字对"
        if not (-180 <= pt[0] <= 180 and -90 <= pt[1] <= 90):
            return "坐标超出经纬度范围"
    if ring[0][:2] != ring[-1][:2]:
        return "多边形的环应首尾闭合"
    return None


def validate_boundary(raw: bytes, *, district: Area) -> dict[str, Any]:
    """Parse and check an uploaded boundary file; every problem is a Chinese DomainError."""
    if len(raw) > MAX_BOUNDARY_BYTES:
        raise DomainError(BoundaryError.TOO_LARGE, limit=MAX_BOUNDARY_BYTES // (1024 * 1024))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(BoundaryError.NOT_JSON, reason=str(exc)[:60]) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise DomainError(BoundaryError.NOT_COLLECTION)
    if not data["features"]:
        raise DomainError(BoundaryError.NO_FEATURES)
    towns = set(Area.objects.filter(parent=district, level=AreaLevel.TOWN).values_list("name", flat=True))
    for n, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason="不是Feature对象")
        props = feature.get("properties") or {}
        name = props.get("name") if isinstance(props, dict) else None
        if not isinstance(name, str) or not name:
            raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason="缺少properties.name（乡镇名称）")
        if name not in towns:
            raise DomainError(BoundaryError.UNKNOWN_TOWN, n=n, name=name[:30])
        geom = feature.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason="几何类型应为Polygon或MultiPolygon")
        polys = [geom.get("coordinates")] if geom["type"] == "Polygon" else geom.get("coordinates")
        if not isinstance(polys, list) or not polys:
            raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason="缺少坐标")
        for poly in polys:
            if not isinstance(poly, list) or not poly:
                raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason="多边形坐标格式有误")
            for ring in poly:
                problem = _check_ring(ring)
                if problem:
                    raise DomainError(BoundaryError.BAD_FEATURE, n=n, reason=problem)
    return data


@transaction.atomic
def boundary_save(
    *,
    district: Area,
    geojson: dict[str, Any],
    user: Any = None,
    generated: bool = False,
    original_name: str = "",
    now: dt.datetime | None = None,
) -> Boundary:
    if not generated or user is not None:
        # Generated by the system (demo, command): no actor; a person generating or uploading one
        # must be allowed to, over that district.
        from . import permissions

        if not can(user, permissions.action("boundary_upload"), district):
            raise PermissionDenied(BoundaryError.ROLE)
    b = Boundary.objects.create(
        area=district,
        geojson=geojson,
        generated=generated,
        original_name=original_name[:200],
        uploaded_by=user if getattr(user, "pk", None) else None,
        uploaded_at=now or timezone.now(),
    )
    audit_record(
        action=AuditAction.CREATE,
        instance=b,
        changes={"features": len(geojson["features"]), "generated": generated, "file": original_name},
        area_path=district.path,
    )
    return b


def boundary_replace(
    *, actor: User, district: Area, upload: UploadedFile | None = None, generate: bool = False
) -> Boundary:
    """The administrator's new boundary for the district: generated from the schools' positions, or
    an uploaded GeoJSON file (its size checked before it is read, then validated against the
    district's towns). Permission is checked by boundary_save."""
    if generate:
        geojson = generate_boundary(district)
        return boundary_save(
            district=district, geojson=geojson, user=actor, generated=True, original_name="系统生成"
        )
    if upload is None:
        raise DomainError(BoundaryError.NO_FILE)
    if upload.size and upload.size > MAX_BOUNDARY_BYTES:
        raise DomainError(BoundaryError.TOO_LARGE, limit=MAX_BOUNDARY_BYTES // (1024 * 1024))
    data = validate_boundary(upload.read(), district=district)
    return boundary_save(district=district, geojson=data, user=actor, original_name=upload.name or "")


def boundary_for(district: Area) -> dict[str, Any] | None:
    b = Boundary.objects.filter(area=district).first()
    return b.geojson if b else None
