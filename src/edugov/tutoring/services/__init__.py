"""Tutoring writes: keyword-only, atomic, scoped and audited. Supervisors (district administrators,
the 校外培训监管科, inspectors) decide statuses and enforcement; an institution operator maintains
only their own institution's staff, courses, timetable and orders.

One module per sub-domain; every public name is re-exported here, so callers keep writing
`from edugov.tutoring import services; services.order_create(...)`."""

from .common import ADVERSE, CENT, TutoringError, snapshot_safe
from .complaints import (
    STEPS,
    complaint_accept,
    complaint_allowed_steps,
    complaint_investigate,
    complaint_rate,
    complaint_refer,
    complaint_reply,
    complaint_submit,
)
from .courses import COURSE_FIELDS, DayKinds, course_check, course_create, session_create
from .daily_risk import compute_inputs, risk_compute
from .institutions import (
    INSTITUTION_FIELDS,
    institution_create,
    institution_set_list,
    institution_transition,
    institution_update,
    unlicensed_site_create,
    violation_count,
    white_list_blockers,
    white_list_recheck,
)
from .money import consumption_record, order_create, order_unconsumed, refund_request, refund_settle
from .staff import STAFF_FIELDS, staff_create, staff_match_in_service
from .supervision import STATUS_FOR_ACTION, enforcement_create, inspection_record

__all__ = [
    "ADVERSE",
    "CENT",
    "COURSE_FIELDS",
    "INSTITUTION_FIELDS",
    "STAFF_FIELDS",
    "STATUS_FOR_ACTION",
    "STEPS",
    "DayKinds",
    "TutoringError",
    "complaint_accept",
    "complaint_allowed_steps",
    "complaint_investigate",
    "complaint_rate",
    "complaint_refer",
    "complaint_reply",
    "complaint_submit",
    "compute_inputs",
    "consumption_record",
    "course_check",
    "course_create",
    "enforcement_create",
    "inspection_record",
    "institution_create",
    "institution_set_list",
    "institution_transition",
    "institution_update",
    "order_create",
    "order_unconsumed",
    "refund_request",
    "refund_settle",
    "risk_compute",
    "session_create",
    "snapshot_safe",
    "staff_create",
    "staff_match_in_service",
    "unlicensed_site_create",
    "violation_count",
    "white_list_blockers",
    "white_list_recheck",
]
