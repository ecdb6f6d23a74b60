"""Tutoring pages: supervision (dashboard, institutions, risk, violations, unlicensed sites,
inspections and enforcement, complaints), the operator's own institution, and the public lookup and
complaint form (no login, rate-limited). Reads via selectors, writes via services.

One module per area of the site; every view is re-exported here, so urls.py keeps `views.<name>`."""

from .common import PUBLIC_COMPLAINTS_PER_HOUR, PUBLIC_LOOKUPS_PER_MINUTE, rate_limited
from .complaints import complaint_detail, complaint_list
from .institutions import (
    course_create,
    institution_create,
    institution_detail,
    institution_edit,
    institution_list,
    institution_set_list,
    institution_transition,
    session_create,
    staff_create,
    staff_export,
)
from .money import order_create, order_detail, refund_settle
from .public import public_complaint, public_complaint_track, public_detail, public_lookup
from .supervision import (
    dashboard,
    inspection_list,
    institution_pick,
    risk_list,
    supervision_report,
    unlicensed_list,
    violation_list,
)

__all__ = [
    "PUBLIC_COMPLAINTS_PER_HOUR",
    "PUBLIC_LOOKUPS_PER_MINUTE",
    "complaint_detail",
    "complaint_list",
    "course_create",
    "dashboard",
    "inspection_list",
    "institution_create",
    "institution_detail",
    "institution_edit",
    "institution_list",
    "institution_pick",
    "institution_set_list",
    "institution_transition",
    "order_create",
    "order_detail",
    "public_complaint",
    "public_complaint_track",
    "public_detail",
    "public_lookup",
    "rate_limited",
    "refund_settle",
    "risk_list",
    "session_create",
    "staff_create",
    "staff_export",
    "supervision_report",
    "unlicensed_list",
    "violation_list",
]
