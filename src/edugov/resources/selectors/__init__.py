"""Reads behind the 优质均衡 pages, exports and CLI: who may see what, which district and school
year a request means, and the page data (tables and ECharts payloads as plain data).

Everything is computed by evaluate_balanced (through the scoping point when a user is given).
One module per page; every public name is re-exported here (`from edugov.resources import selectors`)."""

from edugov.common.errors import DomainError  # the views reach these two as selectors.<name>
from edugov.registry.models import SchoolYear

from .balanced_page import (
    BalancedPage,
    ChartPayload,
    CVRow,
    StageSummary,
    balanced_cv_trend,
    balanced_page,
    cv_rows,
    stage_summaries,
)
from .common import (
    MAX_WHATIF_AMOUNT,
    MAX_WHATIF_LINES,
    ResourcesError,
    district_by_code,
    district_for,
    ensure_allowed,
    school_year_for,
)
from .preschool_page import KindergartenCard, PreschoolPage, kindergarten_card, preschool_page
from .school_card import SchoolCard, school_card
from .school_results import SchoolBalanced, school_balanced_results
from .whatif import WhatIfLine, WhatIfResult, gap_page, parse_whatif, what_if

__all__ = [
    "MAX_WHATIF_AMOUNT",
    "MAX_WHATIF_LINES",
    "BalancedPage",
    "CVRow",
    "ChartPayload",
    "DomainError",
    "KindergartenCard",
    "PreschoolPage",
    "ResourcesError",
    "SchoolBalanced",
    "SchoolCard",
    "SchoolYear",
    "StageSummary",
    "WhatIfLine",
    "WhatIfResult",
    "balanced_cv_trend",
    "balanced_page",
    "cv_rows",
    "district_by_code",
    "district_for",
    "ensure_allowed",
    "gap_page",
    "kindergarten_card",
    "parse_whatif",
    "preschool_page",
    "school_balanced_results",
    "school_card",
    "school_year_for",
    "stage_summaries",
    "what_if",
]
