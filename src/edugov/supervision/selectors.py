"""Supervision (督导) reads: plans within the reader's scope with their progress per school, visit
records and the visit report by checklist section, and what the planning forms offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from edugov.accounts.models import Role, User
from edugov.accounts.scope import scoped
from edugov.rectification.models import RectificationItem
from edugov.registry.models import School

from .models import SupervisionPlan, SupervisionVisit, VisitStatus
from .services import VISIT_KIND, checklists, is_finding


def checklist_choices() -> list[tuple[str, str]]:
    return [(code, c["title"]) for code, c in checklists().items()]


def inspector_candidates(*, actor: User) -> QuerySet[User]:
    """The inspectors a planner may assign (those over the planner's area)."""
    inspectors = User.objects.filter(role=Role.INSPECTOR, is_active=True)
    if actor.area:
        inspectors = inspectors.filter(area__path__startswith=actor.area.path)
    return inspectors.order_by("username")


def plan_list(*, actor: User) -> QuerySet[SupervisionPlan]:
    ids = scoped(SupervisionPlan, actor).values("pk")
    # An aggregate drops Meta.ordering (GROUP BY): the order is named again for pages and the API.
    return (
        SupervisionPlan.objects.filter(pk__in=ids)
        .annotate(
            n_schools=Count("schools", distinct=True),
            n_submitted=Count("visits", filter=Q(visits__status=VisitStatus.SUBMITTED), distinct=True),
        )
        .order_by("-start_date", "-pk")
    )


def plan_get(*, actor: User, pk: int) -> SupervisionPlan:
    plan = plan_list(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise Http404("督导计划不存在或不在您的数据范围内")
    return plan


def plan_progress(*, actor: User, plan: SupervisionPlan) -> dict[str, Any]:
    """Per school of the plan (within the actor's scope): its visit, score and findings."""
    schools = scoped(School, actor).filter(pk__in=plan.schools.values("pk")).order_by("area__path", "name")
    visits = {v.school_id: v for v in visit_list(actor=actor).filter(plan=plan)}
    rows = [{"school": s, "visit": visits.get(s.pk)} for s in schools]
    submitted = [v for v in visits.values() if v.status == VisitStatus.SUBMITTED]
    avg = (
        sum(float(v.total) / float(v.max_total) * 100 for v in submitted if v.max_total) / len(submitted)
        if submitted
        else None
    )
    return {
        "rows": rows,
        "schools": len(rows),
        "submitted": len(submitted),
        "drafts": sum(1 for v in visits.values() if v.status == VisitStatus.DRAFT),
        "findings": sum(v.findings for v in submitted),
        "percent": round(100 * len(submitted) / len(rows), 1) if rows else 0.0,
        "avg_score_rate": None if avg is None else round(avg, 1),
    }


def visit_list(*, actor: User) -> QuerySet[SupervisionVisit]:
    return scoped(SupervisionVisit, actor).select_related("plan", "school", "inspector")


def visit_get(*, actor: User, pk: int) -> SupervisionVisit:
    visit = visit_list(actor=actor).filter(pk=pk).first()
    if visit is None:
        raise Http404("督导记录不存在或不在您的数据范围内")
    return visit


def visit_report(visit: SupervisionVisit) -> dict[str, Any]:
    """Sections of the checklist with each item's score, note and whether it became a finding."""
    ratio = float(visit.plan.checklist["finding_ratio"])
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in visit.plan.checklist["items"]:
        s = visit.scores.get(item["code"], {})
        score = None if s.get("score") is None else Decimal(str(s["score"]))
        sections.setdefault(item["section"], []).append(
            {
                **item,
                "score": score,
                "note": s.get("note", ""),
                "flagged": s.get("flagged", False),
                "finding": score is not None and is_finding(item, score, bool(s.get("flagged")), ratio),
            }
        )
    return {"sections": sections, "ratio": ratio}


def visit_items(*, actor: User, visit: SupervisionVisit) -> QuerySet[RectificationItem]:
    """The rectification items the visit's findings raised, within the reader's scope."""
    return scoped(RectificationItem, actor).filter(visit_kind=VISIT_KIND, visit_id=visit.pk)


@dataclass(frozen=True)
class SchoolVisitScore:
    school_id: int
    visits: int  # submitted visits in the period
    total: Decimal  # their scores summed
    max_total: Decimal  # their full marks summed


def school_visit_scores(
    *, actor: Any, school_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, SchoolVisitScore]:
    """Inspectors' scores per school for other modules (the school appraisal): the submitted visits
    dated within [start, end], scores and full marks summed (a rate is total / max_total, never a
    mean of rates). Drafts do not count. Read through the scoping point as `actor`."""
    rows = (
        scoped(SupervisionVisit, actor)
        .filter(
            school_id__in=list(school_ids),
            status=VisitStatus.SUBMITTED,
            visited_on__gte=start,
            visited_on__lte=end,
        )
        .values("school_id")
        .annotate(n=Count("pk"), total=Sum("total"), max_total=Sum("max_total"))
        .order_by("school_id")
    )
    return {
        r["school_id"]: SchoolVisitScore(
            r["school_id"], r["n"], Decimal(r["total"] or 0), Decimal(r["max_total"] or 0)
        )
        for r in rows
    }
