"""Straight-line distances (haversine, km) on the WGS-84 mean radius, and radius rings as lon/lat
points for the map: no road network is available offline, so service radii are straight lines."""

from __future__ import annotations

import math

EARTH_KM = 6371.0088


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def ring(lon: float, lat: float, radius_km: float, points: int = 36) -> list[list[float]]:
    """A closed circle of `radius_km` around a point, as [lon, lat] pairs (small-distance approximation)."""
    dlat = radius_km / 111.195
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    out = []
    for k in range(points + 1):
        t = 2 * math.pi * k / points
        out.append([round(lon + dlon * math.cos(t), 6), round(lat + dlat * math.sin(t), 6)])
    return out
