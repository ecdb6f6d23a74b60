"""The scope walk: every URL of the project, asked by users of school A / town A for town B's rows.

Every resolved route (pages, exports, the API router, the admin) must have an entry in ROUTES
saying how to probe it; a route without one fails the test, so a page added later cannot escape
the walk. Admin routes of registered models are derived from the admin registry. Each probe logs
in as every role anchored at town A / school A (and anonymously), requests the route (list routes
also with filters naming town B, detail routes with town B's primary keys) and asserts that no
identifier of town B appears in the answer, whatever its format (HTML, JSON, CSV, XLSX).

To add a route: put its name in ROUTES with one of list_(), detail(...), public(...), skip(...).
The walk itself runs part by part (PARTS, one file tests/test_scope_walk_<part>.py each, so both CI
workers share it); a route of a new module needs the module added to a part.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from edugov.accounts.models import Role, User
from edugov.accounts.scope import registered_models, scoped
from edugov.api.tests.rows import TEACHER_B_NAME, add_town_b_rows, other_town_markers
from edugov.appraisal.tests.rows import add_town_b_appraisal
from edugov.groups.tests.rows import add_town_b_groups
from edugov.party.tests.rows import add_town_b_party
from edugov.planning.tests.rows import add_town_b_planning
from edugov.quality.tests.rows import add_town_b_quality
from edugov.rectification import strategy
from edugov.safety.tests.rows import add_town_b_safety
from edugov.supervision import services as supervision
from edugov.testing import make_mini_district, make_user
from edugov.workforce.tests.rows import add_town_b_workforce

pytestmark = pytest.mark.django_db

World = Any  # the MiniDistrict with town B's extra rows (see world())
Kwargs = Callable[[World, Any], dict[str, Any]]


@dataclass(frozen=True)
class Probe:
    kind: str  # "list", "detail", "public", "skip"
    kwargs: Kwargs | None = None
    reason: str = ""
    control: bool = False  # the district-wide admin must see town B here: proves the probe reads data
    queries: bool = True  # list routes: also try filters that name town B
    history: bool = False  # shows the user's own past requests (audit): their typed filters may recur
    scoped_detail: bool = True  # detail routes: the foreign row must be refused (not 200)


def list_(
    *, control: bool = False, kwargs: Kwargs | None = None, queries: bool = True, history: bool = False
) -> Probe:
    return Probe("list", kwargs=kwargs, control=control, queries=queries, history=history)


def detail(kwargs: Kwargs, *, scoped_detail: bool = True) -> Probe:
    return Probe("detail", kwargs=kwargs, scoped_detail=scoped_detail)


def foreign_of(label: str, param: str = "pk") -> Kwargs:
    """The pk of a row of model `label` outside the probing user's scope (0 when there is none yet:
    give the model a town-B row in world() to make the probe bite)."""

    def kwargs(w: World, user: Any) -> dict[str, Any]:
        try:
            model = apps.get_model(label)
        except LookupError:
            return {param: 0}
        return {param: foreign_pk(w, model, user)}

    return kwargs


def public(reason: str) -> Probe:
    return Probe("public", reason=reason, queries=False)


def skip(reason: str) -> Probe:
    return Probe("skip", reason=reason)


def pk_of(attr: str) -> Kwargs:
    return lambda w, user: {"pk": getattr(w, attr).pk}


LANDING_PROBES = {
    Role.SCHOOL_ADMIN: "rectification",
    Role.TEACHER: "burden",
    Role.INSTITUTION_OPERATOR: "tutoring",
    Role.INSPECTOR: "supervision",
}

ROUTES: dict[str, Probe] = {
    # web shell and accounts
    "web:home": list_(),
    "web:style": list_(queries=False),
    # a deferred landing card: each role asks for a module whose card it has (others get 404)
    "web:landing_card": list_(
        kwargs=lambda w, u: {"code": LANDING_PROBES.get(getattr(u, "role", ""), "resources")}, queries=False
    ),
    "login": public("the login form"),
    "logout": public("POST only; GET answers 405"),
    "password_change": list_(queries=False),
    "password_change_done": list_(queries=False),
    "scope_grants": list_(queries=False),
    "scope_grant_remove": detail(foreign_of("accounts.ScopeGrant")),
    # registry pages and exports
    "registry:area_list": list_(control=True),
    "registry:school_list": list_(control=True),
    "registry:school_export": list_(control=True),
    "registry:school_detail": detail(pk_of("school_b")),
    "registry:school_edit": detail(pk_of("school_b")),
    "registry:class_list": list_(control=True),
    "registry:class_export": list_(control=True),
    "registry:teacher_list": list_(control=True),
    # spreadsheet import
    "ingest:upload": list_(),
    "ingest:batch_detail": detail(pk_of("batch_b")),
    "ingest:batch_progress": detail(pk_of("batch_b")),
    "ingest:error_report": detail(pk_of("batch_b")),
    "ingest:template": list_(kwargs=lambda w, u: {"kind": "schools"}, queries=False),
    # double reduction (burden)
    "burden:homework_new": list_(queries=False),
    "burden:exam_entry": list_(),
    "burden:monthly_report": list_(),
    "burden:after_school_entry": list_(),
    "burden:homework_list": list_(),
    "burden:homework_withdraw": detail(foreign_of("burden.Homework")),
    "burden:board_create": detail(lambda w, u: {"class_id": w.class_b1.pk}),
    "burden:board": Probe(
        "public",
        kwargs=lambda w, u: {"token": "not-a-real-token"},
        reason="parents' homework board behind an unguessable token; probed with a wrong one",
        queries=False,
    ),
    "burden:compliance": list_(),
    "burden:compliance_export": list_(),
    "burden:compliance_school": detail(pk_of("school_b")),
    "burden:school_rules": list_(),
    "api:burden:api-root": public("links to the resources; no rows"),
    "api:burden:homework-list": list_(),
    "api:burden:homework-detail": detail(foreign_of("burden.Homework")),
    "api:burden:compliance-list": list_(),
    "api:burden:exam-list": list_(),
    # off-campus tutoring
    "tutoring:dashboard": list_(),
    "tutoring:institution_list": list_(),
    "tutoring:institution_create": list_(queries=False),
    "tutoring:institution_detail": detail(foreign_of("tutoring.Institution")),
    "tutoring:institution_edit": detail(foreign_of("tutoring.Institution")),
    "tutoring:institution_transition": detail(foreign_of("tutoring.Institution")),
    "tutoring:institution_set_list": detail(foreign_of("tutoring.Institution")),
    "tutoring:staff_create": detail(foreign_of("tutoring.Institution")),
    "tutoring:staff_export": detail(foreign_of("tutoring.Institution")),
    "tutoring:course_create": detail(foreign_of("tutoring.Institution")),
    "tutoring:session_create": detail(foreign_of("tutoring.Institution")),
    "tutoring:order_create": detail(foreign_of("tutoring.Institution")),
    "tutoring:order_detail": detail(foreign_of("tutoring.Order")),
    "tutoring:refund_settle": detail(foreign_of("tutoring.Refund")),
    "tutoring:violation_list": list_(),
    "tutoring:risk_list": list_(),
    "tutoring:unlicensed_list": list_(),
    "tutoring:inspection_list": list_(),
    "tutoring:institution_pick": list_(),
    "tutoring:complaint_list": list_(),
    "tutoring:complaint_detail": detail(foreign_of("tutoring.Complaint")),
    "tutoring:public_lookup": public("public institution lookup (white/black lists)"),
    "tutoring:public_detail": Probe(
        "public", kwargs=foreign_of("tutoring.Institution"), reason="public institution page", queries=False
    ),
    "tutoring:public_complaint": public("public complaint form"),
    "tutoring:public_complaint_track": public("complaint tracking by code"),
    "api:tutoring:api-root": public("links to the resources; no rows"),
    "api:tutoring:institution-list": list_(),
    "api:tutoring:institution-detail": detail(foreign_of("tutoring.Institution")),
    "api:tutoring:institution-transition": detail(foreign_of("tutoring.Institution")),
    "api:tutoring:staff-list": list_(),
    "api:tutoring:risk-list": list_(),
    "api:tutoring:order-list": list_(),
    "api:tutoring:order-detail": detail(foreign_of("tutoring.Order")),
    "api:tutoring:complaint-list": list_(),
    **{
        f"api:tutoring:complaint-{name}": detail(foreign_of("tutoring.Complaint"))
        for name in ("detail", "accept", "refer", "investigate", "reply")
    },
    # rectification (problem list)
    # strategic tasks, leader liaison and supervision visits
    "rectification:task_board": list_(),
    "rectification:task_detail": detail(foreign_of("rectification.KeyTask")),
    "rectification:task_edit": detail(foreign_of("rectification.KeyTask")),
    "rectification:goal_new": list_(queries=False),
    "rectification:task_new": detail(foreign_of("rectification.TaskGoal")),
    "rectification:milestone_new": detail(foreign_of("rectification.KeyTask")),
    "rectification:milestone_edit": detail(foreign_of("rectification.Milestone")),
    "rectification:task_export": list_(),
    "rectification:leader_list": list_(),
    "rectification:leader_detail": detail(foreign_of("accounts.User")),
    "rectification:leader_visit_new": list_(queries=False),
    "rectification:leader_visit_detail": detail(foreign_of("rectification.LeaderVisit")),
    "supervision:plan_list": list_(),
    "supervision:plan_detail": detail(foreign_of("supervision.SupervisionPlan")),
    "supervision:plan_edit": detail(foreign_of("supervision.SupervisionPlan")),
    "supervision:visit_detail": detail(foreign_of("supervision.SupervisionVisit")),
    "supervision:visit_form": detail(
        lambda w, u: {**foreign_of("supervision.SupervisionPlan")(w, u), "school_pk": w.school_b.pk}
    ),
    "api:rectification:task-list": list_(),
    "api:rectification:task-rollup": list_(),
    "api:rectification:task-detail": detail(foreign_of("rectification.KeyTask")),
    "api:rectification:milestone-detail": detail(foreign_of("rectification.Milestone")),
    "api:rectification:milestone-progress": detail(foreign_of("rectification.Milestone")),
    "api:rectification:leader-visit-list": list_(),
    "api:rectification:leader-visit-detail": detail(foreign_of("rectification.LeaderVisit")),
    "api:supervision:plan-list": list_(),
    "api:supervision:plan-detail": detail(foreign_of("supervision.SupervisionPlan")),
    "api:supervision:plan-progress": detail(foreign_of("supervision.SupervisionPlan")),
    "api:supervision:visit-list": list_(),
    "api:supervision:visit-detail": detail(foreign_of("supervision.SupervisionVisit")),
    # teacher workforce (师资队伍)
    "workforce:overview": list_(),
    "workforce:my_school": list_(queries=False),
    "workforce:school": detail(pk_of("school_b")),
    "workforce:teacher": detail(lambda w, u: {"pk": w.teacher_b.pk}),
    "workforce:me": list_(queries=False),
    "workforce:correction_decide": detail(foreign_of("workforce.CorrectionRequest")),
    "workforce:pair_create": detail(pk_of("school_b")),
    "api:workforce:api-root": public("links to the resources; no rows"),
    "api:workforce:record-list": list_(),
    "api:workforce:record-detail": detail(foreign_of("workforce.TeacherYear")),
    "api:workforce:staffing-list": list_(),
    "api:workforce:correction-list": list_(),
    "api:workforce:correction-detail": detail(foreign_of("workforce.CorrectionRequest")),
    "api:workforce:correction-decide": detail(foreign_of("workforce.CorrectionRequest")),
    "api:workforce:exchange-list": list_(),
    "api:workforce:exchange-detail": detail(foreign_of("workforce.Exchange")),
    "workforce:shadowing": list_(),
    "api:workforce:shadowing-list": list_(),
    "api:workforce:shadowing-detail": detail(foreign_of("workforce.ShadowingPlacement")),
    "api:workforce:shadowing-outcome": detail(foreign_of("workforce.ShadowingPlacement")),
    "workforce:recruitment": list_(),
    "workforce:studios": list_(),
    "workforce:studio_report_submit": detail(foreign_of("workforce.StudioReport")),
    "workforce:ethics": list_(),
    "workforce:ethics_decide": detail(foreign_of("workforce.EthicsIncident")),
    "workforce:appraisal": list_(),
    "api:workforce:studio-list": list_(),
    "api:workforce:studio-detail": detail(foreign_of("workforce.Studio")),
    "api:workforce:studio-report-list": list_(),
    "api:workforce:studio-report-detail": detail(foreign_of("workforce.StudioReport")),
    "api:workforce:studio-report-submit": detail(foreign_of("workforce.StudioReport")),
    "api:workforce:community-list": list_(),
    "api:workforce:community-detail": detail(foreign_of("workforce.ResearchCommunity")),
    "api:workforce:ethics-list": list_(),
    "api:workforce:ethics-detail": detail(foreign_of("workforce.EthicsIncident")),
    "api:workforce:ethics-decide": detail(foreign_of("workforce.EthicsIncident")),
    "api:workforce:appraisal-list": list_(),
    "api:workforce:appraisal-detail": detail(foreign_of("workforce.Appraisal")),
    "workforce:rounds": list_(),
    "api:workforce:round-list": list_(),
    "api:workforce:round-detail": detail(foreign_of("workforce.PostRound")),
    "api:workforce:round-choose": detail(foreign_of("workforce.PostRound")),
    "api:workforce:round-post-list": list_(),
    "api:workforce:round-result-list": list_(),
    # quality monitoring and value-added (aggregates only)
    "quality:overview": list_(),
    "quality:value_added": list_(),
    "quality:my_school": list_(queries=False),
    "quality:school": detail(pk_of("school_b")),
    "quality:fitness": list_(),
    "quality:fitness_school": detail(pk_of("school_b")),
    "quality:fitness_export": detail(pk_of("school_b")),
    "quality:outcomes": list_(),
    "api:quality:api-root": public("links to the resources; no rows"),
    "api:quality:assessment-list": list_(),
    "api:quality:assessment-detail": detail(foreign_of("quality.Assessment")),
    "api:quality:assessment-bands": detail(foreign_of("quality.Assessment")),
    "api:quality:value-added-list": list_(),
    "api:quality:fitness-list": list_(),
    "api:quality:line-list": list_(),
    "api:quality:award-list": list_(),
    # school places and layout (学位·布局·建设)
    "planning:overview": list_(),
    "planning:layout": list_(),
    "planning:projects": list_(),
    "api:planning:api-root": public("links to the resources; no rows"),
    "api:planning:forecast-list": list_(),
    "api:planning:layout-list": list_(),
    "api:planning:project-list": list_(),
    "api:planning:project-detail": detail(foreign_of("planning.Project")),
    "api:planning:town-list": list_(),
    "api:planning:housing-list": list_(),
    "api:planning:run-list": list_(),
    "planning:quota": list_(),
    "planning:private": list_(),
    "planning:map": list_(),
    "api:planning:progress-list": list_(),
    "api:planning:project-list-month-list": list_(),
    "api:planning:project-list-month-detail": detail(foreign_of("planning.ProjectList")),
    "api:planning:quota-list": list_(),
    "api:planning:quota-plan-list": list_(),
    "api:planning:private-year-list": list_(),
    "api:planning:zone-list": list_(),
    "api:planning:village-list": list_(),
    "api:planning:layout-proposal-list": list_(),
    "api:planning:closure-list": list_(),
    "api:planning:closure-detail": detail(foreign_of("planning.Closure")),
    "api:planning:map-list": list_(),
    # school safety (校园安全)
    "safety:overview": list_(),
    "safety:grid": list_(),
    "safety:my_school": list_(),
    "safety:reminder_confirm": detail(foreign_of("safety.ClassReminder")),
    "safety:report_handle": detail(foreign_of("safety.WaterReport")),
    "safety:acknowledge": Probe(
        "public",
        kwargs=lambda w, u: {"token": "not-a-real-token"},
        reason="parents' acknowledgement behind an unguessable per-class token; probed with a wrong one",
        queries=False,
    ),
    "safety:public_report": public("the public's drowning-risk report form (towns only)"),
    "safety:drill_create": list_(queries=False),
    "safety:lesson_create": list_(queries=False),
    "safety:waters": list_(),
    "safety:water_detail": detail(foreign_of("safety.DangerousWater")),
    "safety:incidents": list_(),
    "safety:report_pay": detail(foreign_of("safety.WaterReport")),
    "api:safety:api-root": public("links to the resources; no rows"),
    "api:safety:cell-list": list_(),
    "api:safety:cell-detail": detail(foreign_of("safety.GridCell")),
    "api:safety:hazard-list": list_(),
    "api:safety:coverage-list": list_(),
    "api:safety:report-list": list_(),
    "api:safety:report-detail": detail(foreign_of("safety.WaterReport")),
    "api:safety:report-handle": detail(foreign_of("safety.WaterReport")),
    "api:safety:drill-list": list_(),
    "api:safety:water-list": list_(),
    "safety:coverage": list_(),
    "api:safety:drill-record-list": list_(),
    "api:safety:drill-record-detail": detail(foreign_of("safety.Drill")),
    "api:safety:patrol-list": list_(),
    "api:safety:patrol-detail": detail(foreign_of("safety.Patrol")),
    "api:safety:incident-list": list_(),
    "api:safety:incident-detail": detail(foreign_of("safety.Incident")),
    "api:safety:incident-count-list": list_(),
    "api:safety:lesson-record-list": list_(),
    "api:safety:lesson-record-detail": detail(foreign_of("safety.SafetyLesson")),
    "safety:water_place": detail(foreign_of("safety.DangerousWater")),
    # school groups (集团化办学) and party leadership status (statuses and counts only)
    "groups:cockpit": list_(),
    "groups:my_school": list_(queries=False),
    "groups:group": detail(foreign_of("groups.SchoolGroup")),
    "groups:activity_new": detail(foreign_of("groups.SchoolGroup")),
    "groups:plan_save": detail(foreign_of("groups.SchoolGroup")),
    "groups:group_edit": detail(foreign_of("groups.SchoolGroup")),
    "groups:joint_class_new": detail(foreign_of("groups.SchoolGroup")),
    "groups:evidence_upload": detail(foreign_of("groups.SchoolGroup")),
    "groups:joint_class_edit": detail(foreign_of("groups.JointClass")),
    "groups:evidence_download": detail(foreign_of("groups.Evidence")),
    "api:groups:api-root": public("links to the resources; no rows"),
    "api:groups:group-list": list_(),
    "api:groups:group-detail": detail(foreign_of("groups.SchoolGroup")),
    "api:groups:activity-list": list_(),
    "api:groups:activity-detail": detail(foreign_of("groups.Activity")),
    "api:groups:joint-class-list": list_(),
    "api:groups:joint-class-detail": detail(foreign_of("groups.JointClass")),
    "api:groups:joint-class-rotations": detail(foreign_of("groups.JointClass")),
    "api:groups:joint-class-rotation": detail(
        lambda w, u: {
            **foreign_of("groups.JointClass")(w, u),
            **foreign_of("groups.Rotation", "rotation_id")(w, u),
        }
    ),
    "api:groups:evidence-list": list_(),
    "api:groups:evidence-detail": detail(foreign_of("groups.Evidence")),
    "api:groups:evidence-download": detail(foreign_of("groups.Evidence")),
    "party:coverage": list_(),
    "party:my_school": list_(queries=False),
    "party:school": detail(pk_of("school_b")),
    "api:party:api-root": public("links to the resources; no rows"),
    "api:party:status-list": list_(),
    "api:party:status-detail": detail(foreign_of("party.PartyStatus")),
    "api:party:coverage-list": list_(),
    "api:party:meeting-list": list_(),
    # school appraisal (学校考核 "1+4+N") and teaching-routine inspection: schools only, never pupils
    "appraisal:district": list_(),
    "appraisal:my_school": list_(queries=False),
    "appraisal:school": detail(pk_of("school_b")),
    "appraisal:routine": list_(),
    "appraisal:evidence": detail(foreign_of("appraisal.Entry")),
    "api:appraisal:api-root": public("links to the resources; no rows"),
    "api:appraisal:scheme-list": list_(),
    "api:appraisal:scheme-detail": detail(foreign_of("appraisal.Scheme")),
    "api:appraisal:indicator-list": list_(),
    "api:appraisal:entry-list": list_(),
    "api:appraisal:result-list": list_(),
    "api:appraisal:result-detail": detail(foreign_of("appraisal.SchoolResult")),
    "api:appraisal:checklist-list": list_(),
    "api:appraisal:inspection-list": list_(),
    "api:appraisal:inspection-detail": detail(foreign_of("appraisal.RoutineInspection")),
    "api:appraisal:survey-list": list_(),
    # 普及普惠 (preschool)
    "resources:preschool": list_(),
    "resources:preschool_export": list_(),
    "resources:my_kindergarten": list_(),
    "resources:kindergarten_card": detail(pk_of("school_b")),
    # tutoring supervision report (PDF: names are glyph ids, so the body check is weak here;
    # the report is built from the same scoped selectors as the dashboard)
    "tutoring:supervision_report": list_(),
    "rectification:home": list_(),
    "rectification:item_list": list_(),
    "rectification:item_export": list_(),
    "rectification:item_new": list_(queries=False),
    "rectification:my_items": list_(),
    "rectification:notification_list": list_(),
    "rectification:item_detail": detail(foreign_of("rectification.RectificationItem")),
    "rectification:item_action": detail(
        lambda w, u: {**foreign_of("rectification.RectificationItem")(w, u), "action": "accept"}
    ),
    "rectification:attachment": detail(foreign_of("rectification.Attachment")),
    "rectification:battle_map": list_(),
    "rectification:battle_map_data": list_(),
    "rectification:boundary_file": list_(queries=False),
    "rectification:boundary_upload": list_(queries=False),
    "rectification:ranking_list": list_(),
    "rectification:ranking_detail": detail(foreign_of("rectification.Ranking"), scoped_detail=False),
    "rectification:ranking_notice": detail(
        lambda w, u: {**foreign_of("rectification.Ranking")(w, u), "fmt": "pdf"}, scoped_detail=False
    ),
    "rectification:ranking_step": detail(
        lambda w, u: {**foreign_of("rectification.Ranking")(w, u), "step": "publish"}, scoped_detail=False
    ),
    "api:rectification:api-root": public("links to the resources; no rows"),
    "api:supervision:api-root": public("links to the resources; no rows"),
    "api:rectification:item-list": list_(),
    "api:rectification:item-detail": detail(foreign_of("rectification.RectificationItem")),
    "api:rectification:item-transition": detail(foreign_of("rectification.RectificationItem")),
    # resources and balanced development
    "resources:balanced": list_(),
    "resources:export": list_(),
    "resources:findings": list_(),
    "resources:gaps": list_(),
    "resources:guarantee": list_(),
    "resources:my_card": list_(),
    "resources:whatif": list_(),
    "resources:school_card": detail(pk_of("school_b")),
    # audit trail
    "audit:event_list": list_(control=True, history=True),
    "audit:event_detail": detail(pk_of("event_b")),
    # periodic jobs (district administrators only; runs hold counts, no rows)
    "scheduler:job_list": list_(queries=False),
    "scheduler:job_run": detail(lambda w, u: {"name": "rectification.findings_sync"}, scoped_detail=False),
    # any registered report, by name: the tutoring institution list as JSON (masked phones, rows)
    "reports:download": list_(kwargs=lambda w, u: {"name": "tutoring.institutions", "fmt": "json"}),
    "reports:page": list_(kwargs=lambda w, u: {"name": "tutoring.institutions"}),
    "api:reports:report-list": list_(queries=False),
    "api:reports:report-download": list_(
        kwargs=lambda w, u: {"name": "tutoring.institutions", "fmt": "json"}
    ),
    # REST API
    "api:api-root": public("links to each module's API root; no rows"),
    "api:registry:api-root": public("links to the resources; no rows"),
    "api:token": public("POST only; GET answers 405"),
    "api:token_revoke": list_(queries=False),
    "api:registry:area-list": list_(control=True),
    "api:registry:area-detail": detail(pk_of("town_b")),
    "api:registry:school-list": list_(control=True),
    "api:registry:school-detail": detail(pk_of("school_b")),
    "api:registry:campus-list": list_(control=True),
    "api:registry:campus-detail": detail(pk_of("campus_b")),
    "api:registry:school-year-list": list_(),
    "api:registry:school-year-detail": detail(pk_of("year"), scoped_detail=False),  # district-wide calendar
    "api:registry:term-list": list_(),
    "api:registry:term-detail": detail(lambda w, u: {"pk": w.year.terms.first().pk}, scoped_detail=False),
    "api:registry:class-list": list_(control=True),
    "api:registry:class-detail": detail(pk_of("class_b1")),
    "api:registry:teacher-list": list_(control=True),
    "api:registry:teacher-detail": detail(pk_of("teacher_b")),
    "api:registry:teaching-assignment-list": list_(control=True),
    "api:registry:teaching-assignment-detail": detail(pk_of("assignment_b")),
    "api-schema": public("the OpenAPI document; no rows"),
    "api-docs": public("Swagger UI shell; no rows"),
    # admin pages that are not per model (per-model pages are derived in admin_probes())
    "admin:index": list_(queries=False),
    "admin:login": public("the admin login form"),
    "admin:logout": public("POST only"),
    "admin:password_change": list_(queries=False),
    "admin:password_change_done": list_(queries=False),
    "admin:jsi18n": public("JavaScript translations"),
    "admin:app_list": list_(kwargs=lambda w, u: {"app_label": "registry"}, queries=False),
    "admin:autocomplete": list_(queries=False),
    "admin:view_on_site": skip("redirects to a model's get_absolute_url; the target page is walked itself"),
    # Django's UserAdmin names this page after the auth app whatever the user model's app is.
    "admin:auth_user_password_change": detail(lambda w, u: {"id": w.user_b.pk}, scoped_detail=False),
    "unnamed:admin/(?P<url>.*)$": skip("admin catch-all: redirects unknown admin URLs, no data"),
}

# Filters that name town B, tried on every list route: scope must hold whatever is asked.
QUERIES = [
    "school={school_b}",
    "school_id={school_b}",
    "area={town_b}",
    "area={town_b_code}",
    "town={town_b_code}",
    "q=中心",  # matches town B's 乙镇中心小学 and nothing of town A
    "search=中心",
    "page_size=1000",
]


# --- discovering routes -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "unnamed:<pattern>"
    name: str | None
    pattern: str
    params: tuple[str, ...] = field(default=())


def walk(patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            pattern = prefix + str(p.pattern)
            params = tuple(p.pattern.regex.groupindex)
            if p.name:
                name = ":".join((*namespaces, p.name))
                yield Route(name, name, pattern, params)
            else:
                yield Route(f"unnamed:{pattern}", None, pattern, params)


def all_routes() -> list[Route]:
    return list({r.key: r for r in walk(get_resolver().url_patterns)}.values())


# --- admin: one probe per registered model and page -----------------------------------------


def _model_kwargs(model: type[models.Model], param: str) -> Kwargs:
    return lambda w, user: {param: foreign_pk(w, model, user)}


def admin_probes() -> dict[str, Probe]:
    probes: dict[str, Probe] = {}
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        is_scoped = model in registered_models()
        probes[f"{base}_changelist"] = list_(queries=False)
        probes[f"{base}_add"] = list_(queries=False)
        for page in ("change", "history", "delete"):
            probes[f"{base}_{page}"] = detail(_model_kwargs(model, "object_id"), scoped_detail=is_scoped)
        # The bare object URL redirects to the change page.
        probes[f"unnamed:admin/{meta.app_label}/{meta.model_name}/<path:object_id>/"] = detail(
            _model_kwargs(model, "object_id"), scoped_detail=is_scoped
        )
    return probes


def probe_table() -> dict[str, Probe]:
    return {**admin_probes(), **ROUTES}


# --- the world: town A users, town B rows -------------------------------------------------


def foreign_pk(w: World, model: type[models.Model], user: Any) -> Any:
    """A row of `model` the user must not see: town B's when the model is scoped."""
    if model is User:
        return w.user_b.pk
    known = {
        getattr(w, a).__class__: getattr(w, a) for a in ("school_b", "class_b1", "teacher_b", "campus_b")
    }
    if model in known:
        return known[model].pk
    qs = model._default_manager.order_by("pk")
    if model in registered_models() and user is not None and user.is_authenticated:
        qs = qs.exclude(pk__in=scoped(model, user).values("pk"))
    row = qs.last()
    return row.pk if row is not None else 0


def _town_b_batch(w: World) -> Any:
    try:
        batch_model = apps.get_model("ingest", "ImportBatch")
    except LookupError:
        return None
    return batch_model.objects.create(
        kind="classes",
        original_name=f"{w.school_b.name}班级.csv",
        uploaded_by=w.user_b,
        area_path=w.town_b.path,
        school=w.school_b,
    )


def _town_b_work(w: World) -> None:
    """A goal, key task, milestone and supervision plan of town B (named after it, so a page that
    shows one to a town-A user is caught), for the planning pages' detail probes to bite."""
    admin = w.users[Role.DISTRICT_ADMIN]
    today = timezone.localdate()
    goal = strategy.goal_create(
        user=admin, area=w.town_b, year=today.year, title=f"{w.town_b.name}年度工作目标"
    )
    task = strategy.task_create(
        user=admin,
        goal=goal,
        title=f"{w.school_b.name}扩容",
        department="basic_education",
        start_date=today,
        deadline=today + dt.timedelta(days=60),
        school=w.school_b,
    )
    strategy.milestone_create(
        user=admin,
        task=task,
        title=f"{w.school_b.name}方案",
        start_date=today,
        deadline=today + dt.timedelta(days=30),
    )
    supervision.plan_create(
        actor=admin,
        title=f"{w.town_b.name}专项督导",
        kind="special",
        checklist_code="double_reduction_special",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
        school_ids=[w.school_b.pk],
        inspector_ids=[make_user(Role.INSPECTOR, username="inspector_b", area=w.town_b).pk],
        area=w.town_b,
    )


def world() -> World:
    w = make_mini_district()
    add_town_b_rows(w)
    w.user_b = make_user(Role.SCHOOL_ADMIN, username="school_b_admin", school=w.school_b)
    w.batch_b = _town_b_batch(w)
    _town_b_work(w)
    add_town_b_workforce(w)
    add_town_b_quality(w)
    add_town_b_planning(w)
    add_town_b_safety(w)
    add_town_b_groups(w)
    add_town_b_party(w)
    add_town_b_appraisal(w)
    from edugov.audit.models import AuditEvent

    w.event_b = AuditEvent.objects.filter(object_id=str(w.school_b.pk), model="registry.School").first()
    return w


def probing_users(w: World) -> dict[str, Any]:
    """Every role anchored at town A or school A, as staff so the admin is probed too."""
    users = {
        "district_admin@town_a": make_user(Role.DISTRICT_ADMIN, area=w.town_a),
        "department_officer@town_a": w.users["town_officer"],
        "inspector@town_a": w.users[Role.INSPECTOR],
        "leader@town_a": make_user(Role.LEADER, area=w.town_a),
        "school_admin@school_a": w.users[Role.SCHOOL_ADMIN],
        "teacher@school_a": w.users[Role.TEACHER],
        "institution_operator": w.users[Role.INSTITUTION_OPERATOR],
    }
    for user in users.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


# --- reading any answer as text ---------------------------------------------------------------


def body_text(response: Any) -> str:
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else bytes(response.content)
    )
    if raw[:2] == b"PK":  # XLSX and other zipped formats: read every XML part
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")
    if "json" in response.get("Content-Type", ""):
        # JsonResponse escapes non-ASCII; undo it so Chinese markers are found.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def url_for(route: Route, probe: Probe, w: World, user: Any) -> str:
    kwargs = probe.kwargs(w, user) if probe.kwargs else {}
    return (
        reverse(route.name, kwargs=kwargs)
        if route.name
        else "/" + route.pattern.replace("<path:object_id>", str(kwargs.get("object_id", 0)))
    )


def query_strings(w: World) -> list[str]:
    values = {
        "school_b": w.school_b.pk,
        "town_b": w.town_b.pk,
        "town_b_code": w.town_b.code,
    }
    return [q.format(**values) for q in QUERIES]


# --- the tests --------------------------------------------------------------------------------


def test_every_route_has_a_probe():
    table = probe_table()
    unknown = sorted(f"{r.key}  ({r.pattern})" for r in all_routes() if r.key not in table)
    assert not unknown, "routes without a scope probe; add them to ROUTES in tests/test_scope_walk.py:\n" + (
        "\n".join(unknown)
    )


def test_detail_routes_have_parameters_and_list_routes_do_not_need_them():
    table = probe_table()
    for route in all_routes():
        probe = table.get(route.key)
        if probe is None or probe.kind == "skip":
            continue
        if route.params and probe.kwargs is None:
            pytest.fail(f"{route.key} takes {route.params} but its probe gives no values")


# --- the walk, split by module into parts ----------------------------------------------------

# The walk runs as one test per part, each in its own file (tests/test_scope_walk_<part>.py), so that
# `--dist loadfile` spreads it over the workers instead of one worker carrying it alone. A part is a
# set of modules: a route belongs to the module of its namespace (see module_of);
# test_the_parts_cover_every_route fails when a route's module is in no part or in two.
PARTS: dict[str, frozenset[str]] = {
    # the shell, accounts, registry, import, audit, jobs, reports, the API roots and the admin
    "registry_admin": frozenset(
        {"accounts", "web", "api", "admin", "unnamed", "registry", "ingest", "audit", "scheduler", "reports"}
    ),
    "tutoring_rectification": frozenset({"tutoring", "rectification", "supervision"}),
    "workforce_planning": frozenset({"workforce", "planning"}),
    "burden_quality": frozenset({"burden", "quality"}),
    "resources": frozenset({"resources"}),
    "safety_groups_party_appraisal": frozenset({"safety", "groups", "party", "appraisal"}),
}


def module_of(key: str) -> str:
    """The module a route belongs to: its namespace ("api:<module>:..." counts as <module>); the
    admin's pages are "admin", routes without a namespace "accounts", other unnamed ones "unnamed"."""
    if key.startswith(("admin:", "unnamed:admin/")):
        return "admin"
    namespace, sep, rest = key.partition(":")
    if not sep:
        return "accounts"
    if namespace == "api":
        inner, sep, _ = rest.partition(":")
        return inner if sep else "api"
    return namespace


def walked_routes() -> list[Route]:
    """The routes the walk requests: every route with a probe that is not a skip."""
    table = probe_table()
    return [r for r in all_routes() if r.key in table and table[r.key].kind != "skip"]


def walk_no_leaks(modules: frozenset[str] | None = None) -> None:
    """Walk the routes of `modules` (all routes when None) as anonymous and every probing user,
    with town B's filters on list routes, and fail listing every leak found."""
    w = world()
    users = probing_users(w)
    markers = other_town_markers(w)
    table = probe_table()
    leaks: list[str] = []
    probed = 0

    # Public pages may name any town or school (geography and school names are public); they must
    # never show a person's data from anywhere.
    personal = [TEACHER_B_NAME, "TB9001"]

    def check(
        label: str, url: str, response: Any, *, refuse: bool, echo: str = "", public_page: bool = False
    ) -> None:
        if response.status_code >= 500:
            leaks.append(f"{label} GET {url} -> {response.status_code} (server error)")
            return
        text = body_text(response)
        # A page may echo the user's own query (search box, paging links): not a leak.
        found = [m for m in (personal if public_page else markers) if m in text and m not in echo]
        if found:
            leaks.append(f"{label} GET {url} -> {response.status_code} shows {found}")
        if refuse and response.status_code == 200:
            leaks.append(f"{label} GET {url} -> 200 for another town's row")

    # Routes without a probe are reported by test_every_route_has_a_probe; walk the others.
    routes = [r for r in walked_routes() if modules is None or module_of(r.key) in modules]
    assert routes, f"no route to walk in the modules {sorted(modules or ())}"
    for label, user in [("anonymous", None), *users.items()]:
        c = Client(raise_request_exception=False)  # a broken page is reported, the walk goes on
        if user is not None:
            c.force_login(user)
        for route in routes:
            probe = table[route.key]
            url = url_for(route, probe, w, user)
            typed = " ".join(query_strings(w)) if probe.history else ""
            refuse = probe.kind == "detail" and probe.scoped_detail
            check(label, url, c.get(url), refuse=refuse, echo=typed, public_page=probe.kind == "public")
            probed += 1
            if probe.kind == "list" and probe.queries:
                for q in query_strings(w):
                    echo = f"{q} {typed}"
                    check(label, f"{url}?{q}", c.get(f"{url}?{q}"), refuse=False, echo=echo)
                    probed += 1
    assert not leaks, f"{len(leaks)} leaks in {probed} requests:\n" + "\n".join(leaks)


def test_scope_walk_no_leaks(client: Any = None) -> None:
    """The whole walk in one call (tests/reliability/test_scope_figures.py counts its requests under
    `make soak`); `make test` runs it part by part from the tests/test_scope_walk_<part>.py files."""
    walk_no_leaks()


test_scope_walk_no_leaks.__test__ = False  # type: ignore[attr-defined]  # not collected here


def test_the_parts_cover_every_route():
    walked = {r.key for r in walked_routes()}
    parts = {name: {k for k in walked if module_of(k) in modules} for name, modules in PARTS.items()}
    covered: set[str] = set().union(*parts.values())
    missing = sorted(f"{k}  (module {module_of(k)})" for k in walked - covered)
    assert not missing, (
        "routes whose module is in no part of the walk; add the module to PARTS in "
        "tests/test_scope_walk.py:\n" + "\n".join(missing)
    )
    assert covered == walked
    twice = sorted(m for m in set().union(*PARTS.values()) if sum(m in p for p in PARTS.values()) > 1)
    assert not twice, f"modules walked by two parts: {twice}"
    assert sum(len(p) for p in parts.values()) == len(walked)
    here = Path(__file__).parent
    for name in PARTS:  # each part has its file, and the file walks that part
        assert parts[name], f"part {name} walks no route"
        part_file = here / f"test_scope_walk_{name}.py"
        assert part_file.exists(), f"{part_file.name} is missing"
        assert f'walk.PARTS["{name}"]' in part_file.read_text(encoding="utf-8"), part_file.name
    files = {p.name for p in here.glob("test_scope_walk_*.py")}
    assert files == {f"test_scope_walk_{name}.py" for name in PARTS}


def test_controls_see_town_b(client):
    """The walk would pass vacuously if the pages showed nothing: a district-wide administrator
    must find town B on every route marked control=True."""
    w = world()
    admin_user = w.users[Role.DISTRICT_ADMIN]
    client.force_login(admin_user)
    routes = {r.key: r for r in all_routes()}
    blind = []
    for key, probe in ROUTES.items():
        if not probe.control or key not in routes:
            continue
        url = url_for(routes[key], probe, w, admin_user)
        response = client.get(url)
        if w.school_b.name not in body_text(response) and w.town_b.name not in body_text(response):
            blind.append(f"{key} GET {url} -> {response.status_code}")
    assert not blind, "control routes that do not show town B to a district administrator:\n" + "\n".join(
        blind
    )


def test_openapi_schema_generates():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/v1/registry/schools/" in paths and "/api/v1/registry/classes/{id}/" in paths
    assert set(paths["/api/v1/registry/classes/{id}/"]) == {"get", "patch"}


def test_every_api_list_endpoint_is_scoped(client):
    """As a school administrator, no registry API list shows town B; as the district
    administrator, each does (so the emptiness is the scope's doing). The other modules' lists,
    some of which refuse a school administrator outright, are walked by test_scope_walk_no_leaks."""
    from rest_framework.test import APIClient

    w = world()
    markers = other_town_markers(w)
    api_lists = [r for r in all_routes() if r.key.startswith("api:registry:") and r.key.endswith("-list")]
    assert len(api_lists) >= 8
    school_admin, district_admin = APIClient(), APIClient()
    school_admin.force_authenticate(w.users[Role.SCHOOL_ADMIN])
    district_admin.force_authenticate(w.users[Role.DISTRICT_ADMIN])
    for route in api_lists:
        url = reverse(route.name) + "?page_size=500"
        response = school_admin.get(url)
        assert response.status_code == 200, route.key
        assert not [m for m in markers if m in body_text(response)], route.key
        if ROUTES[route.key].control:
            assert w.school_b.name in body_text(district_admin.get(url)) or w.town_b.name in body_text(
                district_admin.get(url)
            ), route.key
