"""The peer of the indicator engine: the 优质均衡 resource indicators in plain pandas, written from
the definitions (STANDARDS.md §1), not from the engine's code, reading the same warehouse files.

Per counted school and stage: pupils, apportioned facilities, teachers; per unit the seven values;
per stage the student-weighted coefficient of variation. The whole evaluation over them (verdicts,
area values, guarantee items) is `pandas_peer_balanced`."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from edugov.warehouse.limit_files import table_files

COUNTED = {"primary", "junior", "nine_year", "complete_secondary", "twelve_year"}
INDICATORS = {  # code: (numerator, scale)
    "balanced.R1": ("above_qual_teachers", 100),
    "balanced.R2": ("backbone_teachers", 100),
    "balanced.R3": ("pe_art_teachers", 100),
    "balanced.R4": ("teaching_aux_area", 1),
    "balanced.R5": ("sports_area", 1),
    "balanced.R6": ("equipment_value", 1),
    "balanced.R7": ("multimedia_classrooms", 100),
}


FACILITIES = ("teaching_aux_area", "sports_area", "equipment_value", "multimedia_classrooms")
ROOMS = ("music_rooms", "art_rooms", "music_room_area", "art_room_area")


def read(warehouse: Path, table: str, columns: list[str], school_year_id: int | None = None) -> pd.DataFrame:
    """A table's files read with pandas; with `school_year_id`, that school year's partitions only
    where the table has them (edugov's questions and the limit line read the same files)."""
    files = table_files(warehouse, table, school_year_id)
    return pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)


def stage_of(grade: pd.Series) -> pd.Series:
    return pd.Series(
        np.select([grade <= 0, grade <= 6, grade <= 9], ["preschool", "primary", "junior"], "senior"),
        index=grade.index,
    )


class Frames(NamedTuple):
    """The area's counted schools and the year's classes, teachers and facilities, each read once
    for both the unit table and the guarantee facts."""

    school: pd.DataFrame  # school_id, area_id, school_type, is_teaching_point, locale
    cls: pd.DataFrame  # school_id, stage, pupils
    ty: pd.DataFrame  # one row per teacher of the year: school_id, stage and the year's record
    fac: pd.DataFrame  # the year's facilities, by school_id


def frames(warehouse: Path, *, school_year_id: int, area_path: str) -> Frames:
    area = read(warehouse, "area", ["id", "path"])
    school = read(
        warehouse,
        "school",
        ["id", "area_id", "school_type", "is_teaching_point", "locale", "archived_at"],
    )
    school = school[school.archived_at.isna() & school.school_type.isin(COUNTED)]
    school = school.merge(area.rename(columns={"id": "area_id"}), on="area_id")
    school = school[school.path.str.startswith(area_path)].rename(columns={"id": "school_id"})

    cls = read(
        warehouse,
        "school_class",
        ["school_id", "school_year_id", "grade", "boys", "girls", "archived_at"],
        school_year_id,
    )
    cls = cls[(cls.school_year_id == school_year_id) & cls.archived_at.isna()]
    cls = pd.DataFrame(
        {"school_id": cls.school_id, "stage": stage_of(cls.grade), "pupils": cls.boys + cls.girls}
    )

    teacher = read(warehouse, "teacher", ["id", "school_id", "archived_at"])
    teacher = teacher[teacher.archived_at.isna()][["id", "school_id"]].rename(columns={"id": "teacher_id"})
    ty = read(
        warehouse,
        "teacher_year",
        [
            "teacher_id", "school_year_id", "stage", "qualification", "backbone_level", "pe_art_subject",
            "has_certificate", "training_hours", "rotated",
        ],
        school_year_id,
    )  # fmt: skip
    ty = ty[ty.school_year_id == school_year_id].merge(teacher, on="teacher_id")

    fac = read(warehouse, "facilities", ["school_id", "school_year_id", *FACILITIES, *ROOMS], school_year_id)
    fac = fac[fac.school_year_id == school_year_id].drop(columns="school_year_id")
    return Frames(school, cls, ty, fac)


def balanced_units(
    warehouse: Path, *, school_year_id: int, area_path: str, min_point_students: int = 50
) -> pd.DataFrame:
    return units_of(frames(warehouse, school_year_id=school_year_id, area_path=area_path), min_point_students)


def units_of(f: Frames, min_point_students: int = 50) -> pd.DataFrame:
    cls = f.cls
    per_stage = cls.groupby(["school_id", "stage"], as_index=False).agg(
        students=("pupils", "sum"), classes=("pupils", "size")
    )
    per_school = cls.groupby("school_id", as_index=False).agg(school_students=("pupils", "sum"))

    units = f.school.merge(per_stage, on="school_id").merge(per_school, on="school_id")
    units = units[units.stage.isin(["primary", "junior"])]
    units = units[~units.is_teaching_point | (units.school_students >= min_point_students)].copy()
    units["share"] = np.where(
        units.school_students > 0,
        units.students / units.school_students.where(units.school_students > 0, 1),
        0.0,
    )

    reported = f.fac[["school_id", *FACILITIES]].assign(has_facilities=1)
    units = units.merge(reported, on="school_id", how="left")
    units["has_facilities"] = units.has_facilities.fillna(0).astype("int64")
    for col in FACILITIES:
        units[col] = (units[col].astype("float64") * units.share).fillna(0.0)

    ty = f.ty
    above = ((ty.stage == "primary") & ty.qualification.isin(["associate", "bachelor", "postgraduate"])) | (
        (ty.stage == "junior") & ty.qualification.isin(["bachelor", "postgraduate"])
    )
    ty = ty.assign(
        above=above,
        backbone=ty.backbone_level != "none",
        pe_art=ty.pe_art_subject != "",
        no_qual=ty.qualification == "",
    )
    tstats = ty.groupby(["school_id", "stage"], as_index=False).agg(
        teachers=("above", "size"),
        above_qual_teachers=("above", "sum"),
        backbone_teachers=("backbone", "sum"),
        pe_art_teachers=("pe_art", "sum"),
        teachers_without_qualification=("no_qual", "sum"),
    )
    units = units.merge(tstats, on=["school_id", "stage"], how="left")
    counts = ["teachers", "above_qual_teachers", "backbone_teachers", "pe_art_teachers"]
    for col in [*counts, "teachers_without_qualification"]:
        units[col] = units[col].fillna(0).astype("int64")
    return units


def indicator_values(units: pd.DataFrame) -> pd.DataFrame:
    out = units[["school_id", "stage", "students"]].copy()
    den = units.students.where(units.students > 0)
    for code, (num, scale) in INDICATORS.items():
        out[code] = units[num].astype("float64") * scale / den
    return out


def weighted_cv(units: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    cvs: dict[tuple[str, str], float | None] = {}
    for stage, u in units[units.students > 0].groupby("stage"):
        pop = u.students.astype("float64")
        for code, (num, _scale) in INDICATORS.items():
            res = u[num].astype("float64")
            xbar = res.sum() / pop.sum()
            var = ((pop / pop.sum()) * (res / pop - xbar) ** 2).sum()
            cvs[(str(stage), code)] = float(np.sqrt(var) / xbar) if xbar > 0 else None
    return cvs
