"""The area tree: a province, its cities, the districts of the requested scale, their towns."""

from __future__ import annotations

import math
from collections import defaultdict

from edugov.registry.models import Area, AreaLevel

from ...base import DemoContext
from .. import names as n
from ..people import IdentityFactory
from .plan import DISTRICTS_PER_CITY, STREET, TOWN, TOWNSHIP, PlannedSchool


class AreaSteps:
    """The builder's state, and the first steps: the area tree."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("registry")
        self.ids = IdentityFactory(ctx.rng("registry.identity"))
        self.plans: list[PlannedSchool] = []
        self.towns: list[Area] = []
        self.school_seq: dict[str, int] = defaultdict(int)
        self.district_serial: dict[str, int] = {}

    def district_sizes(self) -> list[float]:
        scale = self.ctx.scale
        if scale <= 1:
            return [scale]
        full = math.floor(scale)
        rest = round(scale - full, 3)
        return [1.0] * full + ([rest] if rest >= 0.05 else [])

    def build_areas(self, sizes: list[float]) -> tuple[Area, list[Area], list[tuple[Area, float]]]:
        province = Area(code=n.PROVINCE_CODE, name=n.PROVINCE_NAME, level=AreaLevel.PROVINCE, path="")
        province.path = province.compute_path()
        province.save()
        used = {n.FIRST_CITY, n.FIRST_DISTRICT}
        city_count = math.ceil(len(sizes) / DISTRICTS_PER_CITY)
        city_names = [n.FIRST_CITY, *n.place_names(self.rng, city_count - 1, exclude=used)]
        cities = [
            Area(code=f"39{i + 1:02d}00", name=f"{name}市", level=AreaLevel.CITY, parent=province)
            for i, name in enumerate(city_names)
        ]
        for city in cities:
            city.path = city.compute_path()
        Area.objects.bulk_create(cities)
        district_names = [n.FIRST_DISTRICT, *n.place_names(self.rng, len(sizes) - 1, exclude=used)]
        districts: list[tuple[Area, float]] = []
        for i, (name, size) in enumerate(zip(district_names, sizes, strict=True)):
            city = cities[i // DISTRICTS_PER_CITY]
            nth = i % DISTRICTS_PER_CITY
            # City districts first (区), then counties (县), as most prefecture-level cities are.
            suffix = "区" if nth < 3 else "县"
            code = f"{city.code[:4]}{nth + 2:02d}" if nth < 3 else f"{city.code[:4]}{nth + 19:02d}"
            district = Area(code=code, name=f"{name}{suffix}", level=AreaLevel.DISTRICT, parent=city)
            district.path = district.compute_path()
            districts.append((district, size))
        Area.objects.bulk_create([d for d, _ in districts])
        return province, cities, districts

    def town_kinds(self, size: float) -> list[str]:
        total = self.rng.randint(12, 14)  # the brief says 10-15; 12-14 keeps ~150 schools
        streets = round(total * 0.35)
        townships = round(total * 0.25)
        kinds = [STREET] * streets + [TOWN] * (total - streets - townships) + [TOWNSHIP] * townships
        if size >= 1:
            return kinds
        wanted = max(3, round(total * size))
        # Keep at least one of each kind so a small build still shows the urban-rural contrast.
        small = [STREET, TOWN, TOWNSHIP]
        rest = [k for k in kinds]
        for k in small:
            rest.remove(k)
        return small + rest[: wanted - 3]
