import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.accounts.scope import scoped
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.testing import make_mini_district
from edugov.tutoring import services
from edugov.tutoring.models import Institution, StatusChange, UnlicensedSite

from .factories import credit_code, make_institution, officer, operator_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def md():
    return make_mini_district()


@pytest.fixture
def px(md):
    return officer(md)


def test_create_records_history_and_audit(md, px):
    inst = make_institution(md, px)
    assert inst.status == "licensed"
    assert list(inst.status_changes.values_list("from_status", "to_status")) == [("", "licensed")]
    assert AuditEvent.objects.filter(
        model="tutoring.Institution", object_id=str(inst.pk), action="create"
    ).exists()


def test_bad_credit_code_saves_nothing(md, px):
    code = credit_code()
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        make_institution(md, px, credit_code=bad)
    assert "校验位" in str(exc.value)
    assert Institution.objects.count() == 0


def test_subject_institution_requires_nonprofit(md, px):
    with pytest.raises(ValidationError) as exc:
        make_institution(md, px, category="subject", nonprofit_registered=False)
    assert "非营利性" in str(exc.value)
    assert make_institution(md, px, category="subject", nonprofit_registered=True).is_subject


def test_transitions_allowed_and_refused(md, px):
    inst = make_institution(md, px)
    services.institution_transition(institution=inst, actor=px, to_status="rectifying", reason="消防通道堵塞")
    services.institution_transition(institution=inst, actor=px, to_status="revoked", reason="整改不到位")
    with pytest.raises(DomainError) as exc:
        services.institution_transition(institution=inst, actor=px, to_status="licensed", reason="申诉")
    assert "吊销许可" in exc.value.message and "已注销关闭" in exc.value.message
    inst.refresh_from_db()
    assert inst.status == "revoked"
    assert StatusChange.objects.filter(institution=inst).count() == 3
    assert AuditEvent.objects.filter(model="tutoring.Institution", action="update").count() == 2


def test_transition_needs_reason_and_supervisor(md, px):
    inst = make_institution(md, px)
    with pytest.raises(DomainError):
        services.institution_transition(institution=inst, actor=px, to_status="suspended", reason=" ")
    with pytest.raises(PermissionDenied):
        services.institution_transition(
            institution=inst, actor=operator_for(inst), to_status="closed", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.institution_transition(
            institution=inst, actor=md.users[Role.LEADER], to_status="closed", reason="x"
        )


def test_operator_sees_only_own_institution(md, px):
    a = make_institution(md, px)
    b = make_institution(md, px, town=md.town_b)
    op = operator_for(a)
    assert list(scoped(Institution, op)) == [a]
    town_officer = md.users["town_officer"]
    assert list(scoped(Institution, town_officer)) == [a]
    assert set(scoped(Institution, px)) == {a, b}


def test_operator_page_for_other_institution_is_404(client, md, px):
    a = make_institution(md, px)
    b = make_institution(md, px)
    op = operator_for(a)
    client.force_login(op)
    assert client.get(reverse("tutoring:institution_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("tutoring:institution_detail", args=[b.pk])).status_code == 404


def test_officer_creates_via_page_and_bad_code_shows_message(client, md, px):
    client.force_login(px)
    data = {
        "name": "页面机构",
        "credit_code": "91350100M000100Y44",
        "category": "arts",
        "mode": "offline",
        "area": md.town_a.pk,
        "custody_mode": "custody",
        "risk_reserve": "0",
    }
    r = client.post(reverse("tutoring:institution_create"), data)
    assert r.status_code == 200
    assert "校验位错误" in r.content.decode()
    data["credit_code"] = "91350100M000100Y43"
    r = client.post(reverse("tutoring:institution_create"), data)
    assert r.status_code == 302
    assert Institution.objects.get().name == "页面机构"


def test_area_outside_scope_refused(md):
    town_officer_px = officer(md)
    town_officer_px.area = md.town_a
    town_officer_px.save()
    with pytest.raises(PermissionDenied) as exc:
        make_institution(md, town_officer_px, town=md.town_b)
    assert exc.value.message == "“所在乡镇街道”所选的记录不在您可修改的范围内"


def test_unlicensed_site_and_lists(md, px):
    site = services.unlicensed_site_create(
        actor=px,
        data={
            "name": "某小区补习点",
            "area": md.town_a,
            "address": "某小区3栋",
            "found_on": dt.date(2025, 3, 1),
        },
    )
    assert site.found_by == px and UnlicensedSite.objects.count() == 1
    inst = make_institution(md, px)
    services.institution_set_list(institution=inst, actor=px, list_status="black", reason="卷款跑路")
    inst.refresh_from_db()
    assert inst.list_status == "black"
    with pytest.raises(DomainError):
        services.institution_set_list(institution=inst, actor=px, list_status="white", reason="")


def test_public_lookup_shows_only_public_fields(client, md, px):
    inst = make_institution(
        md, px, name="阳光美术培训中心", legal_representative="李四法人", contact_phone="13912345678"
    )
    make_institution(md, px, name="阳光申请中机构", status="applying", licence_number="")
    r = client.get(reverse("tutoring:public_lookup"), {"q": "阳光"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "阳光美术培训中心" in html and "阳光申请中机构" not in html
    r = client.get(reverse("tutoring:public_detail", args=[inst.pk]))
    html = r.content.decode()
    assert "阳光美术培训中心" in html and inst.credit_code in html
    assert "李四法人" not in html and "13912345678" not in html
    # Not even masked (139****5678); the credit code may hold the digits 139 by chance.
    assert not re.search(r"139[*＊]|[*＊]5678", html)
    assert client.get(reverse("tutoring:public_detail", args=[999999])).status_code == 404


def test_public_lookup_rate_limited(client, md, settings):
    from django.core.cache import cache

    cache.clear()
    url = reverse("tutoring:public_lookup")
    codes = [client.get(url, {"q": "x"}).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    cache.clear()


@pytest.mark.parametrize("q", ["'; drop table", "%", "\x00", "a" * 500])
def test_public_lookup_bad_input_no_500(client, md, q):
    from django.core.cache import cache

    cache.clear()
    r = client.get(reverse("tutoring:public_lookup"), {"q": q, "area": "x" * 40})
    assert r.status_code in (200, 400)


def test_export_xlsx_masks_phone_for_inspector(client, md, px):
    import io

    from openpyxl import load_workbook

    make_institution(md, px, contact_phone="13912345678")
    inspector = md.users[Role.INSPECTOR]
    client.force_login(inspector)
    r = client.get(reverse("tutoring:institution_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[1][8] == "139****5678"
