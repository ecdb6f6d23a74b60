"""The quality policy, tried for every identity of the mini district: the role x action matrix comes
from the declaration (quality/permissions.py, via edugov.testing.policy_expects), and each action is
tried through its page, its API route, its import kind and its report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edugov.accounts.policy import can, role_may, rule_for
from edugov.quality.importers import AssessmentImport, ResultImport
from edugov.quality.models import Assessment
from edugov.quality.permissions import POLICY
from edugov.testing import MINI_DISTRICT_USERS, login, policy_expects, policy_role_expects

pytestmark = pytest.mark.django_db

ACTIONS = sorted(f"quality.{name}" for name in POLICY.rules)


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


@pytest.mark.parametrize("identity", MINI_DISTRICT_USERS)
def test_role_may_follows_the_declaration(district, identity):
    user = district.users[identity]
    for action in ACTIONS:
        assert role_may(user, action) == policy_role_expects(user, action), action
        if rule_for(action).scope == "write" and user.is_read_only:
            assert not can(user, action)
    assert AssessmentImport.allows(user) == policy_role_expects(user, "quality.import_assessments")
    assert ResultImport.allows(user) == policy_role_expects(user, "quality.import_results")


@pytest.mark.parametrize("identity", MINI_DISTRICT_USERS)
def test_pages_api_and_report_follow_the_policy(paired, identity):
    d = paired
    user = d.users[identity]
    client = login(Client(), user)
    post = Assessment.objects.get(code="T-POST")
    views = policy_expects(user, "quality.view")
    for url in (
        reverse("quality:overview"),
        reverse("quality:value_added"),
        "/api/v1/quality/assessments/",
        f"/api/v1/quality/assessments/{post.pk}/bands/",
    ):
        assert (_status(client, url) == 200) == views, url
    on_a = policy_expects(user, "quality.view", d.school_a) or policy_expects(
        user, "quality.school_view", d.school_a
    )
    assert (_status(client, reverse("quality:school", args=[d.school_a.pk])) == 200) == on_a
    mine = client.get(reverse("quality:my_school"))
    assert (mine.status_code == 200) == policy_expects(user, "quality.school_view")
    report = reverse("reports:download", kwargs={"name": "quality.report", "fmt": "json"})
    assert (_status(client, report) == 200) == policy_expects(user, "quality.report")


def test_a_school_admin_sees_its_own_school_and_not_another(paired):
    d = paired
    client = login(Client(), d.users["school_admin"])
    page = client.get(reverse("quality:school", args=[d.school_a.pk]))
    assert page.status_code == 200 and d.school_a.name in page.content.decode()
    assert d.school_b.name not in page.content.decode()
    assert client.get(reverse("quality:school", args=[d.school_b.pk])).status_code == 404
