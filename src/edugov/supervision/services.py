"""Supervision (督导) writes: plans of special and routine supervision, checklists and scoring forms
kept as data (data/supervision_checklists.toml), inspectors' visit records with a score and note per
item, and the findings (an item scored below `finding_ratio` of its maximum, or flagged) that become
rectification items (source 督导检查) through the item services, one per visit and checklist item."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import Department, Role, User
from edugov.accounts.policy import can, ensure_can, role_may
from edugov.accounts.scope import ensure_references_writable, write_scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_record, audit_update
from edugov.common.dates import cn_date
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import services as rectification_items
from edugov.rectification.findings import Finding, Unit
from edugov.rectification.models import ItemSource, RectificationItem, Severity
from edugov.registry.models import Area, School

from . import permissions
from .errors import SupervisionError as E
from .models import SupervisionKind, SupervisionPlan, SupervisionVisit, VisitStatus

CHECKLISTS_FILE = Path(__file__).parent / "data" / "supervision_checklists.toml"
VISIT_KIND = "supervision_visit"


@cache
def checklists() -> dict[str, dict[str, Any]]:
    """The configured checklists by code, each checked once on load (a broken file fails loudly)."""
    data = tomllib.loads(CHECKLISTS_FILE.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for c in data["checklists"]:
        assert c["kind"] in SupervisionKind.values, c["code"]
        assert 0 < float(c["finding_ratio"]) <= 1, c["code"]
        for item in c["items"]:
            assert float(item["max_score"]) > 0, item["code"]
            assert item.get("department", c["department"]) in Department.values, item["code"]
            assert item.get("severity", "medium") in Severity.values, item["code"]
        out[c["code"]] = c
    return out


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def may_plan(actor: User) -> bool:
    """District administrators and the supervision office plan supervision."""
    return role_may(actor, permissions.action("plan_create"))


def _plan_values(
    *,
    actor: User,
    title: str,
    kind: str,
    checklist_code: str,
    start_date: dt.date,
    end_date: dt.date,
    school_ids: Sequence[int],
    inspector_ids: Sequence[int],
) -> tuple[dict[str, Any], list[School], list[User]]:
    """A plan's checked fields, schools and inspectors, shared by create and update."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(E.BAD_FIELD, field="督导计划", reason="不能为空且不超过200字")
    if kind not in SupervisionKind.values:
        raise DomainError(E.BAD_FIELD, field="类型", reason="取值无效")
    if checklist_code not in checklists():
        raise DomainError(E.UNKNOWN_CHECKLIST, code=str(checklist_code)[:60])
    if end_date < start_date:
        raise DomainError(E.DATE_ORDER, field="结束日期")
    ids = {int(i) for i in school_ids}
    if not ids:
        raise DomainError(E.NO_SCHOOLS)
    schools = list(
        write_scoped(School, actor)
        .filter(pk__in=rectification_items.storable_ids(ids))
        .select_related("area")
        .order_by("pk")
    )
    if len(schools) != len(ids):
        raise DomainError(E.UNKNOWN_UNIT)
    inspectors = list(
        User.objects.filter(
            pk__in=rectification_items.storable_ids(set(inspector_ids)), role=Role.INSPECTOR, is_active=True
        ).order_by("pk")
    )
    if not inspectors or len(inspectors) != len(set(inspector_ids)):
        raise DomainError(E.BAD_FIELD, field="督学", reason="请选择有效的督学账号")
    values = {
        "title": title,
        "kind": kind,
        "checklist_code": checklist_code,
        "start_date": start_date,
        "end_date": end_date,
    }
    return values, schools, inspectors


@transaction.atomic
def plan_create(
    *,
    actor: User,
    title: str,
    kind: str,
    checklist_code: str,
    start_date: dt.date,
    end_date: dt.date,
    school_ids: Sequence[int],
    inspector_ids: Sequence[int],
    area: Area | None = None,
    now: dt.datetime | None = None,
) -> SupervisionPlan:
    ensure_can(actor, permissions.action("plan_create"))
    now = now or timezone.now()
    values, schools, inspectors = _plan_values(
        actor=actor, title=title, kind=kind, checklist_code=checklist_code, start_date=start_date,
        end_date=end_date, school_ids=school_ids, inspector_ids=inspector_ids,
    )  # fmt: skip
    if end_date < _today(now):
        raise DomainError(E.DATE_PAST, field="结束日期", today=_today(now))
    plan = SupervisionPlan(
        area=area or actor.area or schools[0].area, checklist=checklists()[checklist_code], created_by=actor,
        created_at=now, **values,
    )  # fmt: skip
    ensure_references_writable(actor, plan)
    plan.save()
    plan.schools.set(schools)
    plan.inspectors.set(inspectors)
    audit_create(instance=plan, actor=actor)
    return plan


def may_edit_plan(actor: User, plan: SupervisionPlan) -> bool:
    """A planner whose write scope holds the plan's area and every one of its schools."""
    return can(actor, permissions.action("plan_edit"), plan)


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: SupervisionPlan,
    title: str,
    kind: str,
    checklist_code: str,
    start_date: dt.date,
    end_date: dt.date,
    school_ids: Sequence[int],
    inspector_ids: Sequence[int],
    now: dt.datetime | None = None,
) -> SupervisionPlan:
    """Change a plan while some of its schools are still to be visited. Visits already recorded
    (drafts too) keep their footing: the checklist cannot change once any exists, a visited school
    cannot leave the plan, and the period must still hold every visit date."""
    ensure_can(actor, permissions.action("plan_edit"))
    plan = SupervisionPlan.objects.select_for_update().get(pk=plan.pk)
    ensure_may_edit_plan(actor, plan)
    now = now or timezone.now()
    visits = list(plan.visits.select_related("school").order_by("visited_on", "pk"))
    old_school_ids = sorted(plan.schools.values_list("pk", flat=True))
    submitted = {v.school_id for v in visits if v.status == VisitStatus.SUBMITTED}
    if old_school_ids and submitted >= set(old_school_ids):
        raise DomainError(E.PLAN_DONE)
    values, schools, inspectors = _plan_values(
        actor=actor, title=title, kind=kind, checklist_code=checklist_code, start_date=start_date,
        end_date=end_date, school_ids=school_ids, inspector_ids=inspector_ids,
    )  # fmt: skip
    if end_date != plan.end_date and end_date < _today(now):
        raise DomainError(E.DATE_PAST, field="结束日期", today=_today(now))
    if visits:
        if checklist_code != plan.checklist_code:
            raise DomainError(E.PLAN_CHECKLIST_LOCKED)
        kept = {s.pk for s in schools}
        for v in visits:
            if v.school_id not in kept:
                raise DomainError(E.PLAN_SCHOOL_VISITED, school=v.school.name)
        first, last = visits[0].visited_on, visits[-1].visited_on
        if not start_date <= first or not last <= end_date:
            raise DomainError(E.PLAN_DATES_VISITS, first=first, last=last)
    changes: dict[str, tuple[Any, Any]] = {
        f: (getattr(plan, f), v) for f, v in values.items() if getattr(plan, f) != v
    }
    # The plan keeps the checklist copied when it was made unless another one is chosen.
    if "checklist_code" in changes:
        plan.checklist = checklists()[checklist_code]
    if changes:
        for f, (_, v) in changes.items():
            setattr(plan, f, v)
        plan.save(update_fields=[*changes, *(["checklist"] if "checklist_code" in changes else [])])
    new_school_ids = [s.pk for s in schools]
    if new_school_ids != old_school_ids:
        plan.schools.set(schools)
        changes["schools"] = (old_school_ids, new_school_ids)
    old_inspector_ids = sorted(plan.inspectors.values_list("pk", flat=True))
    new_inspector_ids = [u.pk for u in inspectors]
    if new_inspector_ids != old_inspector_ids:
        plan.inspectors.set(inspectors)
        changes["inspectors"] = (old_inspector_ids, new_inspector_ids)
    audit_update(instance=plan, changes=changes, actor=actor)
    return plan


def ensure_may_edit_plan(actor: User, plan: SupervisionPlan) -> None:
    """The plan edit refusal: the role's, or a plan reaching beyond the planner's write scope."""
    act = permissions.action("plan_edit")
    if not role_may(actor, act):
        ensure_can(actor, act)
    if not can(actor, act, plan):
        raise PermissionDenied(E.PLAN_OUTSIDE_SCOPE)


def may_inspect(actor: User, plan: SupervisionPlan) -> bool:
    """Planners, and the inspectors assigned to the plan, score its schools."""
    return can(actor, permissions.action("visit_save"), plan)


def parse_score(value: Any, *, code: str, max_score: float) -> Decimal | None:
    """A score 0..max_score with at most one decimal; blank is "not scored"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError(E.SCORE_RANGE, code=code, max=_fmt(max_score))
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(E.SCORE_RANGE, code=code, max=_fmt(max_score)) from None
    if (
        not score.is_finite()
        or score < 0
        or score > Decimal(str(max_score))
        or score != score.quantize(Decimal("0.1"))
    ):
        raise DomainError(E.SCORE_RANGE, code=code, max=_fmt(max_score))
    return score.quantize(Decimal("0.1"))


def _fmt(v: float | Decimal) -> str:
    return f"{float(v):.1f}".rstrip("0").rstrip(".")


def is_finding(item: Mapping[str, Any], score: Decimal | None, flagged: bool, ratio: float) -> bool:
    """Scored below ratio × maximum, or flagged by the inspector."""
    if flagged:
        return True
    return score is not None and score < Decimal(str(item["max_score"])) * Decimal(str(ratio))


@transaction.atomic
def visit_save(
    *,
    actor: User,
    plan: SupervisionPlan,
    school_id: int,
    visited_on: Any,
    entries: Mapping[str, Mapping[str, Any]],
    summary: str = "",
    submit: bool = False,
    now: dt.datetime | None = None,
) -> tuple[SupervisionVisit, list[RectificationItem]]:
    """Save (or submit) an inspector's scores for one school of a plan. On submit every item must be
    scored; findings become items. Returns the visit and the items raised."""
    now = now or timezone.now()
    today = _today(now)
    act = permissions.action("visit_save")
    if not role_may(actor, act):
        ensure_can(actor, act)
    if not can(actor, act, plan):
        raise PermissionDenied(E.NOT_PLAN_INSPECTOR)
    school = plan.schools.filter(pk=school_id).select_related("area").first()
    if school is None:
        raise DomainError(E.NOT_IN_PLAN)
    if not isinstance(visited_on, dt.date) or not plan.start_date <= visited_on <= min(plan.end_date, today):
        raise DomainError(E.VISIT_DATE_RANGE, start=plan.start_date, end=plan.end_date)
    summary = (summary or "").strip()
    if len(summary) > 8000:
        raise DomainError(E.BAD_FIELD, field="总体评价", reason="不能超过8000个字")
    items = {i["code"]: i for i in plan.checklist["items"]}
    for code in entries:
        if code not in items:
            raise DomainError(E.UNKNOWN_CHECK_ITEM, code=str(code)[:20])
    scores: dict[str, dict[str, Any]] = {}
    for code, item in items.items():
        e = entries.get(code) or {}
        score = parse_score(e.get("score"), code=code, max_score=float(item["max_score"]))
        note = str(e.get("note") or "").strip()
        if len(note) > 1000:
            raise DomainError(E.BAD_FIELD, field=f"{code}记录", reason="不能超过1000个字")
        scores[code] = {
            "score": None if score is None else float(score),
            "note": note,
            "flagged": bool(e.get("flagged")),
        }
    if submit:
        missing = [c for c, s in scores.items() if s["score"] is None]
        if missing:
            raise DomainError(E.SCORE_MISSING, codes="、".join(missing))

    visit = SupervisionVisit.objects.select_for_update().filter(plan=plan, school=school).first()
    if visit is not None and visit.status == VisitStatus.SUBMITTED:
        raise DomainError(E.VISIT_SUBMITTED)
    total = sum((Decimal(str(s["score"])) for s in scores.values() if s["score"] is not None), Decimal(0))
    max_total = sum((Decimal(str(i["max_score"])) for i in items.values()), Decimal(0))
    created = visit is None
    if visit is None:
        visit = SupervisionVisit(plan=plan, school=school, created_at=now)
    before = {"scores": visit.scores, "status": visit.status}
    visit.inspector = actor
    visit.visited_on = visited_on
    visit.scores = scores
    visit.total = total
    visit.max_total = max_total
    visit.summary = summary
    visit.updated_at = now
    raised: list[RectificationItem] = []
    if submit:
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = now
    # No reference check beyond the plan: the school is one of the plan's (checked above), and an
    # inspector reports under the plan they are assigned to, also on its schools in other towns.
    visit.save()
    if submit:
        ratio = float(plan.checklist["finding_ratio"])
        for code, item in items.items():
            s = scores[code]
            score = Decimal(str(s["score"]))
            if not is_finding(item, score, s["flagged"], ratio):
                continue
            raised.append(
                rectification_items.item_create_system(
                    finding=Finding(
                        cause_key=f"{VISIT_KIND}:{visit.pk}:{code}",
                        source=VISIT_KIND,
                        unit=Unit.school(school.pk),
                        title=f"{school.name}：{item['text'][:120]}",
                        evidence=(
                            f"{plan.title}（{cn_date(visited_on)}，督学{actor}）检查项{code}“{item['text']}”"
                            f"得分{_fmt(score)}/{_fmt(item['max_score'])}。{s['note']}"
                        ).strip(),
                        severity=item.get("severity", Severity.MEDIUM),
                        required_action=item.get(
                            "action", f"对照“{item['text']}”逐项整改，上传整改佐证材料。"
                        ),
                        department=item.get("department", plan.checklist["department"]),
                        deadline_days=int(plan.checklist.get("deadline_days", 30)),
                        data={"plan": plan.pk, "item": code, "score": float(score), "max": item["max_score"]},
                    ),
                    source=ItemSource.SUPERVISION,
                    now=now,
                    visit_kind=VISIT_KIND,
                    visit_id=visit.pk,
                    created_by=actor,
                )
            )
        visit.findings = len(raised)
        visit.save(update_fields=["findings"])
    if created:
        audit_create(instance=visit, actor=actor)
    else:
        audit_record(
            action=AuditAction.UPDATE,
            instance=visit,
            changes={"status": [before["status"], visit.status], "scores": [before["scores"], scores]},
            actor=actor,
        )
    return visit, raised
