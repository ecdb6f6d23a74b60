"""Physical fitness scoring by the national standard's weights (data/fitness_2014.toml), checked
against cases worked out by hand; bad input (an item not tested in the grade, weights not summing
to 100%, a score out of range) is refused in Chinese."""

from __future__ import annotations

import tomllib
from decimal import Decimal as D

import pytest

from edugov.common.errors import DomainError
from edugov.quality.fitness import DATA, band_of, graduation_score, parse_standard, score_pupil, standard

GRADE3 = {
    "bmi": 100,
    "vital_capacity": 80,
    "run_50m": 70,
    "sit_and_reach": 90,
    "rope_skipping": 100,
    "sit_ups": 60,
}
GRADE8_GIRL = {
    "bmi": 100,
    "vital_capacity": 78,
    "run_50m": 66,
    "sit_and_reach": 85,
    "long_jump": 72,
    "sit_ups": 80,
    "run_800m": 64,
}


def test_every_group_weighs_100_percent_and_names_its_source():
    std = standard()
    assert std.document == "教体艺〔2014〕5号" and std.status == "summary"
    assert all(sum(g.weights.values()) == 100 for g in std.groups)
    assert std.group_for(1, "F").weights["sit_and_reach"] == 30
    assert (
        std.group_for(9, "M").weights["run_1000m"] == 20 and "run_800m" not in std.group_for(9, "M").weights
    )


def test_grade_3_by_hand():
    # 100×15% + 80×15% + 70×20% + 90×20% + 100×20% + 60×10% = 15 + 12 + 14 + 18 + 20 + 6 = 85.0: 良好
    s = score_pupil(grade=3, sex="M", item_scores={k: D(v) for k, v in GRADE3.items()})
    assert (s.standard, s.bonus, s.total, s.band) == (D("85.0"), D(0), D("85.0"), "良好")
    # 5 bonus points for rope skipping: 90.0, 优秀
    s = score_pupil(
        grade=3, sex="M", item_scores={k: D(v) for k, v in GRADE3.items()}, bonus={"rope_skipping": D(5)}
    )
    assert (s.total, s.band) == (D("90.0"), "优秀")


def test_grade_8_girl_by_hand_with_bonus_capped():
    # 15 + 11.7 + 13.2 + 8.5 + 7.2 + 8 + 12.8 = 76.4: 及格; bonus 10 + 10 = 20 (the cap): 96.4, 优秀
    scores = {k: D(v) for k, v in GRADE8_GIRL.items()}
    s = score_pupil(grade=8, sex="F", item_scores=scores)
    assert (s.total, s.band) == (D("76.4"), "及格")
    s = score_pupil(grade=8, sex="F", item_scores=scores, bonus={"sit_ups": D(10), "run_800m": D(10)})
    assert (s.standard, s.bonus, s.total) == (D("76.4"), D(20), D("96.4"))


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("90.0", "优秀"),
        ("89.9", "良好"),
        ("80.0", "良好"),
        ("79.9", "及格"),
        ("60.0", "及格"),
        ("59.9", "不及格"),
    ],
)
def test_band_edges(total, band):
    assert band_of(D(total)) == band


def test_graduation_score_by_hand():
    # 50% × 82.0 + 50% × mean(70.0, 75.0, 80.0) = 41.0 + 37.5 = 78.5
    assert graduation_score(final_year=D("82.0"), other_years=[D(70), D(75), D(80)]) == D("78.5")
    assert graduation_score(final_year=D("82.0"), other_years=[]) == D("82.0")


@pytest.mark.parametrize(
    ("grade", "sex", "change", "message"),
    [
        (8, "F", {"pull_ups": D(80)}, "8年级女生不测“引体向上”"),
        (3, "M", {"shuttle_50x8": D(80)}, "3年级男生不测“50米×8往返跑”"),
        (3, "M", {"run_50m": D(101)}, "单项得分应在0～100之间"),
        (3, "M", {"bmi": None}, "缺少“体重指数（BMI）”的成绩"),
        (13, "M", {}, "未规定13年级男生的测试项目"),
    ],
)
def test_bad_input_is_refused_in_chinese(grade, sex, change, message):
    scores = {k: D(v) for k, v in (GRADE8_GIRL if grade >= 7 else GRADE3).items()}
    for k, v in change.items():
        if v is None:
            scores.pop(k)
        else:
            scores[k] = v
    with pytest.raises(DomainError, match=message):
        score_pupil(grade=grade, sex=sex, item_scores=scores)


def test_a_bonus_outside_its_item_or_cap_is_refused():
    scores = {k: D(v) for k, v in GRADE3.items()}
    with pytest.raises(DomainError, match="不计附加分"):
        score_pupil(grade=3, sex="M", item_scores=scores, bonus={"sit_ups": D(5)})
    with pytest.raises(DomainError, match="附加分应在0～20之间"):
        score_pupil(grade=3, sex="M", item_scores=scores, bonus={"rope_skipping": D(25)})


def test_weights_not_summing_to_100_are_refused_in_chinese():
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    data["groups"][0]["weights"]["bmi"] = 10
    with pytest.raises(DomainError, match="“小学一、二年级”的单项权重合计为95%，应为100%"):
        parse_standard(data)
