"""One school's 优质均衡 card: its indicator results, failures and findings with their citations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edugov.accounts.scope import scoped
from edugov.common.errors import DomainError
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from ..evaluation import BalancedEvaluation, SchoolResult, evaluate_balanced
from .common import ResourcesError, _ensure_card, district_for

# ---- school card --------------------------------------------------------------------------------


@dataclass
class SchoolCard:
    school: School
    evaluation: BalancedEvaluation
    results: list[SchoolResult]
    guarantee_failures: list[tuple[str, str, str]]  # (item, detail, standard citation)
    findings: list[str]
    citations: dict[str, str]


def school_card(*, user: Any, school_id: Any, school_year: SchoolYear) -> SchoolCard:
    try:
        pk = int(str(school_id)[:12])
    except (TypeError, ValueError):
        raise DomainError(ResourcesError.BAD_SCHOOL) from None
    rows = scoped(School, user) if user is not None else School.objects.all()
    school = rows.filter(pk=pk).select_related("area").first()
    _ensure_card(
        user,
        school,
        action="resources.school_card",
        own="resources.own_school_card",
        denied=ResourcesError.CARD_DENIED,
    )
    if school is None:
        raise DomainError(ResourcesError.BAD_SCHOOL)
    area = district_for(None) if user is None else district_for(user)
    if not school.area.path.startswith(area.path):
        area = Area.objects.get(code=school.area.path.strip("/").split("/")[AreaLevel.DISTRICT - 1])
    evaluation = evaluate_balanced(school_year=school_year, area=area, user=user)
    results = [s for s in evaluation.schools if s.school_id == school.pk]
    if not results:
        raise DomainError(ResourcesError.SCHOOL_NOT_EVALUATED)
    failures = [
        (g.name, f.detail, g.rule.citation())
        for g in evaluation.guarantee
        for f in g.failures
        if f.school_id == school.pk
    ]
    findings = [f"{f.stage}：{f.reason}" for f in evaluation.findings if f.school_id == school.pk]
    citations = {r.code: r.citation() for r in evaluation.rules}
    return SchoolCard(school, evaluation, results, failures, findings, citations)
