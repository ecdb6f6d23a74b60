"""Only the standards of the district's own jurisdiction are cited: a province file applies under
its area code and nowhere else."""

from __future__ import annotations

from edugov.standards.loader import library

CODE = "balanced.teaching_point_min_students"


def test_a_district_outside_hebei_cites_the_national_rule_only():
    rule = library().rule(CODE, area_path="/36/3601/360101/")
    assert rule.source.scope == "national"
    assert "河北" not in rule.citation() and "河北" not in rule.note


def test_a_hebei_district_cites_its_province_file():
    rule = library().rule(CODE, area_path="/13/1301/130102/")
    assert rule.source.scope == "province" and rule.source.area_code == "13"
    assert "河北" in rule.citation()


def test_no_national_rule_cites_a_province_document():
    for rules in library().rules.values():
        for r in rules:
            if r.source.scope == "national":
                assert "省" not in r.article, r.code
