"""Schools of every type per town (crowded urban schools, shrinking rural ones, teaching points), saved
central schools first, and the second campuses of the biggest."""

from __future__ import annotations

import math
import random

from edugov.registry.models import Area, AreaLevel, Campus, School, locale_for_code

from .. import names as n
from .areas import AreaSteps
from .plan import (
    BATCH,
    PROFILES,
    REFERENCE_CENTRE,
    STREET,
    TOWN,
    TOWN_CODE_BASE,
    TOWN_CODES,
    TOWNSHIP,
    PlannedSchool,
    Site,
    _decimal,
)


class SchoolSteps(AreaSteps):
    def new_school(
        self,
        site: Site,
        *,
        spread: float,
        name: str,
        profile_key: str,
        urban_rural_code: str,
        ownership: str = "public",
        rural_staff: bool = False,
        boarding: bool = False,
        central: School | None = None,
        road: str = "",
        rng: random.Random | None = None,
    ) -> School:
        """A planned school; `rng` (a story school's own stream) instead of the registry's."""
        r = rng or self.rng
        district, town, centre = site.district, site.town, site.centre
        profile = PROFILES[profile_key]
        self.school_seq[district.code] += 1
        # 学校标识码: 1 + province (2) + district serial (3) + school serial (4); simplified layout.
        serial = self.district_serial[district.code]
        code = f"1{district.code[:2]}{serial:03d}{self.school_seq[district.code]:04d}"
        lon = centre[0] + r.uniform(-spread, spread)
        lat = centre[1] + r.uniform(-spread, spread) * 0.85
        school = School(
            code=code,
            name=name,
            school_type=profile.school_type,
            ownership=ownership,
            urban_rural_code=urban_rural_code,
            locale=locale_for_code(urban_rural_code),  # bulk_create skips School.save()
            area=town,
            address=f"{n.PROVINCE_NAME}{district.parent.name if district.parent else ''}{district.name}"
            f"{town.name}{road or self.road(r)}{r.randint(1, 399)}号",
            longitude=_decimal(lon),
            latitude=_decimal(lat),
            boarding=boarding,
            is_teaching_point=central is not None,
            central_school=central,
        )
        low, high = profile.classes_per_grade
        self.plans.append(
            PlannedSchool(
                school=school,
                profile=profile,
                rural_staff=rural_staff,
                classes_per_grade=r.randint(low, high),
                rng=rng,
            )
        )
        return school

    def road(self, rng: random.Random | None = None) -> str:
        r = rng or self.rng
        names = [
            "人民",
            "解放",
            "建设",
            "中山",
            "文化",
            "新华",
            "胜利",
            "和平",
            "学府",
            "青年",
            "滨江",
            "朝阳",
        ]
        return r.choice(names) + r.choice(["路", "大道", "街"])

    def build_district(self, district: Area, size: float, index: int) -> None:
        rng = self.rng
        root = district.name[:-1]
        # Districts sit side by side on a grid about 0.6 degrees apart.
        dcentre = (REFERENCE_CENTRE[0] + (index % 8) * 0.6, REFERENCE_CENTRE[1] + (index // 8) * 0.5)
        self.district_serial[district.code] = index + 1
        kinds = self.town_kinds(size)
        roots = {
            STREET: n.Pool(rng, n.STREET_ROOTS),
            TOWN: n.Pool(rng, n.TOWN_ROOTS),
            TOWNSHIP: n.Pool(rng, n.TOWNSHIP_ROOTS),
        }
        villages = n.Pool(rng, n.VILLAGES)
        brands = n.Pool(rng, n.KINDERGARTEN_BRANDS)
        seq = {STREET: 0, TOWN: 0, TOWNSHIP: 0}
        towns: list[tuple[Area, str, tuple[float, float]]] = []
        for kind in kinds:
            seq[kind] += 1
            town = Area(
                code=f"{district.code}{TOWN_CODE_BASE[kind] + seq[kind]:03d}",
                name=f"{roots[kind].take()}{kind}",
                level=AreaLevel.TOWN,
                parent=district,
            )
            town.path = town.compute_path()
            # Streets ring the centre; towns and townships lie further out.
            radius = {STREET: 0.03, TOWN: 0.12, TOWNSHIP: 0.2}[kind]
            angle = rng.uniform(0, 2 * math.pi)
            centre = (dcentre[0] + radius * math.cos(angle), dcentre[1] + radius * math.sin(angle))
            towns.append((town, kind, centre))
        Area.objects.bulk_create([t for t, _, _ in towns])
        self.towns.extend(t for t, _, _ in towns)

        numbered = {"primary": 0, "junior": 1, "kg": 0}  # 第一中学 is the complete secondary school

        def numbered_name(kind: str, noun: str) -> str:
            numbered[kind] += 1
            return f"{root}{district.name[-1]}第{n.chinese_number(numbered[kind])}{noun}"

        first_street = towns[0]
        # District-wide secondary, vocational and special schools sit in the first street.
        if size >= 0.5 or index == 0:
            t, _, c = first_street
            site = Site(district, t, c)
            self.new_school(
                site,
                name=f"{district.name}第一中学",
                profile_key="complete_secondary",
                spread=0.01,
                urban_rural_code="111",
            )
            if size >= 0.5:
                self.new_school(
                    site,
                    name=f"{district.name}高级中学",
                    profile_key="senior",
                    boarding=True,
                    spread=0.01,
                    urban_rural_code="111",
                )
                self.new_school(
                    site,
                    name=f"{district.name}职业中等专业学校",
                    profile_key="vocational",
                    boarding=True,
                    spread=0.01,
                    urban_rural_code="111",
                )
                self.new_school(
                    site,
                    name=f"{district.name}特殊教育学校",
                    profile_key="special",
                    spread=0.01,
                    urban_rural_code="111",
                )

        for town, kind, centre in towns:
            tname = town.name
            codes = TOWN_CODES[kind]
            site = Site(district, town, centre)
            if kind == STREET:
                code = codes[0] if rng.random() < 0.75 else codes[1]
                for i in range(rng.randint(3, 5)):
                    crowded = i == 0 or rng.random() < 0.45
                    # The district's first primary school is its 实验小学 (the demo's school1).
                    name = f"{district.name}实验小学" if town is towns[0][0] and i == 0 else None
                    self.new_school(
                        site,
                        name=name or numbered_name("primary", "小学"),
                        profile_key="crowded_primary" if crowded else "urban_primary",
                        urban_rural_code=code if i else "111",
                        spread=0.012,
                    )
                for _ in range(rng.randint(1, 2)):
                    self.new_school(
                        site,
                        name=numbered_name("junior", "中学"),
                        profile_key="crowded_junior" if rng.random() < 0.5 else "urban_junior",
                        urban_rural_code=code,
                        spread=0.012,
                    )
                for _ in range(rng.randint(3, 4)):
                    self.new_school(
                        site,
                        name=numbered_name("kg", "幼儿园"),
                        profile_key="urban_kg",
                        urban_rural_code=code,
                        spread=0.015,
                    )
                for _ in range(rng.randint(5, 7)):
                    self.new_school(
                        site,
                        name=f"{tname[:-2]}{brands.take()}幼儿园",
                        profile_key="private_kg",
                        ownership="private",
                        urban_rural_code=code,
                        spread=0.015,
                    )
            elif kind == TOWN:
                central = self.new_school(
                    site,
                    name=f"{tname}中心小学", profile_key="town_central_primary",
                    urban_rural_code="121", spread=0.008,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中学", profile_key="town_junior", urban_rural_code="121",
                    boarding=rng.random() < 0.6, rural_staff=rng.random() < 0.3, spread=0.008,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中心幼儿园",
                    profile_key="town_kg",
                    urban_rural_code="121",
                    spread=0.01,
                )
                for _ in range(rng.randint(2, 3)):
                    self.new_school(
                    site,
                        name=f"{tname}{brands.take()}幼儿园", profile_key="private_kg", ownership="private",
                        urban_rural_code="122", spread=0.02,
                    )  # fmt: skip
                for _ in range(rng.randint(2, 3)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}小学", profile_key="village_primary", urban_rural_code="220",
                        rural_staff=True, spread=0.06, road=f"{village}村",
                    )  # fmt: skip
                for _ in range(rng.randint(2, 4)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}教学点", profile_key="teaching_point", urban_rural_code="220",
                        rural_staff=True, central=central, spread=0.07, road=f"{village}村",
                    )  # fmt: skip
            else:
                central = self.new_school(
                    site,
                    name=f"{tname}中心学校", profile_key="township_nine_year", urban_rural_code="210",
                    rural_staff=True, boarding=True, spread=0.006,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中心幼儿园", profile_key="rural_kg", urban_rural_code="210",
                    rural_staff=True, spread=0.01,
                )  # fmt: skip
                for _ in range(rng.randint(1, 2)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}小学", profile_key="village_primary", urban_rural_code="220",
                        rural_staff=True, spread=0.06, road=f"{village}村",
                    )  # fmt: skip
                for _ in range(rng.randint(2, 4)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}教学点", profile_key="teaching_point", urban_rural_code="220",
                        rural_staff=True, central=central, spread=0.08, road=f"{village}村",
                    )  # fmt: skip

    def build_story_schools(self, district: Area) -> None:
        """The first district's two story schools, drawn from a stream of their own and saved after
        every other school, so no other school's code, key or rows move: a village school of about
        40 pupils near its town's central primary school (a merge candidate on planning's layout
        page) and a private nine-year school in the first street (private compulsory pupils against
        the cap). Called after save_schools()."""
        rng = self.ctx.rng("registry.story")
        towns = [t for t in self.towns if t.parent is district]
        town = next((t for t in towns if t.name.endswith(TOWN)), None)
        street = next((t for t in towns if t.name.endswith(STREET)), None)
        story: list[School] = []
        central = next(
            (
                p.school
                for p in self.plans
                if p.school.area is town and p.profile is PROFILES["town_central_primary"]
            ),
            None,
        )
        if town is not None and central is not None:
            taken = " ".join(p.school.name + p.school.address for p in self.plans if p.school.area is town)
            village = next((v for v in n.Pool(rng, n.VILLAGES).names if v not in taken), "后山")
            story.append(
                self.new_school(
                    Site(district, town, _centre(central)),
                    name=f"{town.name}{village}小学",
                    profile_key="small_village_primary",
                    urban_rural_code="220",
                    rural_staff=True,
                    spread=0.03,
                    road=f"{village}村",
                    rng=rng,
                )
            )
        first = next((p.school for p in self.plans if p.school.area is street), None)
        if street is not None and first is not None:
            brand = rng.choice(["博文", "育英", "启明", "明德", "致远"])
            story.append(
                self.new_school(
                    Site(district, street, _centre(first)),
                    name=f"{district.name}{brand}外国语学校",
                    profile_key="private_nine_year",
                    ownership="private",
                    urban_rural_code="111",
                    spread=0.012,
                    rng=rng,
                )
            )
        School.objects.bulk_create(story)

    def save_schools(self) -> None:
        # Central schools first, so teaching points can point at saved rows.
        plans = self.plans
        School.objects.bulk_create(
            [p.school for p in plans if not p.school.is_teaching_point], batch_size=BATCH
        )
        for p in plans:
            if p.school.central_school is not None:
                p.school.central_school_id = p.school.central_school.pk
        School.objects.bulk_create([p.school for p in plans if p.school.is_teaching_point], batch_size=BATCH)

    def build_campuses(self) -> None:
        """Big crowded urban schools opened a second campus to cope."""
        big = [
            p
            for p in self.plans
            if p.profile in (PROFILES["crowded_primary"], PROFILES["complete_secondary"])
        ]
        campuses: list[Campus] = []
        for p in big[::4]:
            s = p.school
            assert s.longitude is not None and s.latitude is not None
            campuses.append(
                Campus(school=s, name="本部", address=s.address, longitude=s.longitude, latitude=s.latitude)
            )
            town_prefix = s.address.split(s.area.name)[0] + s.area.name
            campuses.append(
                Campus(
                    school=s,
                    name=self.rng.choice(["东校区", "西校区", "南校区", "北校区", "新校区"]),
                    address=f"{town_prefix}{self.road()}{self.rng.randint(1, 299)}号",
                    longitude=s.longitude + _decimal(self.rng.uniform(-0.01, 0.01)),
                    latitude=s.latitude + _decimal(self.rng.uniform(-0.01, 0.01)),
                )
            )
        Campus.objects.bulk_create(campuses)
        self.ctx.count("校区", len(campuses))


def _centre(school: School) -> tuple[float, float]:
    assert school.longitude is not None and school.latitude is not None
    return float(school.longitude), float(school.latitude)
