"""The planning tables the warehouse exports, and the province's forecast and places gaps on them:
the five tables of `planning.bulk` as DuckDB subqueries over the warehouse's views (the registry's
schools and classes, the towns' figures, housing, classrooms and projects), then the bulk query
(`bulk.duck.run`), the only definition of the figures. Planning holds no personal data."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .bulk import Params

# The warehouse's names of planning's tables (town figures and housing by their town's district,
# classrooms and projects by their school's; none has a school year).
TABLES = {
    "town_year": "planning_town_year",
    "housing": "planning_housing",
    "capacity": "planning_capacity",
    "project": "planning_project",
}


def register() -> None:
    from edugov.warehouse.registry import register_table

    from .models import HousingDevelopment, Project, SchoolCapacity, TownYear

    register_table(TABLES["town_year"], TownYear, area="area")
    register_table(TABLES["housing"], HousingDevelopment, area="area")
    register_table(TABLES["capacity"], SchoolCapacity, area="school__area")
    register_table(TABLES["project"], Project, area="school__area")


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def province_sources(views: Mapping[str, str], *, start_year: int, area_path: str) -> dict[str, str]:
    """The five tables of `planning.bulk` for every area under `area_path`, as `selectors.inputs`,
    `school_places` and `project_places` read them from the database, as DuckDB subqueries: the
    classes of the school years up to `start_year` (archived classes and schools left out), each
    row's district the district its town lies in. `views` maps area, school_year, school,
    school_class, town_year, housing, capacity and project to relations."""
    from edugov.registry.models import AreaLevel

    a, sy, s, c = (views[k] for k in ("area", "school_year", "school", "school_class"))
    ty, hd, cap, pj = (views[k] for k in ("town_year", "housing", "capacity", "project"))
    under = _text(area_path)

    # Each area under `area_path` and its district (the district-level area whose path starts its
    # path), worked out on the area table alone, so the rows join it by equality.
    districts = f"""(
          SELECT ta.id AS town, d.id AS district FROM {a} ta
          JOIN {a} d ON d.level = {int(AreaLevel.DISTRICT)} AND starts_with(ta.path, d.path)
          WHERE starts_with(ta.path, {under}))"""

    def district_of(area_id: str) -> str:
        return f"JOIN {districts} d ON d.town = {area_id}"

    # join_year(): a building completed by the end of August serves that autumn's school year.
    completion = "coalesce(p.completed_on, p.planned_completion)"
    return {
        "enrolment": f"""(
          SELECT d.district, s.area_id AS town, c.school_id AS school, y.start_year AS year,
                 c.grade, sum(c.boys + c.girls) AS pupils, count(*) AS classes
          FROM {c} c JOIN {sy} y ON y.id = c.school_year_id JOIN {s} s ON s.id = c.school_id
          {district_of("s.area_id")}
          WHERE c.archived_at IS NULL AND s.archived_at IS NULL AND c.grade BETWEEN 1 AND 9
            AND y.start_year <= {int(start_year)}
          GROUP BY ALL)""",
        "towns": f"""(
          SELECT d.district, t.area_id AS town, t.year, t.births, t.population, t.net_migration
          FROM {ty} t {district_of("t.area_id")})""",
        "housing": f"""(
          SELECT d.district, h.area_id AS town, h.completion_year, h.households
          FROM {hd} h {district_of("h.area_id")})""",
        # Classrooms and projects of every school: the bulk query keeps those of the schools it
        # forecasts (open schools under the area), as the pages' scoped reads do.
        "capacity": f"(SELECT k.school_id AS school, k.stage, k.classrooms FROM {cap} k)",
        "projects": f"""(
          SELECT p.school_id AS school, p.stage, p.places_added AS places,
                 year({completion}) + CASE WHEN month({completion}) > 8 THEN 1 ELSE 0 END AS join_year
          FROM {pj} p)""",
    }


def source_models() -> dict[str, Any]:
    """The models `province_sources` reads, by its names (the classes last)."""
    from edugov.registry.models import Area, School, SchoolClass, SchoolYear

    from .models import HousingDevelopment, Project, SchoolCapacity, TownYear

    return {
        "area": Area,
        "school_year": SchoolYear,
        "school": School,
        "town_year": TownYear,
        "housing": HousingDevelopment,
        "capacity": SchoolCapacity,
        "project": Project,
        "school_class": SchoolClass,
    }


def warehouse_views(views: Any, *, start_year: int) -> dict[str, str]:
    """The relations `province_sources` reads, from the warehouse's DuckDB state or its Spark views
    (`edugov.warehouse.spark.SparkViews`): the classes of the school years starting by
    `start_year` (their partitions only), every other table whole."""
    models = source_models()
    chosen = {k: views.view(m) for k, m in models.items()}
    classes = models["school_class"]
    years = [y for y in views.years(classes) if y <= start_year]
    if years:
        chosen["school_class"] = views.year_view(classes, *years)
    return chosen


def bulk_params(horizon: int = 5) -> Params:
    """The pages' norms (`selectors.norms`) as the bulk query's parameters."""
    from . import selectors
    from .bulk import params_from_norms

    return params_from_norms(selectors.norms(), horizon)


# The two tables the bulk query refers to in both its statements and several times in each.
HELD = ("enrolment", "towns")


def run_sources(con: Any, sources: Mapping[str, str], params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`bulk.duck.run` on `sources`, the enrolment and the towns' figures read once into temporary
    tables first: the bulk query refers to them in both its statements and several times in each,
    and a subquery over Parquet files would be read as many times (the other three, read once each,
    stay subqueries)."""
    from .bulk import duck

    held = {name: f"planning_wh_{name}" for name in HELD}
    try:
        for name, table in held.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {sources[name]}")
        return duck.run(con, {**sources, **held}, params)
    finally:
        for table in held.values():
            con.execute(f"DROP TABLE IF EXISTS {table}")


def province_forecast(
    *, directory: str | Path, school_year: Any, area: Any, horizon: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(schools, gaps) of `planning.bulk` for every district under `area`, each forecast from its
    latest school year up to `school_year`, on DuckDB over the warehouse (the views of
    `indicators.warehouse_duckdb`, made once per manifest)."""
    from edugov.indicators.warehouse_duckdb import warehouse_state

    state = warehouse_state(Path(directory))
    views = warehouse_views(state, start_year=school_year.start_year)
    sources = province_sources(views, start_year=school_year.start_year, area_path=area.path)
    return run_sources(state.con, sources, bulk_params(horizon))


def page_differences(overview: Any, gaps: pd.DataFrame, district: int) -> tuple[int, list[str]]:
    """(cells compared, differences as text) between the 学位预测 page's rows (`planning_overview`)
    and the bulk gaps of its district, rounded as the page rounds them; a bulk row the page has no
    cell for counts as a difference too."""
    from .bulk import first_short

    gaps = gaps[gaps["district"] == district]
    differ: list[str] = []
    short = first_short(gaps)
    cells = 0
    for r in overview.rows:
        mine = gaps[(gaps["town"] == r.town_id) & (gaps["stage"] == r.stage)].set_index("year")
        for c in r.cells:
            cells += 1
            if c["year"] not in mine.index:
                differ.append(f"{r.town}{r.stage_label}{c['year']}: missing")
                continue
            m = mine.loc[c["year"]]
            got = {
                "demand": round(float(m["demand"])),
                "places": round(float(m["places"])),
                "gap": round(float(m["gap"])),
                "oversized_classes": int(m["oversized_classes"]),
                "over_capacity_schools": int(m["over_capacity_schools"]),
            }
            differ += [
                f"{r.town}{r.stage_label}{c['year']} {key}: page {c[key]}, bulk {value}"
                for key, value in got.items()
                if c[key] != value
            ]
        if short.get((district, r.town_id, r.stage)) != r.first_short:
            differ.append(f"{r.town}{r.stage_label} first short: page {r.first_short}")
    if len(gaps) != cells:
        differ.append(f"{len(gaps)} bulk rows for {cells} cells of the page")
    return cells, differ


__all__ = [
    "TABLES",
    "bulk_params",
    "page_differences",
    "province_forecast",
    "province_sources",
    "register",
    "run_sources",
    "source_models",
    "warehouse_views",
]
