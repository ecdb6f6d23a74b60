"""The per-item conversion tables of the national fitness standard (国家学生体质健康标准（2014年修订）):
a raw measure (seconds, centimetres, millilitres, counts) becomes an item score 0-100 by grade and
sex, BMI by its bands, and the bonus points beyond 100 (附加分). The tables are data
(data/fitness_tables_2014.toml, each with its status); a grade whose table is not yet encoded is
refused in Chinese, never guessed. Pure functions."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from edugov.common.errors import DomainError, ErrorCode

from .fitness import SEX_WORDS, FitnessError, FitnessScore, score_pupil, standard

DATA = Path(__file__).parent / "data" / "fitness_tables_2014.toml"
ONE_PLACE = Decimal("0.1")


class TableError(ErrorCode):
    TABLE_MISSING = "{grade}年级{sex}“{item}”的评分表尚未录入，暂不能由原始成绩计分"
    BMI_TABLE_MISSING = "{grade}年级{sex}的体重指数（BMI）分档尚未录入，暂不能计分"
    BAD_TABLE = "评分表“{item}”（{grade}年级{sex}）的临界值不单调，请检查数据文件"


@dataclass(frozen=True)
class Table:
    item: str
    grades: tuple[int, ...]
    sex: str | None
    higher_is_better: bool
    rows: tuple[tuple[int, Decimal], ...]  # (points, threshold), best first
    status: str
    # the rows as integer tenths and points (a trailing 0 for "below the last row"), for score_arrays
    tenths: np.ndarray = field(init=False, repr=False, compare=False)
    scores: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tenths", np.array([int(v * 10) for _, v in self.rows], dtype=np.int64))
        object.__setattr__(self, "scores", np.array([p for p, _ in self.rows] + [0], dtype=np.int64))

    def points(self, value: Decimal) -> int:
        for points, threshold in self.rows:
            if (value >= threshold) if self.higher_is_better else (value <= threshold):
                return points
        return 0

    @property
    def top(self) -> Decimal:
        return self.rows[0][1]


@dataclass(frozen=True)
class BmiBands:
    grades: tuple[int, ...]
    sex: str
    normal: tuple[Decimal, Decimal]
    overweight: tuple[Decimal, Decimal]
    status: str


@dataclass(frozen=True)
class Tables:
    title: str
    status: str
    tables: tuple[Table, ...]
    bmi: tuple[BmiBands, ...]
    bmi_points: dict[str, int]
    bonus: tuple[Table, ...]
    # (item, grade, sex) -> the first table that applies (132 tables: a scan per lookup is slow)
    index: dict[tuple[str, int, str], Table] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, int, str], Table] = {}
        for t in self.tables:
            for grade in t.grades:
                for sex in (t.sex,) if t.sex else ("M", "F"):
                    index.setdefault((t.item, grade, sex), t)
        object.__setattr__(self, "index", index)

    def table(self, item: str, grade: int, sex: str) -> Table | None:
        return self.index.get((item, grade, sex))

    def bonus_table(self, item: str, grade: int) -> Table | None:
        return next((t for t in self.bonus if t.item == item and grade in t.grades), None)

    def bmi_bands(self, grade: int, sex: str) -> BmiBands | None:
        return next((b for b in self.bmi if grade in b.grades and b.sex == sex), None)

    def grades(self) -> list[int]:
        """The grades whose tables are encoded for both sexes."""
        return [g for g in range(1, 13) if self.covers(g, "M") and self.covers(g, "F")]

    def covers(self, grade: int, sex: str) -> bool:
        """Whether every item of the grade and sex has its table (raw measures can be scored)."""
        group = standard().group_for(grade, sex)
        return self.bmi_bands(grade, sex) is not None and all(
            self.table(code, grade, sex) is not None for code in group.weights if code != "bmi"
        )


def _dec(v: Any) -> Decimal:
    return Decimal(str(v))


def _table(raw: dict[str, Any], *, sex: str | None, margins: bool = False) -> Table:
    """A scoring table, or (margins=True) a bonus table whose thresholds are margins beyond 100
    points (a larger margin earns more whichever way the item is measured)."""
    rows = tuple((int(p), _dec(v)) for p, v in raw["rows"])
    higher = margins or raw["better"] == "higher"
    thresholds = [v for _, v in rows]
    ordered = sorted(thresholds, reverse=higher)
    if thresholds != ordered or [p for p, _ in rows] != sorted((p for p, _ in rows), reverse=True):
        raise DomainError(
            TableError.BAD_TABLE, item=raw["item"], grade=raw["grades"], sex=SEX_WORDS.get(sex or "", "")
        )
    return Table(raw["item"], tuple(raw["grades"]), sex, higher, rows, raw["status"])


def parse_tables(data: dict[str, Any]) -> Tables:
    return Tables(
        title=data["meta"]["title"],
        status=data["meta"]["status"],
        tables=tuple(_table(t, sex=t.get("sex")) for t in data["tables"]),
        bmi=tuple(
            BmiBands(
                tuple(b["grades"]),
                b["sex"],
                (_dec(b["normal"][0]), _dec(b["normal"][1])),
                (_dec(b["overweight"][0]), _dec(b["overweight"][1])),
                b["status"],
            )
            for b in data["bmi"]
        ),
        bmi_points={k: int(v) for k, v in data["bmi_points"].items() if k != "status"},
        bonus=tuple(_table(t, sex=None, margins=True) for t in data["bonus"]),
    )


@cache
def tables() -> Tables:
    return parse_tables(tomllib.loads(DATA.read_text(encoding="utf-8")))


def bmi_of(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    metres = _dec(height_cm) / 100
    return (_dec(weight_kg) / (metres * metres)).quantize(ONE_PLACE, ROUND_HALF_UP)


def bmi_points(bmi: Decimal, grade: int, sex: str, t: Tables | None = None) -> int:
    t = t or tables()
    bands = t.bmi_bands(grade, sex)
    if bands is None:
        raise DomainError(TableError.BMI_TABLE_MISSING, grade=grade, sex=SEX_WORDS.get(sex, sex))
    if bmi < bands.normal[0]:
        return t.bmi_points["low"]
    if bmi <= bands.normal[1]:
        return t.bmi_points["normal"]
    if bmi <= bands.overweight[1]:
        return t.bmi_points["overweight"]
    return t.bmi_points["obese"]


def item_points(item: str, value: Decimal, grade: int, sex: str, t: Tables | None = None) -> int:
    t = t or tables()
    table = t.table(item, grade, sex)
    if table is None:
        raise DomainError(
            TableError.TABLE_MISSING,
            grade=grade,
            sex=SEX_WORDS.get(sex, sex),
            item=standard().items.get(item, item),
        )
    return table.points(_dec(value))


def bonus_points(item: str, value: Decimal, grade: int, sex: str, t: Tables | None = None) -> int:
    """Points beyond 100: how far the measure passes the 100-point threshold, read in the bonus
    table (0 when the item carries no bonus in this grade or the measure does not pass 100)."""
    t = t or tables()
    bonus, table = t.bonus_table(item, grade), t.table(item, grade, sex)
    if bonus is None or table is None:
        return 0
    value = _dec(value)
    margin = value - table.top if table.higher_is_better else table.top - value
    if margin <= 0:
        return 0
    for points, needed in bonus.rows:
        if margin >= needed:
            return points
    return 0


@dataclass(frozen=True)
class Converted:
    bmi: Decimal
    item_scores: dict[str, int]
    bonus: dict[str, int]
    score: FitnessScore


def score_measures(
    *, grade: int, sex: str, measures: dict[str, Decimal], t: Tables | None = None
) -> Converted:
    """A pupil's raw measures (height_cm, weight_kg and the items of the grade) scored: BMI, each
    item's points, bonus points, and the weighted total with its band (fitness.score_pupil)."""
    t = t or tables()
    std = standard()
    group = std.group_for(grade, sex)
    bmi = bmi_of(measures["height_cm"], measures["weight_kg"])
    scores = {"bmi": bmi_points(bmi, grade, sex, t)}
    bonus: dict[str, int] = {}
    for code in group.weights:
        if code == "bmi":
            continue
        if measures.get(code) is None:
            raise DomainError(FitnessError.ITEM_MISSING, item=std.items[code])
        scores[code] = item_points(code, measures[code], grade, sex, t)
        extra = bonus_points(code, measures[code], grade, sex, t)
        if extra:
            bonus[code] = extra
    caps = std.bonus_caps(grade)
    bonus = {code: min(points, int(caps[code])) for code, points in bonus.items() if code in caps}
    result = score_pupil(
        grade=grade,
        sex=sex,
        item_scores={k: Decimal(v) for k, v in scores.items()},
        bonus={k: Decimal(v) for k, v in bonus.items()},
        std=std,
    )
    return Converted(bmi=bmi, item_scores=scores, bonus=bonus, score=result)


# Vectorised scoring (the demo, the bench, large imports) -----------------------------------------


def _tenths(values: Any) -> np.ndarray:
    return np.floor(np.asarray(values, dtype=np.float64) * 10 + 0.5).astype(np.int64)


def _points_array(table: Table, tenths: np.ndarray, *, margins: bool = False) -> np.ndarray:
    """Each value's points in `table` (values and thresholds in tenths, compared as integers)."""
    thresholds, points = table.tenths, table.scores
    if table.higher_is_better or margins:
        # thresholds descend: rows satisfied are those with threshold <= value
        k = np.searchsorted(-thresholds, -tenths, side="left")
    else:
        # thresholds ascend (times): rows satisfied are those with threshold >= value
        k = np.searchsorted(thresholds, tenths, side="left")
    return points[k]


def score_arrays(
    *, grade: int, sex: str, measures: dict[str, Any], t: Tables | None = None
) -> dict[str, np.ndarray]:
    """`score_measures` for many pupils of one grade and sex at once: arrays of BMI (tenths),
    each item's points, bonus, standard score and total (tenths) and band index (0 优秀 … 3 不及格).
    Agrees with `score_measures` pupil by pupil (tested)."""
    t = t or tables()
    std = standard()
    group = std.group_for(grade, sex)
    height = np.asarray(measures["height_cm"], dtype=np.float64) / 100
    bmi = _tenths(np.asarray(measures["weight_kg"], dtype=np.float64) / (height * height))
    bands = t.bmi_bands(grade, sex)
    if bands is None:
        raise DomainError(TableError.BMI_TABLE_MISSING, grade=grade, sex=SEX_WORDS.get(sex, sex))
    lo, hi, over = int(bands.normal[0] * 10), int(bands.normal[1] * 10), int(bands.overweight[1] * 10)
    p = t.bmi_points
    out: dict[str, np.ndarray] = {
        "bmi": bmi,
        "points_bmi": np.where(
            bmi < lo,
            p["low"],
            np.where(bmi <= hi, p["normal"], np.where(bmi <= over, p["overweight"], p["obese"])),
        ),
    }
    weighted = out["points_bmi"] * int(group.weights["bmi"])
    bonus = np.zeros_like(bmi)
    caps = std.bonus_caps(grade)
    for code, weight in group.weights.items():
        if code == "bmi":
            continue
        table = t.table(code, grade, sex)
        if table is None:
            raise DomainError(
                TableError.TABLE_MISSING,
                grade=grade,
                sex=SEX_WORDS.get(sex, sex),
                item=std.items.get(code, code),
            )
        tenths = _tenths(measures[code])
        points = _points_array(table, tenths)
        out[f"points_{code}"] = points
        weighted = weighted + points * int(weight)
        extra_table = t.bonus_table(code, grade)
        if extra_table is not None and code in caps:
            top = int(table.top * 10)
            margin = tenths - top if table.higher_is_better else top - tenths
            extra = np.where(margin > 0, _points_array(extra_table, np.maximum(margin, 0), margins=True), 0)
            bonus = bonus + np.minimum(extra, int(caps[code]))
    bonus = np.minimum(bonus, int(std.bonus_max))
    # weighted is sum(points x weight %): the score is weighted / 100, in tenths (x + 5) // 10
    out["standard"] = (weighted + 5) // 10
    out["bonus"] = bonus
    out["total"] = (weighted + bonus * 100 + 5) // 10
    cuts = [int(c * 10) for c in std.bands]  # excellent, good, pass
    out["band"] = np.where(
        out["total"] >= cuts[0],
        0,
        np.where(out["total"] >= cuts[1], 1, np.where(out["total"] >= cuts[2], 2, 3)),
    )
    return out
