"""The tutoring policy, tried: every declared action x every identity of the mini district (plus the
tutoring office and an operator of another institution), through the service, page or API that
performs it; allowed identities succeed, the others are refused. The expectation comes from the
declaration (role, module, department) and where the rows lie, never from a hand-kept list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.forms import ModelChoiceField
from django.urls import reverse

from edugov.accounts.anchors import forget_anchors
from edugov.accounts.models import Role
from edugov.accounts.policy import can, role_may
from edugov.accounts.scope import ScopeError
from edugov.common.errors import PermissionDenied
from edugov.testing import MINI_DISTRICT_USERS, login, make_mini_district, policy_expects
from edugov.tutoring import forms, services
from edugov.tutoring.importers import CustodyStatementImport
from edugov.tutoring.models import Course, Institution, Order, Refund, UnlicensedSite
from edugov.tutoring.permissions import POLICY

from .factories import credit_code, make_institution, officer, operator_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 1)


class World:
    """Town A's institution with a course, an order, a pending refund and a complaint; town B's
    institution; every identity of the mini district plus the tutoring office (district and town A)
    and the operator of town B's institution."""

    def __init__(self) -> None:
        md = make_mini_district()
        self.md = md
        admin = md.users[Role.DISTRICT_ADMIN]
        self.inst = make_institution(md, admin, custody_account="6222000011112222")
        self.other = make_institution(md, admin, town=md.town_b)
        operator = md.users[Role.INSTITUTION_OPERATOR]
        operator.institution_id = self.inst.pk
        operator.save()
        forget_anchors(operator)
        self.course = services.course_create(actor=admin, institution=self.inst, data=course_data())
        self.order = services.order_create(actor=admin, institution=self.inst, data=order_data(self.course))
        self.refund = services.refund_request(
            actor=admin, order=self.order, amount=Decimal("100"), requested_on=TODAY
        )
        self.complaint = services.complaint_submit(
            data={
                "institution": self.inst,
                "topic": "退费纠纷",
                "content": "退费申请两周无人处理",
                "contact_name": "王女士",
                "contact_phone": "13900001111",
            },
            today=TODAY,
        )
        # A second complaint, accepted and investigated: open to referral, investigation and reply.
        self.handled = services.complaint_submit(
            data={
                "institution": self.inst,
                "topic": "违规培训",
                "content": "周末仍在上学科类课程",
                "contact_name": "李先生",
                "contact_phone": "13900002222",
            },
            today=TODAY,
        )
        services.complaint_accept(actor=admin, complaint=self.handled, today=TODAY)
        services.complaint_investigate(
            actor=admin, complaint=self.handled, investigators="张三、李四", investigated_on=TODAY,
            findings="情况属实", today=TODAY,
        )  # fmt: skip
        town_office = officer(md)
        town_office.area = md.town_a
        town_office.save()
        self.users: dict[str, Any] = {
            **md.users,
            "tutoring_officer": officer(md),
            "tutoring_town_officer": town_office,
            "other_operator": operator_for(self.other),
        }


def course_data(**extra: Any) -> dict[str, Any]:
    return {
        "name": "素描",
        "subject": "美术",
        "grade_min": 1,
        "grade_max": 3,
        "lessons": 10,
        "lesson_minutes": 45,
        "price_per_lesson": Decimal("80"),
        **extra,
    }


def order_data(course: Course) -> dict[str, Any]:
    return {"course": course, "pupil_name": "小明", "lessons": 10, "amount": Decimal("800"), "paid_on": TODAY}


# Every identity of the mini district, the tutoring office (district and town A) and the operator of
# town B's institution.
IDENTITIES = [*MINI_DISTRICT_USERS, "tutoring_officer", "tutoring_town_officer", "other_operator"]


@pytest.fixture
def w() -> World:
    return World()


# One entry point per write action: (actor, world) -> performs it on town A's rows.
SERVICES: dict[str, Callable[[Any, World], Any]] = {
    "institution_create": lambda a, w: services.institution_create(
        actor=a,
        data={"name": "新机构", "credit_code": credit_code(), "category": "arts", "area": w.md.town_a},
    ),
    "institution_edit": lambda a, w: services.institution_update(
        institution=w.inst, actor=a, data={"address": "某路2号"}
    ),
    "institution_transition": lambda a, w: services.institution_transition(
        institution=w.inst, actor=a, to_status="rectifying", reason="消防通道堵塞"
    ),
    "institution_set_list": lambda a, w: services.institution_set_list(
        institution=w.inst, actor=a, list_status="black", reason="卷款跑路"
    ),
    "unlicensed_create": lambda a, w: services.unlicensed_site_create(
        actor=a, data={"name": "某小区补习点", "area": w.md.town_a, "address": "3栋", "found_on": TODAY}
    ),
    "staff_create": lambda a, w: services.staff_create(
        actor=a, institution=w.inst, data={"name": "赵老师", "id_number": "11010519491231002X"}
    ),
    "course_create": lambda a, w: services.course_create(actor=a, institution=w.inst, data=course_data()),
    "session_create": lambda a, w: services.session_create(
        actor=a, course=w.course, date=dt.date(2025, 9, 6), start_time=dt.time(9), end_time=dt.time(10)
    ),
    "order_create": lambda a, w: services.order_create(
        actor=a, institution=w.inst, data=order_data(w.course)
    ),
    "consumption_record": lambda a, w: services.consumption_record(
        actor=a, order=w.order, date=TODAY, lessons=1
    ),
    "refund_request": lambda a, w: services.refund_request(
        actor=a, order=w.order, amount=Decimal("10"), requested_on=TODAY
    ),
    "refund_settle": lambda a, w: services.refund_settle(actor=a, refund=w.refund, paid=True, on=TODAY),
    "risk_compute": lambda a, w: services.risk_compute(on=TODAY, actor=a),
    "inspection_record": lambda a, w: services.inspection_record(
        actor=a,
        data={
            "institution": w.inst,
            "inspected_on": TODAY,
            "findings": "证照齐全",
            "compliant": True,
            "inspectors": [w.users["tutoring_officer"], w.users[Role.DISTRICT_ADMIN]],
        },
    ),
    "enforcement_create": lambda a, w: services.enforcement_create(
        actor=a,
        data={"institution": w.inst, "kind": "refer", "decided_on": TODAY, "referred_to": "市场监管局"},
    ),
    "complaint_accept": lambda a, w: services.complaint_accept(actor=a, complaint=w.complaint, today=TODAY),
    "complaint_refer": lambda a, w: services.complaint_refer(
        actor=a, complaint=w.handled, referred_to="甲镇教育办"
    ),
    "complaint_investigate": lambda a, w: services.complaint_investigate(
        actor=a,
        complaint=w.handled,
        investigators="王五、赵六",
        investigated_on=TODAY,
        findings="复核属实",
        today=TODAY,
    ),
    "complaint_reply": lambda a, w: services.complaint_reply(
        actor=a, complaint=w.handled, reply="已约谈机构"
    ),
    "custody_import": lambda a, w: _import_allowed(a),
}

# Read actions: the page that asks for each.
PAGES: dict[str, Callable[[World], str]] = {
    "view": lambda w: reverse("tutoring:institution_list"),
    "supervise": lambda w: reverse("tutoring:dashboard"),
    "export": lambda w: reverse("tutoring:institution_list") + "?export=xlsx",
    "report_export": lambda w: reverse("tutoring:supervision_report"),
}


def _institution_page(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"tutoring:{name}", args=[w.inst.pk])


# Write actions with a form page (GET shows the form to who may do it) ...
FORM_PAGES: dict[str, Callable[[World], str]] = {
    "institution_create": lambda w: reverse("tutoring:institution_create"),
    **{
        name: _institution_page(name)
        for name in ("institution_edit", "staff_create", "course_create", "session_create", "order_create")
    },
}

# ... and the API: reads by their resource, writes by route and body.
API_READS: dict[str, Callable[[World], str]] = {
    "view": lambda w: "/api/v1/tutoring/institutions/",
    "supervise": lambda w: "/api/v1/tutoring/risk/",
}
API_WRITES: dict[str, Callable[[World], tuple[str, dict[str, Any]]]] = {
    "institution_create": lambda w: (
        "/api/v1/tutoring/institutions/",
        {"name": "接口机构", "credit_code": credit_code(), "category": "arts", "area": w.md.town_a.pk},
    ),
    "institution_transition": lambda w: (
        f"/api/v1/tutoring/institutions/{w.inst.pk}/transition/",
        {"to_status": "rectifying", "reason": "消防通道堵塞"},
    ),
    # the other complaint steps share the view set's permission path (CanWrite): two stand for all
    "complaint_accept": lambda w: (f"/api/v1/tutoring/complaints/{w.complaint.pk}/accept/", {}),
    "complaint_reply": lambda w: (f"/api/v1/tutoring/complaints/{w.handled.pk}/reply/", {"reply": "已约谈"}),
}


def _import_allowed(actor: Any) -> None:
    """The ingest engine offers and runs a kind only for whom it `allows`."""
    if not CustodyStatementImport.allows(actor):
        raise PermissionDenied(ScopeError.ACTION_DENIED, action=POLICY.rules["custody_import"].label)


# The row each action acts on (its scope decides), where it acts on one.
TARGETS: dict[str, Callable[[World], Any]] = {
    **{
        name: (lambda w: w.inst)
        for name in (
            "institution_edit", "institution_transition", "institution_set_list", "staff_create",
            "course_create", "order_create", "inspection_record", "enforcement_create",
        )
    },
    "session_create": lambda w: w.course,
    "consumption_record": lambda w: w.order,
    "refund_request": lambda w: w.order,
    "refund_settle": lambda w: w.refund,
    "complaint_accept": lambda w: w.complaint,
    "complaint_refer": lambda w: w.handled,
    "complaint_investigate": lambda w: w.handled,
    "complaint_reply": lambda w: w.handled,
}  # fmt: skip


def expected(w: World, key: str, action: str, *, target: bool = True) -> bool:
    """What the declaration says (edugov.testing.policy_expects: role, module, department, and the
    scope of the row acted on)."""
    row = TARGETS[action](w) if target and action in TARGETS else None
    return policy_expects(w.users[key], f"tutoring.{action}", row)


class _Undo(Exception):
    pass


def attempt(fn: Callable[[], Any]) -> bool:
    """True when `fn` succeeds (its writes rolled back), False when it is refused; any other error
    fails the test."""
    try:
        with transaction.atomic():
            fn()
            raise _Undo
    except _Undo:
        return True
    except PermissionDenied:
        return False


def test_every_action_has_an_entry_point():
    assert set(POLICY.rules) == set(SERVICES) | set(PAGES) | {"identity_view"}


@pytest.mark.parametrize("action", sorted(POLICY.rules))
def test_identities_exercise_both_sides_of_every_rule(w, action):
    assert {expected(w, key, action) for key in IDENTITIES} == {True, False}


@pytest.mark.parametrize("key", IDENTITIES)
@pytest.mark.parametrize("action", sorted(SERVICES))
def test_service_matrix(w, action, key):
    assert attempt(lambda: SERVICES[action](w.users[key], w)) == expected(w, key, action)


@pytest.mark.parametrize("key", IDENTITIES)
@pytest.mark.parametrize("action", sorted(PAGES))
def test_page_matrix(client, w, action, key):
    login(client, w.users[key])
    code = client.get(PAGES[action](w)).status_code
    assert code == (200 if expected(w, key, action) else 403)


@pytest.mark.parametrize("key", IDENTITIES)
@pytest.mark.parametrize("action", sorted(FORM_PAGES))
def test_form_page_matrix(client, w, action, key):
    login(client, w.users[key])
    code = client.get(FORM_PAGES[action](w)).status_code
    if expected(w, key, action):
        assert code == 200
    else:  # 404 where the institution is not even readable (another institution's operator)
        assert code in (403, 404)


@pytest.mark.parametrize("key", IDENTITIES)
@pytest.mark.parametrize("action", sorted(API_READS))
def test_api_read_matrix(client, w, action, key):
    login(client, w.users[key])
    code = client.get(API_READS[action](w)).status_code
    assert code == (200 if expected(w, key, action) else 403)


@pytest.mark.parametrize("key", IDENTITIES)
@pytest.mark.parametrize("action", sorted(API_WRITES))
def test_api_write_matrix(client, w, action, key):
    login(client, w.users[key])
    url, body = API_WRITES[action](w)
    code = client.post(url, body, content_type="application/json").status_code
    assert code == ((201 if action.endswith("create") else 200) if expected(w, key, action) else 403)


@pytest.mark.parametrize("action", sorted(POLICY.rules))
def test_role_may_follows_the_declaration(w, action):
    """What navigation and buttons are told, for every identity: the declaration without a row."""
    for key, actor in w.users.items():
        assert role_may(actor, f"tutoring.{action}") == expected(w, key, action, target=False), key


def test_identity_view_shapes_the_staff_list(client, w):
    services.staff_create(
        actor=w.users[Role.DISTRICT_ADMIN],
        institution=w.inst,
        data={"name": "周老师", "id_number": "11010519491231002X"},
    )
    for key, actor in w.users.items():
        if not expected(w, key, "view") or key == "other_operator":
            continue
        login(client, actor)
        html = client.get(reverse("tutoring:institution_detail", args=[w.inst.pk])).content.decode()
        full = expected(w, key, "identity_view")
        assert ("11010519491231002X" in html) == full, key
        assert ("110105********002X" in html) == (not full), key


# The holes ------------------------------------------------------------------------------------


def test_leader_writes_nothing_on_pages_or_api(client, w):
    leader = w.users[Role.LEADER]
    login(client, leader)
    assert client.get(reverse("tutoring:institution_create")).status_code == 403
    assert client.get(reverse("tutoring:institution_edit", args=[w.inst.pk])).status_code == 403
    assert client.get(reverse("tutoring:staff_create", args=[w.inst.pk])).status_code == 403
    assert client.post(reverse("tutoring:risk_list")).status_code == 403
    r = client.post(reverse("tutoring:complaint_detail", args=[w.complaint.pk]), {"step": "accept"})
    assert r.status_code == 403
    r = client.post(
        reverse("tutoring:complaint_detail", args=[w.handled.pk]), {"step": "reply", "reply": "已处理"}
    )
    assert r.status_code == 403
    r = client.post(
        "/api/v1/tutoring/institutions/",
        {"name": "x", "credit_code": credit_code(), "category": "arts", "area": w.md.town_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 403 and "只读" in r.json()["detail"]
    r = client.post(
        f"/api/v1/tutoring/institutions/{w.inst.pk}/transition/",
        {"to_status": "closed", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    w.inst.refresh_from_db()
    w.complaint.refresh_from_db()
    w.handled.refresh_from_db()
    assert w.inst.status == "licensed" and w.complaint.status == "new" and w.handled.reply == ""
    assert not Institution.objects.filter(name="x").exists()


def test_api_area_is_write_scoped(client, w):
    """A town-A supervisor cannot name town B, nor an area above its own, through the API."""
    login(client, w.users["tutoring_town_officer"])
    body = {"name": "越界机构", "credit_code": credit_code(), "category": "arts"}
    for area in (w.md.town_b, w.md.district):
        r = client.post(
            "/api/v1/tutoring/institutions/", {**body, "area": area.pk}, content_type="application/json"
        )
        assert r.status_code == 400 and "area" in r.json(), area
    assert not Institution.objects.filter(name="越界机构").exists()
    r = client.post(
        "/api/v1/tutoring/institutions/", {**body, "area": w.md.town_a.pk}, content_type="application/json"
    )
    assert r.status_code == 201 and Institution.objects.get(name="越界机构").area == w.md.town_a


def test_service_refuses_moving_an_institution_out_of_write_scope(w):
    town_office = w.users["tutoring_town_officer"]
    with pytest.raises(PermissionDenied) as exc:
        services.institution_update(institution=w.inst, actor=town_office, data={"area": w.md.town_b})
    assert exc.value.message == "“所在乡镇街道”所选的记录不在您可修改的范围内"
    with pytest.raises(PermissionDenied) as exc:
        services.institution_create(
            actor=town_office,
            data={"name": "越界机构", "credit_code": credit_code(), "category": "arts", "area": w.md.town_b},
        )
    assert exc.value.message == "“所在乡镇街道”所选的记录不在您可修改的范围内"
    w.inst.refresh_from_db()
    assert w.inst.area == w.md.town_a and not Institution.objects.filter(name="越界机构").exists()


def _choices(form: Any, name: str) -> Any:
    field = form.fields[name]
    assert isinstance(field, ModelChoiceField)
    return field.queryset


def test_forms_offer_only_writable_rows(w):
    town_office = w.users["tutoring_town_officer"]
    assert set(_choices(forms.InstitutionForm(user=town_office), "area")) == {w.md.town_a}
    assert set(_choices(forms.UnlicensedForm(user=town_office), "area")) == {w.md.town_a}
    assert set(_choices(forms.InspectionForm(user=town_office), "institution")) == {w.inst}
    assert set(_choices(forms.EnforcementForm(user=town_office), "institution")) == {w.inst}
    assert not _choices(forms.InstitutionForm(user=w.users[Role.LEADER]), "area").exists()
    operator = w.users["other_operator"]
    assert not _choices(forms.OrderForm(institution=w.inst, user=operator), "course").exists()
    assert not _choices(forms.CourseForm(institution=w.inst, user=operator), "tutor").exists()


def test_operator_cannot_name_another_institutions_rows(w):
    operator = w.users["other_operator"]
    with pytest.raises(PermissionDenied) as exc:  # its own institution, institution A's course
        services.order_create(actor=operator, institution=w.other, data=order_data(w.course))
    assert exc.value.message.endswith("所选的记录不在您可修改的范围内")
    foreign_tutor = services.staff_create(
        actor=w.users[Role.DISTRICT_ADMIN],
        institution=w.inst,
        data={"name": "钱老师", "id_number": "11010519491231002X", "is_tutor": True},
    )
    with pytest.raises(PermissionDenied) as exc:
        services.course_create(actor=operator, institution=w.other, data=course_data(tutor=foreign_tutor))
    assert exc.value.message.endswith("所选的记录不在您可修改的范围内")
    with pytest.raises(PermissionDenied):
        services.order_create(actor=operator, institution=w.inst, data=order_data(w.course))
    with pytest.raises(PermissionDenied):
        services.session_create(
            actor=operator,
            course=w.course,
            date=dt.date(2025, 9, 6),
            start_time=dt.time(9),
            end_time=dt.time(10),
        )
    assert Order.objects.count() == 1 and Course.objects.count() == 1


def test_inspector_acts_only_within_its_area(w):
    inspector = w.users[Role.INSPECTOR]  # town A
    for run in (
        lambda: services.inspection_record(
            actor=inspector, data={"institution": w.other, "inspected_on": TODAY}
        ),
        lambda: services.enforcement_create(
            actor=inspector, data={"institution": w.other, "kind": "refer", "decided_on": TODAY}
        ),
        lambda: services.unlicensed_site_create(
            actor=inspector,
            data={"name": "乙镇补习点", "area": w.md.town_b, "address": "某路", "found_on": TODAY},
        ),
    ):
        with pytest.raises(PermissionDenied) as exc:
            run()
        assert exc.value.message in ("您无权查看或修改该数据", "“所在乡镇街道”所选的记录不在您可修改的范围内")
    assert not UnlicensedSite.objects.exists()


def test_refusal_messages(w):
    leader = w.users[Role.LEADER]
    with pytest.raises(PermissionDenied) as exc:
        services.refund_settle(actor=leader, refund=w.refund, paid=True, on=TODAY)
    assert exc.value.message == "您的账号为只读账号"
    with pytest.raises(PermissionDenied) as exc:
        services.institution_transition(
            institution=w.inst, actor=w.users[Role.INSTITUTION_OPERATOR], to_status="closed", reason="x"
        )
    assert exc.value.message == "您的账号无权执行“变更培训机构状态”"
    with pytest.raises(PermissionDenied) as exc:
        services.refund_settle(actor=w.users["other_operator"], refund=w.refund, paid=True, on=TODAY)
    assert exc.value.message == "您无权查看或修改该数据"
    assert Refund.objects.get(pk=w.refund.pk).status == "requested"
    assert not can(leader, "tutoring.institution_edit", w.inst)
