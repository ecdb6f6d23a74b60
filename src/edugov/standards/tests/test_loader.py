"""Standards as data: resolution by stage, locale, year and area precedence; malformed files."""

from __future__ import annotations

import pytest

from edugov.standards.loader import DATA_DIR, StandardsError, load_library

PROVINCE = """
[meta]
id = "prov.balanced"
title = "某省实施细则"
document = "某教督〔2018〕1号"
year = 2018
scope = "province"
area_code = "31"

[[rules]]
code = "balanced.R4"
name = "生均教学及辅助用房面积"
unit = "平方米"
comparison = ">="
values = { primary = 5.0, "primary:rural" = 4.8 }
article = "第三条"
status = "confirmed"
"""


def test_national_values_and_citation():
    lib = load_library([DATA_DIR])
    v = lib.value("balanced.R1", stage="junior")
    assert v.value == 5.3
    assert v.rule.status == "confirmed"
    assert "教督〔2017〕6号" in v.rule.citation()
    assert lib.value("balanced.cv_max", stage="primary").value == 0.5
    assert lib.value("balanced.school_pass_min_met").value == 6


def test_province_file_overrides_inside_its_area_only(tmp_path):
    (tmp_path / "prov.toml").write_text(PROVINCE, encoding="utf-8")
    lib = load_library([DATA_DIR, tmp_path])
    inside = "/31/3101/310101/"
    assert lib.value("balanced.R4", stage="primary", area_path=inside).value == 5.0
    assert lib.value("balanced.R4", stage="primary", locale="rural", area_path=inside).value == 4.8
    # Junior is not overridden: falls back to the national value.
    assert lib.value("balanced.R4", stage="junior", area_path=inside).value == 5.8
    # Another province keeps the national value.
    assert lib.value("balanced.R4", stage="primary", area_path="/44/4403/").value == 4.5


def test_comparison():
    lib = load_library([DATA_DIR])
    assert lib.value("balanced.R6", stage="primary").met_by(2000)
    assert not lib.value("balanced.R6", stage="primary").met_by(1999.99)
    assert lib.value("balanced.cv_max", stage="junior").met_by(0.45)
    assert not lib.value("balanced.cv_max", stage="junior").met_by(0.4501)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not toml [", "格式错误"),
        ("[meta]\nid='x'\n", "缺少"),
        (PROVINCE.replace('area_code = "31"', ""), "area_code"),
        (PROVINCE.replace('status = "confirmed"', 'status = "maybe"'), "status"),
    ],
)
def test_malformed_files_are_refused_in_chinese(tmp_path, text, fragment):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(StandardsError) as exc:
        load_library([tmp_path])
    assert fragment in str(exc.value)


def test_unknown_rule_raises_keyerror():
    with pytest.raises(KeyError):
        load_library([DATA_DIR]).value("no.such.rule")


def test_answers_are_kept_until_a_rule_is_added(tmp_path):
    """An evaluation asks the same few standards for every school: the library answers each
    question once, and a rule added afterwards (a province file) is seen at once."""
    lib = load_library([DATA_DIR])
    inside = "/31/3101/310101/"
    first = lib.value("balanced.R4", stage="primary", area_path=inside)
    assert lib.value("balanced.R4", stage="primary", area_path=inside) is first
    assert first.value == 4.5  # national, before the province's file
    (tmp_path / "prov.toml").write_text(PROVINCE, encoding="utf-8")
    for rule in load_library([tmp_path]).rules["balanced.R4"]:
        lib.add(rule)
    assert lib.value("balanced.R4", stage="primary", area_path=inside).value == 5.0
