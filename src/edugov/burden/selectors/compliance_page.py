"""What the compliance pages (作业时长监测, a school's page, 考试与课后服务) show, computed once per
data generation and read scope: the report's groups without its class-week records, the charts,
the exam violations, the after-school overview and the questionnaires.

The class-week table is already cached (`class_week_frame`), but summarising its ~14,000 records
for a district, drawing the charts and checking every exam and after-school service cost ~0.3 s
per visit, more under load. Pickling the whole report (0.9 MB with its records) would cost more
than computing it, so only what the pages read is kept.

The key is what the user may *read* (their scope anchors), not their role: a district's
administrator, leader and officers read the same rows and share one entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from edugov.common.cache import cached_figure
from edugov.registry.models import School, Term
from edugov.reports.readers import Reader
from edugov.standards.loader import library

from .after_school import AfterSchoolSummary, after_school_overview
from .compliance import homework_compliance
from .compliance_charts import compliance_charts
from .compliance_types import ComplianceReport
from .exams import ExamViolationRow, exam_violation_list
from .surveys import SurveyClassRow, survey_comparison


@dataclass(frozen=True)
class CompliancePage:
    report: ComplianceReport  # class_weeks and classes left empty: the pages read the groups
    charts: dict[str, Any]
    latest_week: dt.date  # the last week with a published homework (or the term's start)
    exam_violations: list[ExamViolationRow]
    after_school: AfterSchoolSummary
    surveys: list[SurveyClassRow]


@cached_figure("burden.compliance_page", depends=lambda: library().fingerprint)
def _page(reader: Reader, term: Term, area_path: str, school: School | None) -> CompliancePage:
    user = reader.user
    report = homework_compliance(user=user, term=term, school=school, area_path=area_path)
    latest = report.class_weeks[-1].week_start if report.class_weeks else term.start_date
    return CompliancePage(
        report=dataclasses.replace(report, class_weeks=[], classes={}),
        charts=compliance_charts(report),
        latest_week=latest,
        exam_violations=exam_violation_list(user=user, term=term, school=school),
        after_school=after_school_overview(user=user, term=term, school=school),
        surveys=survey_comparison(user=user, term=term, report=report),
    )


def compliance_page(
    *, user: Any, term: Term, area_path: str = "", school: School | None = None
) -> CompliancePage:
    """The compliance figures of a term for the user's scope, narrowed to a town (`area_path`)
    for the report, or to one school for everything."""
    return _page(Reader(user), term, area_path, school)
