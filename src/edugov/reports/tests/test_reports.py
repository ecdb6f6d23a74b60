"""The report registry: every registered report builds for a role its policy allows and is refused
for one it does not; the three formats open; every download is audited in the actor's area (a
school's account at its school's area); `edugov report` writes a report to a file."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.accounts.policy import role_may
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification import rankings
from edugov.reports import (
    Document,
    Section,
    Signature,
    build_report,
    neutralise,
    render,
    report_download,
    report_specs,
)
from edugov.reports.download import actor_area_path
from edugov.testing import MiniDistrict, make_mini_district
from edugov.tutoring.tests.factories import make_institution, officer

pytestmark = pytest.mark.django_db

EXPECTED = {
    "burden.compliance",
    "burden.monthly",
    "rectification.ranking_notice",
    "resources.balanced",
    "resources.preschool",
    "tutoring.institutions",
    "tutoring.risk",
    "tutoring.staff",
    "tutoring.supervision",
    "tutoring.violations",
}
# The bureau roles first: the allowed actor is the first of these the policy lets run the report.
CANDIDATES = [Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.LEADER, Role.SCHOOL_ADMIN, Role.TEACHER]
REFUSED = [Role.INSTITUTION_OPERATOR, Role.TEACHER, Role.SCHOOL_ADMIN, Role.LEADER]


@pytest.fixture
def md() -> MiniDistrict:
    return make_mini_district()


def params_for(name: str, md: MiniDistrict) -> dict[str, str]:
    """Sample parameters of each registered report on the mini district."""
    if name == "burden.monthly":
        return {"month": f"{md.year.start_year}-10"}
    if name.startswith("resources."):
        return {"year": str(md.year.start_year)}
    if name == "tutoring.staff":
        return {"institution": str(make_institution(md, officer(md)).pk)}
    if name == "rectification.ranking_notice":
        start = dt.date(md.year.start_year, 10, 1)
        ranking = rankings.ranking_create(
            user=md.users[Role.DISTRICT_ADMIN], area=md.district, period_kind="month",
            period_start=start, period_end=dt.date(md.year.start_year, 10, 31),
        )  # fmt: skip
        return {"ranking": str(ranking.pk)}
    return {}


def test_every_official_output_is_registered():
    assert {s.name for s in report_specs()} >= EXPECTED
    for spec in report_specs():
        assert spec.name.startswith(spec.action.split(".")[0] + "."), spec.name  # the module's own action
        assert set(spec.formats) == {"json", "xlsx", "pdf"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_builds_for_an_allowed_role_and_is_refused_for_another(md, name):
    spec = next(s for s in report_specs() if s.name == name)
    params = params_for(name, md)
    allowed = next(md.users[r] for r in CANDIDATES if role_may(md.users[r], spec.action))
    doc = build_report(allowed, name, params)
    assert isinstance(doc, Document) and doc.title and doc.sections
    refused = next(md.users[r] for r in REFUSED if not role_may(md.users[r], spec.action))
    with pytest.raises(PermissionDenied):
        report_download(refused, name, "json", params)
    assert not AuditEvent.objects.filter(action="export", actor=refused).exists()


@pytest.mark.parametrize("name", ["burden.monthly", "burden.compliance", "rectification.ranking_notice"])
def test_three_formats_open(md, name):
    """One report of each layout (official, data, single-sheet notice) in every format."""
    file_params = params_for(name, md)
    admin = md.users[Role.DISTRICT_ADMIN]
    xlsx = report_download(admin, name, "xlsx", file_params)
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames and wb.active.max_row >= 1
    assert xlsx.filename.endswith(".xlsx") and xlsx.content_type.startswith("application/vnd.openxml")
    pdf = report_download(admin, name, "pdf", file_params).content
    assert pdf.startswith(b"%PDF") and b"+NotoSerifSC-Regular" in pdf and b"STSong-Light" not in pdf
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 1  # at least one page object
    data = json.loads(report_download(admin, name, "json", file_params).content)
    assert data["title"] == xlsx.title and data["sections"]


def test_refused_for_an_unknown_report_or_format(md):
    admin = md.users[Role.DISTRICT_ADMIN]
    with pytest.raises(DomainError, match="不存在"):
        report_download(admin, "burden.nothing", "json", {})
    with pytest.raises(DomainError, match="docx"):
        report_download(admin, "burden.compliance", "docx", {})


def test_xlsx_cells_are_formula_safe_and_numbers_stay_numbers():
    doc = Document(
        title="=cmd|' /C calc'!A0",
        summary=[("+1", "@SUM(A1)")],
        sections=[Section("一、表", ["名称", "值"], [["-2+3", 4.5], ['=HYPERLINK("x")', None]])],
        signature=Signature(body="某区教育局", date=dt.date(2025, 10, 31)),
    )
    for layout in ("official", "data", "single"):
        doc.layout = layout  # type: ignore[assignment]
        wb = load_workbook(io.BytesIO(render(doc, "xlsx")))
        values = [
            v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
        ]
        texts = [v for v in values if isinstance(v, str)]
        assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))], (layout, texts)
        assert 4.5 in values and "'-2+3" in values
    assert neutralise(True) == "是" and neutralise(3) == 3 and neutralise(None) == ""


@pytest.mark.parametrize(
    ("who", "area"),
    [(Role.SCHOOL_ADMIN, "school_a"), ("town_officer", "town_a"), (Role.DISTRICT_ADMIN, "district")],
)
def test_download_page_is_audited_in_the_actors_area(client, md, who, area):
    user = md.users[who]
    client.force_login(user)
    url = reverse("reports:download", kwargs={"name": "burden.compliance", "fmt": "xlsx"})
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    event = AuditEvent.objects.get(action="export", actor=user)
    expected = md.school_a.area.path if area == "school_a" else getattr(md, area).path
    assert event.area_path == expected == actor_area_path(user)
    assert event.model == "burden.Homework" and event.changes["report"] == "burden.compliance"
    assert event.changes["format"] == "xlsx" and "（" in event.object_repr


def test_download_page_refuses_and_writes_nothing(client, md):
    client.force_login(md.users[Role.INSTITUTION_OPERATOR])
    url = reverse("reports:download", kwargs={"name": "burden.compliance", "fmt": "xlsx"})
    assert client.get(url).status_code == 403
    client.force_login(md.users[Role.DISTRICT_ADMIN])
    bad = reverse("reports:download", kwargs={"name": "burden.compliance", "fmt": "doc"})
    assert client.get(bad).status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


def test_command_lists_and_runs_a_report_to_a_file(md, tmp_path: Path):
    out = io.StringIO()
    call_command("report", "--list", stdout=out)
    listed = {line.split("\t")[0] for line in out.getvalue().splitlines()}
    assert listed >= EXPECTED
    target = tmp_path / "compliance.xlsx"
    call_command(
        "report", "burden.compliance", "--format", "xlsx", "--output", str(target), stderr=io.StringIO()
    )
    wb = load_workbook(target)
    assert "超标班级" in wb.sheetnames and "班级周明细" in wb.sheetnames
    event = AuditEvent.objects.get(action="export")
    assert (
        event.source == "command" and event.actor is None and event.changes["report"] == "burden.compliance"
    )


def test_command_runs_as_a_user_with_their_policy(md, tmp_path: Path):
    printed = io.StringIO()
    town_officer = md.users["town_officer"]
    month = f"month={md.year.start_year}-10"
    call_command(
        "report", "burden.monthly", "--param", month, "--user", town_officer.username, stdout=printed
    )
    data: dict[str, Any] = json.loads(printed.getvalue())
    assert "月报" in data["title"]
    assert AuditEvent.objects.get(action="export").area_path == md.town_a.path
    with pytest.raises(CommandError):
        call_command("report", "burden.monthly", "--param", "month=2025-10", "--user",
                     md.users[Role.INSTITUTION_OPERATOR].username)  # fmt: skip
    with pytest.raises(CommandError, match="没有参数"):
        call_command("report", "burden.compliance", "--param", "colour=red", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--output"):
        call_command("report", "burden.compliance", "--format", "pdf")


@pytest.mark.parametrize(("who", "area"), [(Role.SCHOOL_ADMIN, "school_a"), ("town_officer", "town_a")])
def test_list_page_exports_are_audited_in_the_same_area(client, md, who, area):
    """The list pages' downloads (web.exports.audited_export_response) place the event exactly as
    the registry does: a school's account at its school's area, not nowhere."""
    user = md.users[who]
    client.force_login(user)
    assert client.get(reverse("registry:school_export"), {"fmt": "csv"}).status_code == 200
    event = AuditEvent.objects.get(action="export", actor=user)
    expected = md.school_a.area.path if area == "school_a" else md.town_a.path
    assert event.area_path == expected and event.model == "registry.School"
    assert event.changes["format"] == "csv" and event.object_repr.startswith("学校名单（")


def test_api_lists_what_the_caller_may_run_and_downloads_audited(md):
    from rest_framework.test import APIClient

    api = APIClient()
    school_admin = md.users[Role.SCHOOL_ADMIN]
    api.force_authenticate(school_admin)
    listed = {r["name"] for r in api.get(reverse("api:reports:report-list")).json()}
    assert "burden.compliance" in listed and "resources.balanced" not in listed
    url = reverse("api:reports:report-download", kwargs={"name": "burden.compliance", "fmt": "json"})
    response = api.get(url)
    assert response.status_code == 200 and json.loads(response.content)["sections"]
    event = AuditEvent.objects.get(action="export", actor=school_admin)
    assert event.area_path == md.school_a.area.path and event.source == "api"
    refused = reverse("api:reports:report-download", kwargs={"name": "resources.balanced", "fmt": "json"})
    denied = api.get(refused)
    assert denied.status_code == 403 and denied.json()["detail"]


def test_page_renders_the_same_document_without_an_export_event(client, md):
    client.force_login(md.users[Role.DISTRICT_ADMIN])
    url = reverse("reports:page", kwargs={"name": "burden.monthly"})
    response = client.get(url, {"month": f"{md.year.start_year}-10"})
    html = response.content.decode()
    assert response.status_code == 200 and "“双减”工作监测月报" in html and "四、超标班级" in html
    assert reverse("reports:download", kwargs={"name": "burden.monthly", "fmt": "pdf"}) in html
    assert not AuditEvent.objects.filter(action="export").exists()
    client.force_login(md.users[Role.INSTITUTION_OPERATOR])
    assert client.get(url, {"month": f"{md.year.start_year}-10"}).status_code == 403
