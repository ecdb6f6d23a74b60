"""The bulk forecast and gaps (see the package) as one DuckDB query.

The year-by-year progression of forecast.py in closed form: a school's pupils in grade g of year
base + k come either from its base-year grade g - k (when k <= g - g0) or from its entry cohort of
year base + k - (g - g0), carried up by the product of the progression ratios on the way and
(1 + m) per year. Junior schools (first grade 7) take their entry from the district's grade 6 of
the year before, so the schools starting below grade 7 are projected first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ENTRY_AGE, GAP_KEYS, SCHOOL_KEYS, Params


def _projection(name: str, feed: str, junior: bool) -> str:
    """CTEs projecting the known schools whose first grade is (not) 7 or above; `feed` gives
    (district, school, year, feed) for every forecast year."""
    cond = "g0.g0 >= 7" if junior else "g0.g0 < 7"
    return f"""
{name}_targets AS (
  SELECT g.district, g.town, g.school, y.year, g.grade, y.year - b.base AS k, g0.g0, m.m
  FROM grades g JOIN g0 USING (district, school) JOIN base b USING (district)
  JOIN years y USING (district) JOIN school_m m USING (district, school)
  WHERE {cond}
),
{name}_anchored AS (
  SELECT t.*,
    CASE WHEN t.k <= t.grade - t.g0 THEN t.grade - t.k ELSE t.g0 END AS a,
    CASE WHEN t.k <= t.grade - t.g0 THEN t.k ELSE t.grade - t.g0 END AS steps,
    CASE WHEN t.k <= t.grade - t.g0 THEN coalesce(bv.pupils, 0)::DOUBLE
         ELSE e.entry * coalesce(f.feed, 0) END AS v
  FROM {name}_targets t
  LEFT JOIN known bv ON bv.district = t.district AND bv.school = t.school
    AND bv.year = t.year - t.k AND bv.grade = t.grade - t.k
  LEFT JOIN entry e ON e.district = t.district AND e.school = t.school
  LEFT JOIN {feed} f ON f.district = t.district AND f.school = t.school
    AND f.year = t.year - (t.grade - t.g0)
),
{name} AS (
  SELECT a.district, a.town, a.school, a.year, a.grade,
    CASE WHEN coalesce(c.n, 0) = a.grade - a.a
         THEN a.v * coalesce(c.p, 1.0) * pow(1 + a.m, a.steps) ELSE 0.0 END AS pupils
  FROM {name}_anchored a
  LEFT JOIN cumprod c ON c.district = a.district AND c.school = a.school AND c.a = a.a AND c.b = a.grade
)"""


def query(sources: Mapping[str, str], p: Params) -> tuple[str, str, str]:
    """(the shared head, the forecast's CTEs ending in `proj`, the gaps' CTEs ending in `gaps`) for
    the tables named in `sources` (SQL table expressions)."""
    ypp = p.yield_per_100
    cs = p.class_size
    # The horizon's years as a VALUES list (Spark's dialect has no two-argument `range` table).
    steps = ", ".join(f"({k})" for k in range(1, int(p.horizon) + 1))
    head = f"""
WITH
enrol AS (SELECT district, town, school, year, grade, pupils, classes FROM {sources["enrolment"]}
          WHERE grade BETWEEN 1 AND 9),
base AS (SELECT district, max(year) AS base FROM enrol GROUP BY district),
years AS (SELECT b.district, b.base + k.k AS year FROM base b, (VALUES {steps}) k(k)),
known_s AS (SELECT DISTINCT e.district, e.school FROM enrol e JOIN base b USING (district)
           WHERE e.year = b.base),
known AS (SELECT e.* FROM enrol e JOIN known_s USING (district, school)),
schools AS (SELECT district, school, any_value(town) AS town FROM enrol GROUP BY ALL)"""
    forecast = f"""
grades AS (SELECT district, school, any_value(town) AS town, grade FROM known
           GROUP BY district, school, grade),
g0 AS (SELECT district, school, min(grade) AS g0 FROM grades GROUP BY ALL),
mig AS (SELECT t.district, t.town, t.year, t.net_migration::DOUBLE / t.population AS rate
        FROM {sources["towns"]} t JOIN base b USING (district) WHERE t.population <> 0 AND t.year <= b.base),
school_m AS (
  SELECT s.district, s.school, coalesce(arg_max(mg.rate, mg.year), 0.0) AS m
  FROM known_s s JOIN schools USING (district, school)
  LEFT JOIN mig mg ON mg.district = s.district AND mg.town = schools.town GROUP BY ALL
),
school_years AS (SELECT DISTINCT district, school, year FROM known),
pairs AS (
  SELECT p.district, p.school, p.town, p.grade + 1 AS grade, p.year + 1 AS year,
    p.pupils AS before, coalesce(c.pupils, 0) AS after
  FROM known p
  JOIN school_years sy ON sy.district = p.district AND sy.school = p.school AND sy.year = p.year + 1
  LEFT JOIN known c ON c.district = p.district AND c.school = p.school AND c.year = p.year + 1
    AND c.grade = p.grade + 1
),
ratio_raw AS (
  SELECT pr.district, pr.school, pr.grade, sum(pr.after / (1 + coalesce(mg.rate, 0.0))) AS num,
    sum(pr.before) AS den
  FROM pairs pr LEFT JOIN mig mg ON mg.district = pr.district AND mg.town = pr.town AND mg.year = pr.year
  GROUP BY ALL
),
ratios AS (
  SELECT g.district, g.school, g.grade,
    CASE WHEN coalesce(r.den, 0) > 0 THEN r.num / r.den ELSE 1.0 END AS r
  FROM grades g JOIN g0 USING (district, school) LEFT JOIN ratio_raw r USING (district, school, grade)
  WHERE g.grade > g0.g0
),
cumprod AS (
  SELECT a.district, a.school, a.grade AS a, b.grade AS b, product(r.r) AS p, count(r.r) AS n
  FROM grades a JOIN grades b ON b.district = a.district AND b.school = a.school AND b.grade >= a.grade
  LEFT JOIN ratios r ON r.district = a.district AND r.school = a.school AND r.grade > a.grade
    AND r.grade <= b.grade
  GROUP BY ALL
),
births AS (SELECT district, town, year, births FROM {sources["towns"]} WHERE births IS NOT NULL),
g6_actual AS (SELECT district, year, sum(pupils)::DOUBLE AS n FROM known WHERE grade = 6 GROUP BY ALL),
feeders AS (
  SELECT sy.district, sy.school, sy.year,
    CASE WHEN g0.g0 < 7 THEN coalesce(bi.births, 0)::DOUBLE ELSE coalesce(g6.n, 0.0) END AS f,
    coalesce(c.pupils, 0) AS first
  FROM school_years sy JOIN g0 USING (district, school) JOIN schools USING (district, school)
  LEFT JOIN births bi ON bi.district = sy.district AND bi.town = schools.town
    AND bi.year = sy.year - {ENTRY_AGE}
  LEFT JOIN g6_actual g6 ON g6.district = sy.district AND g6.year = sy.year - 1
  LEFT JOIN known c ON c.district = sy.district AND c.school = sy.school AND c.year = sy.year
    AND c.grade = g0.g0
),
entry AS (
  SELECT district, school,
    CASE WHEN sum(f) FILTER (WHERE f > 0) > 0
         THEN sum(first) FILTER (WHERE f > 0) / sum(f) FILTER (WHERE f > 0) ELSE 0.0 END AS entry
  FROM feeders GROUP BY ALL
),
birth_feed AS (
  SELECT t.district, t.school, t.year,
    coalesce(rec.births::DOUBLE,
      (SELECT avg(x.births) FROM (SELECT b2.births FROM births b2
        WHERE b2.district = t.district AND b2.town = t.town AND b2.year <= t.year - {ENTRY_AGE}
        ORDER BY b2.year DESC LIMIT 3) x), 0.0) AS feed
  FROM (SELECT s.district, s.school, s.town, y.year FROM schools s JOIN known_s USING (district, school)
        JOIN years y USING (district)) t
  LEFT JOIN births rec ON rec.district = t.district AND rec.town = t.town AND rec.year = t.year - {ENTRY_AGE}
),
{_projection("primary_proj", "birth_feed", junior=False)},
g6_feed AS (
  SELECT y.district, y.year, coalesce(
    CASE WHEN y.year - 1 <= b.base
         THEN (SELECT n FROM g6_actual a WHERE a.district = y.district AND a.year = y.year - 1)
         ELSE (SELECT sum(pp.pupils) FROM primary_proj pp WHERE pp.district = y.district AND pp.grade = 6
               AND pp.year = y.year - 1) END, 0.0) AS feed
  FROM years y JOIN base b USING (district)
),
junior_feed AS (SELECT s.district, s.school, f.year, f.feed FROM known_s s JOIN g6_feed f USING (district)),
{_projection("junior_proj", "junior_feed", junior=True)},
proj AS (SELECT * FROM primary_proj UNION ALL SELECT * FROM junior_proj)"""
    gaps = f"""
staged AS (SELECT *, CASE WHEN grade <= 6 THEN 'primary' ELSE 'junior' END AS stage FROM proj),
demand_s AS (SELECT district, town, stage, year, sum(pupils) AS pupils FROM staged GROUP BY ALL),
per AS (SELECT * FROM (VALUES ('primary', {float(ypp.get("primary", 0.0))} / 100.0),
                              ('junior', {float(ypp.get("junior", 0.0))} / 100.0)) v(stage, per)),
housing_all AS (
  SELECT h.district, h.town, per.stage, y.year,
    sum(CASE WHEN h.completion_year > b.base AND h.completion_year <= y.year THEN h.households * per.per
             ELSE 0.0 END) AS added
  FROM {sources["housing"]} h JOIN base b USING (district) JOIN years y USING (district) CROSS JOIN per
  WHERE EXISTS (SELECT 1 FROM schools s WHERE s.district = h.district AND s.town = h.town)
  GROUP BY ALL
),
housing_y AS (
  SELECT * FROM housing_all h WHERE EXISTS (SELECT 1 FROM housing_all x WHERE x.district = h.district
    AND x.town = h.town AND x.stage = h.stage AND x.added <> 0)
),
demand AS (
  SELECT coalesce(d.district, h.district) AS district, coalesce(d.town, h.town) AS town,
    coalesce(d.stage, h.stage) AS stage, coalesce(d.year, h.year) AS year,
    coalesce(d.pupils, 0.0) + coalesce(h.added, 0.0) AS demand, coalesce(h.added, 0.0) AS housing
  FROM demand_s d FULL JOIN housing_y h ON h.district = d.district AND h.town = d.town
    AND h.stage = d.stage AND h.year = d.year
),
size AS (SELECT * FROM (VALUES ('primary', {float(cs["primary"])}),
                              ('junior', {float(cs["junior"])})) v(stage, size)),
cap AS (
  SELECT s.district, s.town, c.school, c.stage, c.classrooms * size.size AS places
  FROM {sources["capacity"]} c JOIN size USING (stage) JOIN schools s ON s.school = c.school
),
supply AS (SELECT district, town, stage, sum(places) AS places FROM cap GROUP BY ALL),
proj_places AS (
  SELECT s.district, s.town, p.school, p.stage, p.places, p.join_year
  FROM {sources["projects"]} p JOIN schools s ON s.school = p.school
),
added AS (
  SELECT d.district, d.town, d.stage, d.year, coalesce(sum(pp.places), 0) AS added
  FROM demand d LEFT JOIN proj_places pp ON pp.district = d.district AND pp.town = d.town
    AND pp.stage = d.stage AND pp.join_year <= d.year
  GROUP BY ALL
),
oversized AS (
  SELECT st.district, st.town, st.stage, st.year, sum(c.classes) AS n
  FROM staged st JOIN base b USING (district)
  JOIN known c ON c.district = st.district AND c.school = st.school AND c.year = b.base AND c.grade = st.grade
  WHERE c.classes > 0 AND st.pupils / c.classes >= {float(p.oversized_min)}
  GROUP BY ALL
),
school_stage AS (SELECT district, town, school, stage, year, sum(pupils) AS pupils FROM staged GROUP BY ALL),
over_cap AS (
  SELECT c.district, c.town, c.stage, y.year,
    count(*) FILTER (WHERE coalesce(ss.pupils, 0.0) > c.places + coalesce(
      (SELECT sum(pp.places) FROM proj_places pp WHERE pp.school = c.school AND pp.stage = c.stage
        AND pp.join_year <= y.year), 0)) AS n
  FROM cap c JOIN known_s USING (district, school) JOIN years y USING (district)
  LEFT JOIN school_stage ss ON ss.district = c.district AND ss.school = c.school AND ss.stage = c.stage
    AND ss.year = y.year
  GROUP BY ALL
),
gaps AS (
  SELECT d.district, d.town, d.stage, d.year, d.demand, d.housing,
    coalesce(sp.places, 0.0) + a.added AS places,
    coalesce(sp.places, 0.0) + a.added - d.demand AS gap,
    coalesce(o.n, 0)::BIGINT AS oversized_classes, coalesce(oc.n, 0)::BIGINT AS over_capacity_schools,
    (sp.places IS NOT NULL AND coalesce(sp.places, 0.0) + a.added - d.demand < -0.5) AS short
  FROM demand d JOIN added a USING (district, town, stage, year)
  LEFT JOIN supply sp USING (district, town, stage)
  LEFT JOIN oversized o USING (district, town, stage, year)
  LEFT JOIN over_cap oc USING (district, town, stage, year)
)"""
    return head, forecast, gaps


def run(con: Any, sources: Mapping[str, str], p: Params) -> tuple[Any, Any]:
    """(schools, gaps) as pandas frames, computed by DuckDB on `con`: the projection once into a
    temporary table, then the gaps from it."""
    head, forecast, gaps = query(sources, p)
    con.execute(f"CREATE OR REPLACE TEMP TABLE planning_bulk_proj AS {head}, {forecast} SELECT * FROM proj")
    schools = con.sql(
        "SELECT district, town, school, year, grade, pupils FROM planning_bulk_proj "
        f"ORDER BY {', '.join(SCHOOL_KEYS)}"
    ).df()
    frame = con.sql(
        f"{head}, proj AS (SELECT * FROM planning_bulk_proj), {gaps} "
        f"SELECT * FROM gaps ORDER BY {', '.join(GAP_KEYS)}"
    ).df()
    con.execute("DROP TABLE planning_bulk_proj")
    return schools, frame
