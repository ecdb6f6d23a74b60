"""Physical fitness scoring by the national standard (国家学生体质健康标准（2014年修订）): the items and
weights of each grade and sex, the weighted standard score, bonus points, bands and the graduation
score, all read from data/fitness_2014.toml (with its source and status). Pure functions: item
scores come in already converted to 0-100 (raw measures are converted by fitness_tables.py)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from edugov.common.errors import DomainError, ErrorCode

DATA = Path(__file__).parent / "data" / "fitness_2014.toml"
ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


class FitnessError(ErrorCode):
    WEIGHTS_NOT_100 = "体质健康标准“{group}”的单项权重合计为{total}%，应为100%"
    GRADE_NOT_COVERED = "体质健康标准未规定{grade}年级{sex}的测试项目"
    ITEM_NOT_TESTED = "{grade}年级{sex}不测“{item}”"
    ITEM_MISSING = "缺少“{item}”的成绩"
    SCORE_RANGE = "“{item}”的单项得分应在0～100之间"
    BONUS_NOT_ALLOWED = "“{item}”在{grade}年级不计附加分"
    BONUS_RANGE = "“{item}”的附加分应在0～{cap}之间"


SEX_WORDS = {"M": "男生", "F": "女生"}
BAND_LABELS = ("优秀", "良好", "及格", "不及格")


@dataclass(frozen=True)
class Group:
    label: str
    grades: tuple[int, ...]
    sex: str | None
    weights: dict[str, Decimal]
    article: str
    status: str


@dataclass(frozen=True)
class FitnessStandard:
    title: str
    document: str
    status: str
    items: dict[str, str]
    groups: tuple[Group, ...]
    bonus_max: Decimal
    bonus_primary: dict[str, Decimal]
    bonus_secondary: dict[str, Decimal]
    bands: tuple[Decimal, Decimal, Decimal]  # excellent, good, pass
    final_year_share: Decimal

    def group_for(self, grade: int, sex: str) -> Group:
        for g in self.groups:
            if grade in g.grades and g.sex in (None, sex):
                return g
        raise DomainError(FitnessError.GRADE_NOT_COVERED, grade=grade, sex=SEX_WORDS.get(sex, sex))

    def bonus_caps(self, grade: int) -> dict[str, Decimal]:
        return self.bonus_primary if grade <= 6 else self.bonus_secondary


@dataclass(frozen=True)
class FitnessScore:
    standard: Decimal  # the weighted standard score (标准分)
    bonus: Decimal  # bonus points counted (附加分, capped)
    total: Decimal  # 学年总分
    band: str


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def parse_standard(data: dict[str, Any]) -> FitnessStandard:
    """Build the standard from its TOML data, refusing a group whose weights do not sum to 100%."""
    groups = []
    for raw in data["groups"]:
        weights = {code: _dec(w) for code, w in raw["weights"].items()}
        total = sum(weights.values(), Decimal(0))
        if total != HUNDRED:
            raise DomainError(FitnessError.WEIGHTS_NOT_100, group=raw["label"], total=total)
        groups.append(
            Group(raw["label"], tuple(raw["grades"]), raw.get("sex"), weights, raw["article"], raw["status"])
        )
    meta, bonus, bands = data["meta"], data["bonus"], data["bands"]
    return FitnessStandard(
        title=meta["title"],
        document=meta["document"],
        status=meta["status"],
        items=dict(data["items"]),
        groups=tuple(groups),
        bonus_max=_dec(bonus["max_total"]),
        bonus_primary={k: _dec(v) for k, v in bonus["primary"].items()},
        bonus_secondary={k: _dec(v) for k, v in bonus["secondary"].items()},
        bands=(_dec(bands["excellent"]), _dec(bands["good"]), _dec(bands["pass"])),
        final_year_share=_dec(data["graduation"]["final_year_share"]),
    )


@cache
def standard() -> FitnessStandard:
    return parse_standard(tomllib.loads(DATA.read_text(encoding="utf-8")))


def band_of(total: Decimal, std: FitnessStandard | None = None) -> str:
    excellent, good, passing = (std or standard()).bands
    if total >= excellent:
        return BAND_LABELS[0]
    if total >= good:
        return BAND_LABELS[1]
    if total >= passing:
        return BAND_LABELS[2]
    return BAND_LABELS[3]


def score_pupil(
    *,
    grade: int,
    sex: str,
    item_scores: dict[str, Decimal],
    bonus: dict[str, Decimal] | None = None,
    std: FitnessStandard | None = None,
) -> FitnessScore:
    """A pupil's year score: the weighted item scores (each 0-100), plus bonus points (each item
    within its cap, all within the total cap), rounded to one place, and its band."""
    std = std or standard()
    group = std.group_for(grade, sex)
    sex_word = SEX_WORDS.get(sex, sex)
    for code in item_scores:
        if code not in group.weights:
            raise DomainError(
                FitnessError.ITEM_NOT_TESTED, grade=grade, sex=sex_word, item=std.items.get(code, code)
            )
    weighted = Decimal(0)
    for code, weight in group.weights.items():
        if code not in item_scores:
            raise DomainError(FitnessError.ITEM_MISSING, item=std.items[code])
        score = _dec(item_scores[code])
        if not Decimal(0) <= score <= HUNDRED:
            raise DomainError(FitnessError.SCORE_RANGE, item=std.items[code])
        weighted += score * weight / HUNDRED
    caps = std.bonus_caps(grade)
    extra = Decimal(0)
    for code, points in (bonus or {}).items():
        cap = caps.get(code)
        if cap is None or code not in group.weights:
            raise DomainError(FitnessError.BONUS_NOT_ALLOWED, item=std.items.get(code, code), grade=grade)
        if not Decimal(0) <= _dec(points) <= cap:
            raise DomainError(FitnessError.BONUS_RANGE, item=std.items[code], cap=cap)
        extra += _dec(points)
    extra = min(extra, std.bonus_max)
    standard_score = weighted.quantize(ONE_PLACE, ROUND_HALF_UP)
    total = (weighted + extra).quantize(ONE_PLACE, ROUND_HALF_UP)
    return FitnessScore(standard=standard_score, bonus=extra, total=total, band=band_of(total, std))


def graduation_score(
    *, final_year: Decimal, other_years: list[Decimal], std: FitnessStandard | None = None
) -> Decimal:
    """毕业成绩: the final year's total and the mean of the other years' totals, by the standard's
    shares (the final year alone when there is no other year)."""
    share = (std or standard()).final_year_share
    if not other_years:
        return _dec(final_year).quantize(ONE_PLACE, ROUND_HALF_UP)
    mean_others = sum((_dec(y) for y in other_years), Decimal(0)) / len(other_years)
    return (_dec(final_year) * share + mean_others * (1 - share)).quantize(ONE_PLACE, ROUND_HALF_UP)
