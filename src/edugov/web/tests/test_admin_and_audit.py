"""Django admin changes are audited and scoped; the audit trail page is for district
administrators and shows changes in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from edugov.accounts.models import Role, User
from edugov.audit.models import AuditAction, AuditEvent
from edugov.registry.models import School
from edugov.testing import make_mini_district, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


@pytest.fixture
def superuser(d):
    user = make_user(Role.DISTRICT_ADMIN, area=d.district)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def school_form(school, **changes):
    data = {
        "code": school.code,
        "name": school.name,
        "school_type": school.school_type,
        "ownership": school.ownership,
        "urban_rural_code": school.urban_rural_code,
        "area": school.area_id,
        "address": school.address,
        "central_school": school.central_school_id or "",
        "campuses-TOTAL_FORMS": "0",
        "campuses-INITIAL_FORMS": "0",
        "campuses-MIN_NUM_FORMS": "0",
        "campuses-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_admin_change_is_audited_with_source_admin(client, d, superuser):
    client.force_login(superuser)
    url = reverse("admin:registry_school_change", args=[d.school_a.pk])
    response = client.post(url, school_form(d.school_a, name="甲街道第一小学（后台）"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(model="registry.School", action=AuditAction.UPDATE).latest("id")
    assert event.changes == {"name": ["甲街道第一小学", "甲街道第一小学（后台）"]}
    assert event.source == "admin" and event.actor == superuser


def test_admin_delete_archives_registry_rows(client, d, superuser):
    client.force_login(superuser)
    url = reverse("admin:registry_school_delete", args=[d.school_b.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    school = School.objects.get(pk=d.school_b.pk)
    assert school.archived_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_id=str(school.pk)).count() == 1


def test_admin_user_change_hides_password(client, d, superuser):
    client.force_login(superuser)
    user = d.users[Role.LEADER]
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "display_name": "王局长",
        "role": user.role,
        "area": user.area_id,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "extra_modules": "[]",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(model="accounts.User", action=AuditAction.UPDATE).latest("id")
    assert event.changes["display_name"] == ["", "王局长"]
    assert all("pbkdf2" not in str(v) and "md5" not in str(v) for v in event.changes.values())


def test_admin_lists_are_scoped_for_staff(client, d):
    officer = d.users["town_officer"]
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="view_school"))
    client.force_login(User.objects.get(pk=officer.pk))
    body = client.get(reverse("admin:registry_school_changelist")).content.decode()
    assert "甲街道第一小学" in body and "乙镇中心小学" not in body
    assert client.get(reverse("admin:registry_school_change", args=[d.school_b.pk])).status_code == 302


def test_audit_events_are_read_only_in_admin(client, d, superuser):
    client.force_login(superuser)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.DEPARTMENT_OFFICER,
        Role.LEADER,
        Role.SCHOOL_ADMIN,
        Role.TEACHER,
        Role.INSPECTOR,
        Role.INSTITUTION_OPERATOR,
    ],
)
def test_audit_page_is_for_district_admins_only(client, d, role):
    client.force_login(d.users[role])
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 403 and "审计日志仅供区县管理员查看" in response.content.decode()


def test_audit_page_shows_changes_in_chinese_and_filters(client, d):
    admin = d.users[Role.DISTRICT_ADMIN]
    client.force_login(admin)
    client.post(
        reverse("registry:school_edit", args=[d.school_b.pk]),
        {"name": "乙镇中心小学", "school_type": "primary", "ownership": "private", "urban_rural_code": "121",
         "area": d.town_b.pk},
    )  # fmt: skip
    response = client.get(reverse("audit:event_list") + "?action=update&model=registry.School")
    body = response.content.decode()
    assert response.status_code == 200
    assert "举办者类型" in body and "公办" in body and "民办" in body and "乙镇中心小学" in body
    body = client.get(reverse("audit:event_list") + "?action=create").content.decode()
    assert "甲街道第一小学" in body and "学校标识码" in body
    body = client.get(reverse("audit:event_list") + f"?actor={admin.username}&action=create").content.decode()
    assert "没有符合条件的审计记录" in body


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?date_from=2026-13-45",
        "?action=explode",
        "?model=nope.Nope",
        "?date_to=abc&obj=" + "x" * 300,
    ],
)
def test_audit_page_bad_parameters(client, d, query):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    assert client.get(reverse("audit:event_list") + query).status_code == 200


def test_audit_page_date_range(client, d):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    body = client.get(reverse("audit:event_list") + "?date_to=2000-01-01").content.decode()
    assert "没有符合条件的审计记录" in body


def test_audit_page_query_count(client, d, django_assert_max_num_queries):
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    # 10, plus one query per model the page's foreign keys point at (areas, schools): each named
    # once for the whole page, not once per event
    with django_assert_max_num_queries(12):
        assert client.get(reverse("audit:event_list")).status_code == 200
