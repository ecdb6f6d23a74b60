"""Tutoring reads: every list goes through the scoping point; the public lookup reads only public
fields; dashboard payloads for ECharts are plain data built here. Complaints and inspections have
their own modules, re-exported here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from edugov.accounts.policy import role_may
from edugov.accounts.scope import scoped
from edugov.common.cache import cached_figure
from edugov.common.text import mask_id_number, mask_phone
from edugov.reports.readers import Reader

from ..models import (
    ActionKind,
    Alert,
    Course,
    EnforcementAction,
    Inspection,
    Institution,
    InstitutionStatus,
    ListStatus,
    Order,
    RiskSnapshot,
    Session,
    Staff,
    StatusChange,
    UnlicensedSite,
    UnlicensedStatus,
)
from .complaints import (
    HANDLING,
    OPEN_COMPLAINT,
    ComplaintFilters,
    ComplaintStepRow,
    complaint_counts,
    complaint_events,
    complaint_list,
    complaint_overdue_counts,
    complaint_public_steps,
)
from .inspections import inspection_rows, inspector_candidates, institution_pick

# What the public lookup may show, and nothing else (no persons, no phones, no money).
PUBLIC_FIELDS = (
    "pk",
    "name",
    "credit_code",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "category",
    "mode",
    "address",
    "status",
    "list_status",
    "list_reason",
    "custody_mode",
    "area__name",
)
# Statuses under which a parent must not pay: the public page shows them in a warning banner.
WARNING_STATUSES = (InstitutionStatus.SUSPENDED, InstitutionStatus.REVOKED, InstitutionStatus.CLOSED)
PUBLIC_STATUSES = (
    InstitutionStatus.LICENSED,
    InstitutionStatus.RECTIFYING,
    InstitutionStatus.SUSPENDED,
    InstitutionStatus.REVOKED,
    InstitutionStatus.CLOSED,
)


def can_see_identity(user: Any) -> bool:
    """ID numbers and phones in full: the tutoring supervision office, district administrators and
    the institution's own operator (tutoring.identity_view). Inspectors and leaders see them masked."""
    return role_may(user, "tutoring.identity_view")


def institution_list(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    category: str = "",
    list_status: str | None = None,
    area_path: str = "",
) -> QuerySet[Institution]:
    qs = scoped(Institution, user).select_related("area")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(credit_code__startswith=search.upper()))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if list_status is not None:
        qs = qs.filter(list_status=list_status)
    if area_path:
        qs = qs.filter(area__path__startswith=area_path)
    return qs


def latest_risk(*, user: Any) -> QuerySet[RiskSnapshot]:
    """Each institution's latest snapshot, worst first."""
    qs = scoped(RiskSnapshot, user)
    last = qs.order_by("-date").values_list("date", flat=True).first()
    if last is None:
        return qs.none()
    return qs.filter(date=last).select_related("institution", "institution__area").order_by("-score", "pk")


@dataclass(frozen=True)
class StaffRow:
    pk: int
    name: str
    id_number: str
    phone: str
    is_tutor: bool
    teaches_subject: bool
    subject: str
    qualification_number: str
    background_checked: bool
    employed_from: dt.date | None
    employed_to: dt.date | None
    in_service: bool
    institution: str


def staff_rows(*, user: Any, institution: Institution | None = None) -> list[StaffRow]:
    """Staff with personal identifiers masked for the roles that do not need them."""
    full = can_see_identity(user)
    qs = scoped(Staff, user).select_related("institution")
    if institution is not None:
        qs = qs.filter(institution=institution)
    return [
        StaffRow(
            pk=s.pk,
            name=s.name,
            id_number=s.id_number if full else mask_id_number(s.id_number),
            phone=s.phone if full else mask_phone(s.phone),
            is_tutor=s.is_tutor,
            teaches_subject=s.teaches_subject,
            subject=s.subject,
            qualification_number=s.qualification_number,
            background_checked=s.background_checked,
            employed_from=s.employed_from,
            employed_to=s.employed_to,
            in_service=s.in_service_teacher_id is not None,
            institution=s.institution.name,
        )
        for s in qs
    ]


@dataclass(frozen=True)
class ViolationRow:
    institution_id: int
    institution: str
    what: str
    when: str
    message: str
    citation: str


def _cn_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def violation_rows(*, user: Any, limit: int = 2000) -> list[ViolationRow]:
    """Every recorded violation in the user's scope. Only the columns shown are read (no model
    instances: an order's encrypted pupil and parent fields are never decrypted for this list).
    Cached per data generation and read scope: finding the few sessions and orders with a
    violation scans every one of them (~1 s a visit under load on the demo district)."""
    return _violation_rows(Reader(user, "tutoring"), limit)


@cached_figure("tutoring.violation_rows")
def _violation_rows(reader: Reader, limit: int) -> list[ViolationRow]:
    user = reader.user
    rows: list[ViolationRow] = []
    courses = (
        scoped(Course, user)
        .exclude(violations=[])
        .values_list("institution_id", "institution__name", "name", "violations")[:limit]
    )
    for inst_id, inst_name, name, violations in courses:
        for v in violations:
            rows.append(
                ViolationRow(inst_id, inst_name, f"课程：{name}", "", v["message"], v.get("citation", ""))
            )
    sessions = (
        scoped(Session, user)
        .exclude(violations=[])
        .values_list(
            "course__institution_id",
            "course__institution__name",
            "course__name",
            "date",
            "start_time",
            "end_time",
            "violations",
        )[:limit]
    )
    for inst_id, inst_name, name, day, start, end, violations in sessions:
        when = f"{_cn_day(day)} {start:%H:%M}～{end:%H:%M}"
        for v in violations:
            rows.append(
                ViolationRow(inst_id, inst_name, f"课表：{name}", when, v["message"], v.get("citation", ""))
            )
    orders = (
        scoped(Order, user)
        .exclude(violations=[])
        .values_list("pk", "institution_id", "institution__name", "paid_on", "violations")[:limit]
    )
    for pk, inst_id, inst_name, paid_on, violations in orders:
        when = _cn_day(paid_on) if paid_on else ""
        for v in violations:
            rows.append(
                ViolationRow(inst_id, inst_name, f"收费订单{pk}", when, v["message"], v.get("citation", ""))
            )
    staff = (
        scoped(Staff, user)
        .filter(in_service_teacher__isnull=False)
        .values_list("institution_id", "institution__name", "name")[:limit]
    )
    for inst_id, inst_name, name in staff:
        rows.append(
            ViolationRow(
                inst_id,
                inst_name,
                f"从业人员：{name}",
                "",
                "在职中小学教师在校外培训机构任职（有偿补课）",
                "",
            )
        )
    return rows


@dataclass(frozen=True)
class InServiceMatch:
    """A tutoring institution's staff member matched to an in-service public-school teacher."""

    staff_id: int
    teacher_id: int
    institution_name: str
    subject: str
    employed_from: dt.date | None


def in_service_matches() -> list[InServiceMatch]:
    """Every staff member matched to an in-service teacher (paid tutoring by a serving teacher),
    for the workforce module's ethics incidents. A system read (no user, no identity numbers)."""
    rows = Staff.objects.filter(in_service_teacher__isnull=False).select_related("institution").order_by("pk")
    return [
        InServiceMatch(
            s.pk, int(s.in_service_teacher_id or 0), s.institution.name, s.subject, s.employed_from
        )
        for s in rows
    ]


def in_service_counts_by_school(*, school_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """How many of each school's serving teachers were on a tutoring institution's staff at some
    time within [start, end] (matched by the staff service against the teacher registry), for the
    school appraisal. Counts only: no names, no identity numbers. A system read, like
    `in_service_matches`."""
    rows = (
        Staff.objects.filter(in_service_teacher__school_id__in=list(school_ids))
        .filter(Q(employed_from__isnull=True) | Q(employed_from__lte=end))
        .filter(Q(employed_to__isnull=True) | Q(employed_to__gte=start))
        .values("in_service_teacher__school_id")
        .annotate(n=Count("in_service_teacher", distinct=True))
        .order_by()
    )
    return {r["in_service_teacher__school_id"]: r["n"] for r in rows}


def public_search(*, search: str = "", area_code: str = "") -> QuerySet[Institution]:
    qs = Institution.objects.filter(status__in=PUBLIC_STATUSES).select_related("area")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(credit_code=search.upper()))
    if area_code:
        qs = qs.filter(area__code=area_code)
    return qs


def public_detail(*, pk: int) -> dict[str, Any] | None:
    row = Institution.objects.filter(pk=pk, status__in=PUBLIC_STATUSES).values(*PUBLIC_FIELDS).first()
    if row is None:
        return None
    inst = Institution(
        **{k: v for k, v in row.items() if k in ("category", "mode", "status", "list_status", "custody_mode")}
    )
    row["category_display"] = inst.get_category_display()
    row["mode_display"] = inst.get_mode_display()
    row["status_display"] = inst.get_status_display()
    row["list_status_display"] = inst.get_list_status_display()
    row["custody_display"] = inst.get_custody_mode_display()
    # A public warning names why: the black-list reason, and the decision that put the institution in
    # its current status when that status stops or ends its teaching.
    row["warning"] = row["list_status"] == ListStatus.BLACK or row["status"] in WARNING_STATUSES
    change = (
        StatusChange.objects.filter(institution_id=pk, to_status=row["status"])
        .values("reason", "changed_on")
        .first()
        if row["status"] in WARNING_STATUSES
        else None
    )
    row["status_reason"] = change["reason"] if change else ""
    row["status_changed_on"] = change["changed_on"] if change else None
    row["courses"] = list(
        Course.objects.filter(institution_id=pk, approved=True).values(
            "name", "subject", "grade_min", "grade_max", "mode", "lessons", "price_per_lesson"
        )
    )
    for course in row["courses"]:  # money with thousands separators, as parents read prices
        course["price_display"] = f"{course['price_per_lesson']:,.2f}"
    return row


# Dashboard --------------------------------------------------------------------------------------


def dashboard(*, user: Any, today: dt.date) -> dict[str, Any]:
    insts = scoped(Institution, user)
    by_status = dict(insts.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    risk = latest_risk(user=user)
    # .order_by(): latest_risk is ordered by score, and an ordering column joins GROUP BY
    levels = dict(risk.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n"))
    totals = risk.aggregate(unconsumed=Sum("unconsumed"), custody=Sum("custody_balance"))
    unconsumed, custody = totals["unconsumed"] or 0, totals["custody"] or 0
    risk_by_inst = dict(risk.values_list("institution_id", "level"))
    points = [
        {
            "name": i.name,
            "value": [float(i.longitude or 0), float(i.latitude or 0)],  # both set: excluded below
            "status": i.get_status_display(),
            "risk": risk_by_inst.get(i.pk, "low"),
        }
        for i in insts.exclude(longitude=None)
        .exclude(latitude=None)
        .only("name", "longitude", "latitude", "status")
    ]
    top = [
        {
            "name": r.institution.name,
            "pk": r.institution_id,
            "score": r.score,
            "reasons": r.reasons,
            "coverage": r.coverage,
        }
        for r in risk[:10]
    ]
    return {
        "status": [{"name": InstitutionStatus(k).label, "value": v} for k, v in sorted(by_status.items())],
        "levels": {k: levels.get(k, 0) for k in ("high", "medium", "low")},
        "unconsumed": float(unconsumed),
        "custody": float(custody),
        "coverage": float(custody) / float(unconsumed) if unconsumed else None,
        "points": points,
        "top": top,
        "total": sum(by_status.values()),
        "white": insts.filter(list_status=ListStatus.WHITE).count(),
        "black": insts.filter(list_status=ListStatus.BLACK).count(),
        "unlicensed_open": scoped(UnlicensedSite, user).filter(status=UnlicensedStatus.OPEN).count(),
        "alerts": scoped(Alert, user).filter(handled=False, date__gte=today - dt.timedelta(days=7)).count(),
        **complaint_counts(user=user, today=today),
    }


def enforcement_stats(*, user: Any, start: dt.date, end: dt.date, area_path: str = "") -> dict[str, Any]:
    """The figures bureaus report: closed N unlicensed sites, ordered N to rectify, revoked N."""
    qs = scoped(EnforcementAction, user).filter(decided_on__gte=start, decided_on__lte=end)
    if area_path:
        qs = qs.filter(area__path__startswith=area_path)
    counts = dict(qs.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    inspections = scoped(Inspection, user).filter(inspected_on__gte=start, inspected_on__lte=end)
    if area_path:
        inspections = inspections.filter(area__path__startswith=area_path)
    by_area = list(
        qs.values("area__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "area__name")
        .values_list("area__name", "n")
    )
    n = {k: counts.get(k, 0) for k in ActionKind.values}
    n_inspections = inspections.count()
    sentence = (
        f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}，共检查{n_inspections}次，"
        f"取缔无证无照培训点{n['close_unlicensed']}个，责令{n['rectify']}家机构整改，"
        f"责令停业整顿{n['suspend']}家，吊销办学许可证{n['revoke']}家，移送其他部门{n['refer']}件，"
        f"列入黑名单{n['blacklist']}家。"
    )
    return {
        "counts": n,
        "labels": dict(ActionKind.choices),
        "by_area": by_area,
        "sentence": sentence,
        "inspections": n_inspections,
    }


def open_unlicensed(*, user: Any) -> QuerySet[UnlicensedSite]:
    return scoped(UnlicensedSite, user).select_related("area")


def has_unhandled_alert() -> Exists:
    return Exists(Alert.objects.filter(institution=OuterRef("pk"), handled=False))


__all__ = [
    "HANDLING",
    "OPEN_COMPLAINT",
    "PUBLIC_FIELDS",
    "PUBLIC_STATUSES",
    "WARNING_STATUSES",
    "ComplaintFilters",
    "ComplaintStepRow",
    "InServiceMatch",
    "StaffRow",
    "ViolationRow",
    "can_see_identity",
    "complaint_counts",
    "complaint_events",
    "complaint_list",
    "complaint_overdue_counts",
    "complaint_public_steps",
    "dashboard",
    "enforcement_stats",
    "has_unhandled_alert",
    "in_service_matches",
    "inspection_rows",
    "inspector_candidates",
    "institution_list",
    "institution_pick",
    "latest_risk",
    "open_unlicensed",
    "public_detail",
    "public_search",
    "staff_rows",
    "violation_rows",
]
