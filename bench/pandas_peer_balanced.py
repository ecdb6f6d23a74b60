"""The peer of the 优质均衡 evaluation: what a data officer would script in plain pandas over the same
warehouse files, written from the definitions (STANDARDS.md §1), not from the engine's code, to
give what the evaluation gives.

Per counted school and stage the seven values (`pandas_peer`), each against its standard for the
stage and the school's locale, and the school's verdict (at least `min_met` met, every unmet one at
least `remaining` of its standard); the data-quality findings; per stage the CVs; per town and for
the district the values of summed numerators and denominators; per school the guarantee facts and
the items each fails (rooms, size, class size, training, certificates), and the district's
rotation. The standards are passed in (`Rules`), as the officer copies them from the documents.
The result is a digest keyed like `bench.province`'s (`unit|`, `verdict|`, `finding|`, `cv|`,
`town|`, `district|`, `guarantee|`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.pandas_peer import INDICATORS, Frames, frames, units_of, weighted_cv

PRECISION = 9  # as the evaluation shows its figures
STAGES = ("primary", "junior")


@dataclass(frozen=True)
class Rules:
    standards: dict[tuple[str, str], tuple[float, ...]]  # (stage, locale): the seven, INDICATORS' order
    min_met: int
    remaining: float
    class_limits: tuple[float, float]  # primary, junior
    training_hours: float
    rooms_per_classes: float
    music_room_area: float
    art_room_area: float
    school_size: dict[str, float]  # by school type
    certified_share: float
    rotation_share: float
    rotation_backbone_share: float


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if v != v else round(float(v), PRECISION) for v in values]


def verdicts(units: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each unit's seven values, rounded as shown, against its standards; met count and verdict
    (None: a value is missing)."""
    den = units.students.where(units.students > 0).astype("float64").to_numpy()
    values = np.column_stack(
        [units[num].astype("float64").to_numpy() * scale / den for num, scale in INDICATORS.values()]
    ).round(PRECISION)
    keys = list(zip(units.stage, units.locale, strict=True))
    standards = np.array([rules.standards[k] for k in keys], dtype="float64").reshape(len(units), 7)
    missing = np.isnan(values).any(axis=1)
    met = values >= standards
    ratio = np.divide(values, standards, out=np.zeros_like(values), where=standards != 0)
    low = (~met & (ratio < rules.remaining)).any(axis=1)
    met_count = met.sum(axis=1)
    passed = np.where(missing, None, (met_count >= rules.min_met) & ~low)
    return pd.DataFrame(
        {
            "school_id": units.school_id.to_numpy(),
            "stage": units.stage.to_numpy(),
            "values": list(values),
            "met_count": met_count,
            "passed": passed,
        }
    )


def area_values(units: pd.DataFrame, by: list[str]) -> dict[tuple[Any, ...], list[Any]]:
    """Per group of units with pupils: the pupils and the seven values of summed figures."""
    counted = units[units.students > 0]
    sums = counted.groupby(by)[["students", *(num for num, _ in INDICATORS.values())]].sum()
    out = {}
    for key, row in sums.iterrows():
        pupils = float(row.students)
        values = [
            float(row[num]) * scale / pupils if pupils > 0 else float("nan")
            for num, scale in INDICATORS.values()
        ]
        out[key if isinstance(key, tuple) else (key,)] = [int(row.students), _rounded(np.array(values))]
    return out


def facts_of(f: Frames, rules: Rules) -> pd.DataFrame:
    """Per counted school with primary or junior classes: pupils, classes, the largest class and
    those over the limit in those stages; teachers of the year; music and art rooms."""
    comp = f.cls[f.cls.stage.isin(STAGES)]
    limit = np.where(comp.stage == "primary", *rules.class_limits)
    comp = comp.assign(over=comp.pupils.to_numpy() > limit)
    classes = comp.groupby("school_id", as_index=False).agg(
        compulsory_students=("pupils", "sum"),
        compulsory_classes=("pupils", "size"),
        max_class_size=("pupils", "max"),
        classes_over=("over", "sum"),
    )
    ty = f.ty
    backbone = ty.backbone_level != "none"
    ty = ty.assign(
        trained=ty.training_hours.astype("float64") >= rules.training_hours,
        rotated_backbone=ty.rotated & backbone,
    )
    teachers = ty.groupby("school_id", as_index=False).agg(
        teachers=("stage", "size"),
        certified=("has_certificate", "sum"),
        trained=("trained", "sum"),
        rotated=("rotated", "sum"),
        rotated_backbone=("rotated_backbone", "sum"),
    )
    facts = f.school[["school_id", "school_type"]].merge(classes, on="school_id")
    rooms = f.fac[["school_id", "music_rooms", "art_rooms", "music_room_area", "art_room_area"]]
    facts = facts.merge(rooms, on="school_id", how="left").merge(teachers, on="school_id", how="left")
    return facts.fillna({c: 0 for c in facts.columns if c not in ("school_id", "school_type")})


def guarantee(facts: pd.DataFrame, rules: Rules) -> dict[str, list[Any]]:
    """Per item: schools checked, the failing schools' ids, failures."""
    need = np.ceil(facts.compulsory_classes / rules.rooms_per_classes)

    def short(rooms: pd.Series, area: pd.Series, minimum: float) -> pd.Series:
        small = (rooms > 0) & (area.astype("float64") / rooms.where(rooms > 0, 1) < minimum)
        return (rooms < need) | small

    teachers = facts.teachers
    failing = {
        "balanced.G3.rooms_per_classes": short(
            facts.music_rooms, facts.music_room_area, rules.music_room_area
        )
        | short(facts.art_rooms, facts.art_room_area, rules.art_room_area),
        "balanced.G4.school_size": facts.compulsory_students > facts.school_type.map(rules.school_size),
        "balanced.G5.class_size": facts.classes_over > 0,
        "balanced.G9.training_hours_per_year": (teachers > 0) & (facts.trained < teachers),
        "balanced.G12.certified_share": (teachers > 0)
        & (facts.certified / teachers.where(teachers > 0, 1) < rules.certified_share),
    }
    out: dict[str, list[Any]] = {
        code: [len(facts), sorted(int(i) for i in facts.school_id[mask]), int(mask.sum())]
        for code, mask in failing.items()
    }
    total, rotated, backbone = (int(facts[c].sum()) for c in ("teachers", "rotated", "rotated_backbone"))
    share = rotated / total if total else 0.0
    backbone_share = backbone / rotated if rotated else 0.0
    failures = int(share < rules.rotation_share) + int(backbone_share < rules.rotation_backbone_share)
    out["balanced.G11.rotation_share"] = [1, [], failures]
    return out


def evaluate(
    warehouse: Path, *, school_year_id: int, area_path: str, rules: Rules, min_points: int
) -> dict[str, Any]:
    """The digest of the area's 优质均衡 evaluation."""
    f = frames(warehouse, school_year_id=school_year_id, area_path=area_path)
    units = units_of(f, min_points)
    digest: dict[str, Any] = {}
    for r in verdicts(units, rules).itertuples(index=False):
        key = f"{int(r.school_id)}|{r.stage}"
        digest[f"unit|{key}"] = [None if v != v else float(v) for v in r.values]
        digest[f"verdict|{key}"] = [None if r.passed is None else bool(r.passed), int(r.met_count)]
    findings = (
        (units.students == 0).astype(int)
        + (units.has_facilities == 0).astype(int)
        + ((units.teachers == 0) | (units.teachers_without_qualification > 0)).astype(int)
    )
    for sid, stage, n in zip(units.school_id, units.stage, findings, strict=True):
        if n:
            digest[f"finding|{int(sid)}|{stage}"] = int(n)
    digest |= {
        f"cv|{stage}|{code}": None if v is None else round(v, PRECISION)
        for (stage, code), v in weighted_cv(units).items()
    }
    digest |= {f"town|{int(t)}|{s}": v for (t, s), v in area_values(units, ["area_id", "stage"]).items()}
    digest |= {f"district|{s}": v for (s,), v in area_values(units, ["stage"]).items()}
    digest |= {f"guarantee|{code}": v for code, v in guarantee(facts_of(f, rules), rules).items()}
    return digest


def rules_of(lib: Any, *, area_path: str, year: int) -> tuple[Rules, int]:
    """The standards the evaluation applies in the area and year, as the officer copies them, and
    the teaching points' minimum pupils."""

    def value(code: str, stage: str = "all", locale: str | None = None) -> float:
        return float(lib.value(code, stage=stage, locale=locale, area_path=area_path, year=year).value)

    from edugov.registry.models import Locale

    standards = {
        (stage, str(locale)): tuple(value(code, stage, str(locale)) for code in INDICATORS)
        for stage in STAGES
        for locale in Locale
    }
    size = {t: value("balanced.G4.school_size", t) for t in ("primary", "junior", "nine_year", "twelve_year")}
    rules = Rules(
        standards=standards,
        min_met=int(value("balanced.school_pass_min_met")),
        remaining=value("balanced.school_pass_remaining_ratio"),
        class_limits=(value("balanced.G5.class_size", "primary"), value("balanced.G5.class_size", "junior")),
        training_hours=value("balanced.G9.training_hours_per_year"),
        rooms_per_classes=value("balanced.G3.rooms_per_classes"),
        music_room_area=value("balanced.G3.music_room_area"),
        art_room_area=value("balanced.G3.art_room_area"),
        school_size=size | {"complete_secondary": size["junior"]},  # its junior part
        certified_share=value("balanced.G12.certified_share"),
        rotation_share=value("balanced.G11.rotation_share"),
        rotation_backbone_share=value("balanced.G11.rotation_backbone_share"),
    )
    return rules, int(value("balanced.teaching_point_min_students"))
