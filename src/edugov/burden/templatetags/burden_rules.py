"""Template tags that name the standards in force, so a page's wording follows the standards
files (a district override included) instead of repeating their numbers."""

from __future__ import annotations

from django import template

from edugov.registry.models import School, Term

from .. import rules

register = template.Library()


@register.simple_tag
def after_school_rule(school: School | None, term: Term | None) -> str:
    """The "5+2" rule as it holds for the school's area in the term's school year."""
    days, hours = rules.after_school_minimums(
        area_path=school.area.path if school is not None else "",
        year=term.school_year.start_year if term is not None else None,
    )
    return f"“5+2”：每周{days}天、每天不少于{hours.normalize():f}小时，结束时间不早于当地正常下班时间。"
