"""Tutoring writes: keyword-only, atomic, scoped and audited. Supervisors (district administrators,
the 校外培训监管科, inspectors) decide statuses and enforcement; an institution operator maintains
only their own institution's staff, courses, timetable and orders."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_references_writable
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_create, audit_record, audit_update, snapshot
from edugov.common.cache import bump_on_commit
from edugov.common.errors import DomainError, ErrorCode
from edugov.common.services import model_update
from edugov.common.text import normalize_cell
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import Area, CalendarDayKind, SchoolYear, Teacher

from . import risk as risk_rules
from . import rules
from .models import (
    TRANSITIONS,
    ActionKind,
    Alert,
    AlertKind,
    Complaint,
    ComplaintStatus,
    Consumption,
    Course,
    EnforcementAction,
    Inspection,
    Institution,
    InstitutionStatus,
    ListStatus,
    Order,
    Refund,
    RefundStatus,
    RiskSnapshot,
    Session,
    Staff,
    StatusChange,
    UnlicensedSite,
    UnlicensedStatus,
)

COMPLAINT_DAYS = 15  # days to reply (a common local time limit for letters and visits)
ADVERSE = (InstitutionStatus.RECTIFYING, InstitutionStatus.SUSPENDED)
CENT = Decimal("0.01")


class TutoringError(ErrorCode):
    BAD_TRANSITION = "机构当前为“{current}”，不能变更为“{target}”（可变更为：{allowed}）"
    REASON_REQUIRED = "请填写变更原因"
    AREA_NOT_TOWN = "机构所在地应选择乡镇（街道）级区划"
    SESSION_OVERLAP = "与同一课程{date} {start}～{end}的课表时间重叠"
    TUTOR_OTHER_INSTITUTION = "授课教师不属于本机构"
    OVER_CONSUMED = "该订单共{total}课时，已消课{used}课时，不能再消课{lessons}课时"
    REFUND_OVER = "退费金额{amount}元超过该订单未消课金额{left}元"
    REFUND_NOT_PENDING = "该退费已处理"
    ACTION_TARGET = "请选择一个机构或一个无证无照培训点"
    ACTION_KIND_TARGET = "“{kind}”只适用于{target}"
    DEADLINE_REQUIRED = "责令整改须填写整改期限"
    RATING_RANGE = "满意度应为1～5分"
    COMPLAINT_NOT_REPLIED = "投诉尚未答复，不能评价"
    BAD_LIST = "名单类型无效"


def _check_town(area: Area) -> None:
    """Institutions and sites hang on a town; whether the writer may name it is the reference
    check (ensure_references_writable: towns within the writer's area)."""
    if area.level != 4:
        raise DomainError(TutoringError.AREA_NOT_TOWN)


def snapshot_safe(instance: Any) -> dict[str, Any]:
    """snapshot() with file fields as their stored names (files are not JSON)."""
    data = snapshot(instance)
    return {k: (v.name if hasattr(v, "name") and hasattr(v, "storage") else v) for k, v in data.items()}


def _audit(action: str, instance: Any, area_path: str, changes: dict[str, Any] | None = None) -> None:
    audit_record(action=action, instance=instance, changes=changes or {}, area_path=area_path)


# Institutions ---------------------------------------------------------------------------------

INSTITUTION_FIELDS = [
    "name", "credit_code", "licence_number", "licence_valid_from", "licence_valid_to", "category",
    "nonprofit_registered", "mode", "area", "address", "longitude", "latitude", "floor_area",
    "legal_representative", "contact_phone", "custody_mode", "custody_bank", "custody_account",
    "risk_reserve",
]  # fmt: skip


@transaction.atomic
def institution_create(*, actor: Any, data: dict[str, Any], on: dt.date | None = None) -> Institution:
    ensure_can(actor, "tutoring.institution_create")
    fields = {k: v for k, v in data.items() if k in INSTITUTION_FIELDS}
    if isinstance(fields.get("credit_code"), str):
        fields["credit_code"] = normalize_cell(fields["credit_code"]).upper()
    status = data.get("status", InstitutionStatus.APPLYING)
    institution = Institution(status=status, **fields)
    institution.full_clean()
    _check_town(institution.area)
    ensure_references_writable(actor, institution)
    institution.save()
    StatusChange.objects.create(
        institution=institution, from_status="", to_status=status, reason="登记",
        changed_on=on or timezone.localdate(), actor=actor,
    )  # fmt: skip
    audit_create(instance=institution)
    return institution


@transaction.atomic
def institution_update(*, institution: Institution, actor: Any, data: dict[str, Any]) -> Institution:
    ensure_can(actor, "tutoring.institution_edit", institution)
    if isinstance(data.get("credit_code"), str):
        data = {**data, "credit_code": normalize_cell(data["credit_code"]).upper()}
    institution, changes = model_update(
        instance=institution, fields=INSTITUTION_FIELDS, data=data, actor=actor
    )
    if "area" in changes:
        _check_town(institution.area)
    audit_update(instance=institution, changes=changes)
    return institution


@transaction.atomic
def institution_transition(
    *, institution: Institution, actor: Any, to_status: str, reason: str, on: dt.date | None = None
) -> StatusChange:
    ensure_can(actor, "tutoring.institution_transition", institution)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(TutoringError.REASON_REQUIRED)
    current = institution.status
    allowed = TRANSITIONS.get(current, frozenset())
    if to_status not in allowed:
        raise DomainError(
            TutoringError.BAD_TRANSITION,
            current=InstitutionStatus(current).label,
            target=InstitutionStatus(to_status).label if to_status in InstitutionStatus.values else to_status,
            allowed="、".join(InstitutionStatus(s).label for s in InstitutionStatus.values if s in allowed)
            or "无",
        )
    if to_status == InstitutionStatus.LICENSED and not institution.licence_number:
        from django.core.exceptions import ValidationError

        raise ValidationError({"licence_number": "取得许可前须填写办学许可证号"})
    institution.status = to_status
    institution.save(update_fields=["status"])
    change = StatusChange.objects.create(
        institution=institution, from_status=current, to_status=to_status, reason=reason[:200],
        changed_on=on or timezone.localdate(), actor=actor,
    )  # fmt: skip
    audit_update(instance=institution, changes={"status": (current, to_status)})
    return change


@transaction.atomic
def institution_set_list(
    *, institution: Institution, actor: Any, list_status: str, reason: str
) -> Institution:
    ensure_can(actor, "tutoring.institution_set_list", institution)
    if list_status not in ListStatus.values:
        raise DomainError(TutoringError.BAD_LIST)
    if list_status and not (reason or "").strip():
        raise DomainError(TutoringError.REASON_REQUIRED)
    institution, changes = model_update(
        instance=institution,
        fields=["list_status", "list_reason"],
        data={"list_status": list_status, "list_reason": (reason or "").strip()[:200]},
        actor=actor,
    )
    audit_update(instance=institution, changes=changes)
    return institution


@transaction.atomic
def unlicensed_site_create(*, actor: Any, data: dict[str, Any]) -> UnlicensedSite:
    ensure_can(actor, "tutoring.unlicensed_create")
    site = UnlicensedSite(found_by=actor, **data)
    site.full_clean(exclude=["found_by"])
    _check_town(site.area)
    ensure_references_writable(actor, site)
    site.save()
    audit_create(instance=site)
    return site


# Staff ----------------------------------------------------------------------------------------

STAFF_FIELDS = [
    "name", "id_number", "phone", "is_tutor", "teaches_subject", "subject", "qualification_number",
    "background_checked", "employed_from", "employed_to",
]  # fmt: skip


def _in_service_match(id_number: str) -> Teacher | None:
    return Teacher.objects.filter(id_number=id_number, archived_at__isnull=True).first()


@transaction.atomic
def staff_create(*, actor: Any, institution: Institution, data: dict[str, Any]) -> Staff:
    ensure_can(actor, "tutoring.staff_create", institution)
    fields = {k: v for k, v in data.items() if k in STAFF_FIELDS}
    if isinstance(fields.get("id_number"), str):
        fields["id_number"] = normalize_cell(fields["id_number"]).upper()
    staff = Staff(institution=institution, **fields)
    staff.full_clean()
    # The in-service match below is the registry's answer, not a row the writer names.
    ensure_references_writable(actor, staff, fields=["institution"])
    staff.in_service_teacher = _in_service_match(staff.id_number)
    staff.save()
    _audit(AuditAction.CREATE, staff, institution.area.path, {"after": _masked_snapshot(staff)})
    return staff


def _masked_snapshot(staff: Staff) -> dict[str, Any]:
    from edugov.common.text import mask_id_number, mask_phone

    data = snapshot(staff)
    data["id_number"] = mask_id_number(staff.id_number)
    data["phone"] = mask_phone(staff.phone)
    return data


@transaction.atomic
def staff_match_in_service() -> int:
    """Re-match every staff member against the teacher registry (after a teacher import)."""
    by_id = dict(
        Teacher.objects.filter(archived_at__isnull=True).exclude(id_number="").values_list("id_number", "pk")
    )
    changed = []
    for staff in Staff.objects.only("pk", "id_number", "in_service_teacher_id"):
        found = by_id.get(staff.id_number)
        if found != staff.in_service_teacher_id:
            staff.in_service_teacher_id = found
            changed.append(staff)
    Staff.objects.bulk_update(changed, ["in_service_teacher"], batch_size=1000)
    return len(changed)


# Courses and timetable ------------------------------------------------------------------------

COURSE_FIELDS = [
    "name", "is_subject", "subject", "grade_min", "grade_max", "mode", "within_syllabus", "class_size_band",
    "lessons", "lesson_minutes", "price_per_lesson", "guidance_price", "tutor", "approved",
]  # fmt: skip


def course_check(course: Course, limits: rules.Limits | None = None) -> list[dict[str, Any]]:
    institution = course.institution
    limits = limits or rules.limits_for(institution.area.path)
    tutor = course.tutor
    found = rules.course_violations(
        limits=limits,
        is_subject=course.is_subject,
        institution_is_subject=institution.is_subject,
        mode=course.mode,
        grade_min=course.grade_min,
        within_syllabus=course.within_syllabus,
        price_per_lesson=course.price_per_lesson,
        guidance_price=course.guidance_price,
        tutor_qualified=None if tutor is None else bool(tutor.qualification_number),
    )
    if tutor is not None and tutor.in_service_teacher_id:
        found.append(
            rules.Violation("in_service_teacher", f"授课教师{tutor.name}为在职中小学教师，不得有偿补课")
        )
    return rules.as_json(found)


@transaction.atomic
def course_create(*, actor: Any, institution: Institution, data: dict[str, Any]) -> Course:
    ensure_can(actor, "tutoring.course_create", institution)
    fields = {k: v for k, v in data.items() if k in COURSE_FIELDS}
    course = Course(institution=institution, **fields)
    course.full_clean(exclude=["violations"])
    ensure_references_writable(actor, course)  # before the rules: a foreign row is not confirmed
    if course.tutor is not None and course.tutor.institution_id != institution.pk:
        raise DomainError(TutoringError.TUTOR_OTHER_INSTITUTION)
    course.violations = course_check(course)
    course.save()
    _audit(AuditAction.CREATE, course, institution.area.path, {"after": snapshot(course)})
    return course


class DayKinds:
    """What kind of day a date is, from the school calendars (loaded once per school year)."""

    def __init__(self) -> None:
        self._years = list(SchoolYear.objects.order_by("start_date"))
        self._calendars: dict[int, SchoolCalendar] = {}

    def __call__(self, day: dt.date) -> str:
        year = next((y for y in self._years if y.start_date <= day <= y.end_date), None)
        if year is None:
            return CalendarDayKind.WEEKEND if day.weekday() >= 5 else CalendarDayKind.SCHOOL_DAY
        if year.pk not in self._calendars:
            self._calendars[year.pk] = SchoolCalendar.for_year(year)
        return self._calendars[year.pk].day_kind(day)


@transaction.atomic
def session_create(
    *,
    actor: Any,
    course: Course,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    day_kinds: Any = None,
) -> Session:
    institution = course.institution
    ensure_can(actor, "tutoring.session_create", course)
    session = Session(course=course, date=date, start_time=start_time, end_time=end_time)
    session.full_clean(exclude=["violations"])
    slot = rules.Slot(rules.minutes(start_time), rules.minutes(end_time))
    others = list(Session.objects.filter(course=course, date=date).values_list("start_time", "end_time"))
    for s, e in others:
        if rules.overlaps(slot, rules.Slot(rules.minutes(s), rules.minutes(e))):
            raise DomainError(
                TutoringError.SESSION_OVERLAP, date=f"{date:%Y-%m-%d}", start=f"{s:%H:%M}", end=f"{e:%H:%M}"
            )
    kind = (day_kinds or DayKinds())(date)
    found = rules.session_violations(
        limits=rules.limits_for(institution.area.path),
        is_subject=course.is_subject,
        mode=course.mode,
        day_kind=kind,
        start=start_time,
        end=end_time,
        same_day_online=[rules.Slot(rules.minutes(s), rules.minutes(e)) for s, e in others],
    )
    session.violations = rules.as_json(found)
    ensure_references_writable(actor, session)
    session.save()
    _audit(AuditAction.CREATE, session, institution.area.path, {"after": snapshot(session)})
    return session


# Prepaid fees ---------------------------------------------------------------------------------


@transaction.atomic
def order_create(*, actor: Any, institution: Institution, data: dict[str, Any]) -> Order:
    """Recorded even when over the limits (the money was taken); the violations are flagged."""
    ensure_can(actor, "tutoring.order_create", institution)
    allowed = ("course", "pupil_name", "parent_phone", "lessons", "amount", "paid_on", "covers_until")
    order = Order(institution=institution, **{k: v for k, v in data.items() if k in allowed})
    order.full_clean(exclude=["violations"])
    ensure_references_writable(actor, order)  # before the rules: a foreign row is not confirmed
    if order.course is not None and order.course.institution_id != institution.pk:
        raise DomainError(TutoringError.TUTOR_OTHER_INSTITUTION)
    order.violations = rules.as_json(
        rules.order_violations(
            limits=rules.limits_for(institution.area.path),
            lessons=order.lessons,
            amount=order.amount,
            paid_on=order.paid_on,
            covers_until=order.covers_until,
        )
    )
    order.save()
    _audit(
        AuditAction.CREATE,
        order,
        institution.area.path,
        {"after": {"id": order.pk, "amount": str(order.amount)}},
    )
    return order


@transaction.atomic
def consumption_record(*, actor: Any, order: Order, date: dt.date, lessons: int) -> Consumption:
    ensure_can(actor, "tutoring.consumption_record", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    used = Consumption.objects.filter(order=order).aggregate(n=Sum("lessons"))["n"] or 0
    if lessons < 1 or used + lessons > order.lessons:
        raise DomainError(TutoringError.OVER_CONSUMED, total=order.lessons, used=used, lessons=lessons)
    amount = (order.amount * lessons / order.lessons).quantize(CENT, ROUND_HALF_UP)
    row = Consumption.objects.create(
        institution_id=order.institution_id, order=order, date=date, lessons=lessons, amount=amount
    )
    _audit(AuditAction.CREATE, row, order.institution.area.path, {"after": snapshot(row)})
    return row


def order_unconsumed(order: Order) -> Decimal:
    consumed = Consumption.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    refunded = Refund.objects.filter(order=order).exclude(status=RefundStatus.REFUSED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    return order.amount - consumed - refunded


@transaction.atomic
def refund_request(*, actor: Any, order: Order, amount: Decimal, requested_on: dt.date) -> Refund:
    ensure_can(actor, "tutoring.refund_request", order)
    order = Order.objects.select_for_update().get(pk=order.pk)
    left = order_unconsumed(order)
    if amount <= 0 or amount > left:
        raise DomainError(TutoringError.REFUND_OVER, amount=amount, left=left)
    refund = Refund.objects.create(
        institution_id=order.institution_id, order=order, amount=amount, requested_on=requested_on
    )
    _audit(AuditAction.CREATE, refund, order.institution.area.path, {"after": snapshot(refund)})
    return refund


@transaction.atomic
def refund_settle(*, actor: Any, refund: Refund, paid: bool, on: dt.date) -> Refund:
    ensure_can(actor, "tutoring.refund_settle", refund)
    if refund.status != RefundStatus.REQUESTED:
        raise DomainError(TutoringError.REFUND_NOT_PENDING)
    before = refund.status
    refund.status = RefundStatus.PAID if paid else RefundStatus.REFUSED
    refund.paid_on = on if paid else None
    refund.save(update_fields=["status", "paid_on"])
    audit_update(instance=refund, changes={"status": (before, refund.status)})
    return refund


# Daily risk -----------------------------------------------------------------------------------


def compute_inputs(
    *, on: dt.date, institution_ids: list[int] | None = None
) -> dict[int, risk_rules.RiskInput]:
    """The score's inputs for every institution as of `on`: one set-based Ibis expression
    (tutoring/risk_inputs.py) run on the operational database."""
    from .risk_inputs import compute_inputs as _compute

    return _compute(on=on, institution_ids=institution_ids)


@transaction.atomic
def risk_compute(*, on: dt.date, institution_ids: list[int] | None = None, actor: Any = None) -> int:
    """Recompute the day's snapshot for every institution and raise the alerts; idempotent per day.
    `actor` None is the schedule or the command line; a user must be allowed to ask for it."""
    if actor is not None:
        ensure_can(actor, "tutoring.risk_compute")
    inputs = compute_inputs(on=on, institution_ids=institution_ids)
    previous = dict(
        RiskSnapshot.objects.filter(
            institution_id__in=list(inputs), date=on - dt.timedelta(days=1)
        ).values_list("institution_id", "score")
    )
    area_paths = dict(Institution.objects.filter(pk__in=list(inputs)).values_list("pk", "area__path"))
    names = dict(Institution.objects.filter(pk__in=list(inputs)).values_list("pk", "name"))
    limits_cache: dict[str, rules.Limits] = {}
    snapshots: list[RiskSnapshot] = []
    alerts: list[Alert] = []
    for iid, data in inputs.items():
        res = risk_rules.score(data)
        path = area_paths[iid]
        limits = limits_cache.get(path) or limits_cache.setdefault(path, rules.limits_for(path))
        snapshots.append(
            RiskSnapshot(
                institution_id=iid, date=on, unconsumed=data.unconsumed, custody_balance=data.custody_balance,
                coverage=res.coverage, sales_30d=data.sales_30d, consumed_30d=data.consumed_30d,
                consumed_prev_30d=data.consumed_prev_30d, refund_backlog=data.refund_backlog,
                refund_backlog_amount=data.refund_backlog_amount, complaints_30d=data.complaints_30d,
                status_changes_90d=data.adverse_status_90d, score=res.score, level=res.level,
                reasons=res.reasons,
            )
        )  # fmt: skip
        if res.coverage is not None and res.coverage < limits.coverage_alert_below:
            alerts.append(
                Alert(
                    institution_id=iid,
                    date=on,
                    kind=AlertKind.COVERAGE,
                    message=f"{names[iid]}资金覆盖率{res.coverage * 100:.0f}%，"
                    f"低于预警线{limits.coverage_alert_below * 100:.0f}%",
                )
            )
        before = previous.get(iid)
        if before is not None and res.score - before >= limits.score_jump_alert:
            alerts.append(
                Alert(
                    institution_id=iid,
                    date=on,
                    kind=AlertKind.SCORE_JUMP,
                    message=f"{names[iid]}风险分由{before}分升至{res.score}分",
                )
            )
    RiskSnapshot.objects.filter(institution_id__in=list(inputs), date=on).delete()
    RiskSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    Alert.objects.filter(institution_id__in=list(inputs), date=on).delete()
    Alert.objects.bulk_create(alerts, batch_size=1000)
    bump_on_commit()  # a bulk write the job path records no audit for: cached figures move on commit
    return len(snapshots)


# Inspections, enforcement ---------------------------------------------------------------------


@transaction.atomic
def inspection_record(*, actor: Any, data: dict[str, Any]) -> Inspection:
    ensure_can(actor, "tutoring.inspection_record")
    allowed = ("institution", "unlicensed_site", "planned_on", "inspected_on", "findings", "compliant",
               "attachment", "is_reinspection")  # fmt: skip
    inspection = Inspection(inspector=actor, **{k: v for k, v in data.items() if k in allowed})
    target = inspection.institution or inspection.unlicensed_site
    if target is None or (inspection.institution and inspection.unlicensed_site):
        raise DomainError(TutoringError.ACTION_TARGET)
    ensure_can(actor, "tutoring.inspection_record", target)
    inspection.area = target.area
    inspection.full_clean(exclude=["inspector"])
    ensure_references_writable(actor, inspection)
    inspection.save()
    after = snapshot_safe(inspection)
    _audit(AuditAction.CREATE, inspection, inspection.area.path, {"after": after})
    return inspection


STATUS_FOR_ACTION: dict[str, InstitutionStatus] = {
    ActionKind.RECTIFY: InstitutionStatus.RECTIFYING,
    ActionKind.SUSPEND: InstitutionStatus.SUSPENDED,
    ActionKind.REVOKE: InstitutionStatus.REVOKED,
}


@transaction.atomic
def enforcement_create(*, actor: Any, data: dict[str, Any]) -> EnforcementAction:
    """Decide an action; the institution's status (or the site's) follows in the same transaction."""
    ensure_can(actor, "tutoring.enforcement_create")
    allowed = ("institution", "unlicensed_site", "inspection", "kind", "decided_on", "deadline",
               "referred_to", "note")  # fmt: skip
    action = EnforcementAction(actor=actor, **{k: v for k, v in data.items() if k in allowed})
    target = action.institution or action.unlicensed_site
    if target is None or (action.institution and action.unlicensed_site):
        raise DomainError(TutoringError.ACTION_TARGET)
    ensure_can(actor, "tutoring.enforcement_create", target)
    kind = action.kind
    if kind == ActionKind.CLOSE_UNLICENSED and action.unlicensed_site is None:
        raise DomainError(
            TutoringError.ACTION_KIND_TARGET, kind=ActionKind(kind).label, target="无证无照培训点"
        )
    if (kind in STATUS_FOR_ACTION or kind == ActionKind.BLACKLIST) and action.institution is None:
        raise DomainError(TutoringError.ACTION_KIND_TARGET, kind=ActionKind(kind).label, target="持证机构")
    if kind == ActionKind.RECTIFY and action.deadline is None:
        raise DomainError(TutoringError.DEADLINE_REQUIRED)
    action.area = target.area
    action.full_clean(exclude=["actor"])
    ensure_references_writable(actor, action)
    action.save()
    reason = f"{ActionKind(kind).label}：{action.note}" if action.note else ActionKind(kind).label
    if kind in STATUS_FOR_ACTION and action.institution is not None:
        institution_transition(
            institution=action.institution, actor=actor, to_status=STATUS_FOR_ACTION[kind], reason=reason,
            on=action.decided_on,
        )  # fmt: skip
    elif kind == ActionKind.BLACKLIST and action.institution is not None:
        institution_set_list(institution=action.institution, actor=actor, list_status="black", reason=reason)
    elif kind == ActionKind.CLOSE_UNLICENSED and action.unlicensed_site is not None:
        site = action.unlicensed_site
        before = site.status
        site.status, site.closed_on = UnlicensedStatus.CLOSED, action.decided_on
        site.save(update_fields=["status", "closed_on"])
        audit_update(instance=site, changes={"status": (before, site.status)})
    audit_create(instance=action)
    return action


# Complaints -----------------------------------------------------------------------------------


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def complaint_submit(*, data: dict[str, Any], today: dt.date | None = None) -> Complaint:
    """From the public form: no user, so the audit record names the source only."""
    today = today or timezone.localdate()
    institution = data.get("institution")
    area = institution.area if institution is not None else data.get("area")
    complaint = Complaint(
        institution=institution,
        institution_text=(data.get("institution_text") or "")[:100],
        area=area,
        topic=data.get("topic", "")[:20],
        content=data.get("content", ""),
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        submitted_on=today,
        deadline=today + dt.timedelta(days=COMPLAINT_DAYS),
        tracking_code=_tracking_code(),
    )
    complaint.full_clean()
    complaint.save()
    audit_record(
        action=AuditAction.CREATE, instance=complaint, area_path=complaint.area.path,
        changes={"after": {"id": complaint.pk, "topic": complaint.topic,
                           "institution": complaint.institution_id}},
    )  # fmt: skip
    return complaint


@transaction.atomic
def complaint_reply(*, actor: Any, complaint: Complaint, reply: str) -> Complaint:
    ensure_can(actor, "tutoring.complaint_reply", complaint)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(TutoringError.REASON_REQUIRED)
    before = complaint.status
    complaint.reply, complaint.status, complaint.assignee = reply[:4000], ComplaintStatus.REPLIED, actor
    complaint.save(update_fields=["reply", "status", "assignee"])
    audit_update(instance=complaint, changes={"status": (before, complaint.status)})
    return complaint


@transaction.atomic
def complaint_rate(*, tracking_code: str, rating: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(tracking_code=tracking_code)
    if complaint.status not in (ComplaintStatus.REPLIED, ComplaintStatus.CLOSED):
        raise DomainError(TutoringError.COMPLAINT_NOT_REPLIED)
    if not 1 <= rating <= 5:
        raise DomainError(TutoringError.RATING_RANGE)
    complaint.rating, complaint.status = rating, ComplaintStatus.CLOSED
    complaint.save(update_fields=["rating", "status"])
    audit_record(action=AuditAction.UPDATE, instance=complaint, area_path=complaint.area.path,
                 changes={"rating": [None, rating]})  # fmt: skip
    return complaint
