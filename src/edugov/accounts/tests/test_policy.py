"""The permission policies of every module, as declared: the rules that hold across all of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from edugov.accounts.models import Role
from edugov.accounts.policy import READ_ONLY_ROLES, Policy, Rule, can, ensure_can, policies, register_policy
from edugov.common.errors import PermissionDenied
from edugov.modules import declared_modules
from edugov.testing import make_mini_district

SRC = Path(__file__).resolve().parents[2]


def all_rules() -> list[tuple[str, Rule]]:
    return [(f"{p.module}.{name}", rule) for p in policies() for name, rule in p.rules.items()]


def test_every_declared_module_has_a_policy():
    declared = {m.code for m in declared_modules()}
    assert {"registry", "resources", "burden", "tutoring", "rectification"} <= declared
    assert declared <= {p.module for p in policies()}


@pytest.mark.parametrize(("action", "rule"), all_rules(), ids=[a for a, _ in all_rules()])
def test_read_only_roles_write_only_their_own_records(action, rule):
    if rule.scope == "write" and rule.roles & READ_ONLY_ROLES:
        assert rule.check is not None, f"{action} lets a read-only role write without limiting it"


def test_registering_an_unchecked_leader_write_is_refused():
    with pytest.raises(ImproperlyConfigured):
        register_policy(Policy("toy", {"edit": Rule("改", frozenset({Role.LEADER}))}))
    with pytest.raises(ImproperlyConfigured):
        Rule("改", frozenset({"janitor"}))


@pytest.mark.django_db
def test_inactive_and_anonymous_users_can_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    d = make_mini_district()
    admin = d.users[Role.DISTRICT_ADMIN]
    admin.is_active = False
    for action, _ in all_rules():
        assert not can(admin, action)
        assert not can(AnonymousUser(), action)
        assert not can(None, action)


@pytest.mark.django_db
def test_refusals_say_why_in_chinese():
    d = make_mini_district()
    with pytest.raises(PermissionDenied, match="只读"):
        ensure_can(d.users[Role.LEADER], "registry.school_edit", d.school_a)
    with pytest.raises(PermissionDenied, match="无权执行“新增学校”"):
        ensure_can(d.users[Role.SCHOOL_ADMIN], "registry.school_create")
    with pytest.raises(PermissionDenied, match="无权查看或修改"):
        ensure_can(d.users[Role.SCHOOL_ADMIN], "registry.school_edit", d.school_b)


ROLE_NAMES = {"role", "Role"}


def _role_comparisons(path: Path) -> list[int]:
    """Lines comparing `<x>.role` with something (==, !=, in, not in)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "role" for o in operands):
                lines.append(node.lineno)
    return lines


# Where comparing roles is the job: the policies themselves, the user model and the anchors that
# define what a role's scope hangs on, account creation, and the demo building its accounts.
ALLOWED = {"permissions.py", "policy.py", "models.py", "anchors.py", "testing.py"}
ALLOWED_PATHS = {"accounts/services.py", "demo/generators/accounts.py"}


def test_no_role_comparison_outside_the_policies():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or path.name in ALLOWED or rel in ALLOWED_PATHS:
            continue
        found += [f"{rel}:{line}" for line in _role_comparisons(path)]
    assert not found, "compare roles in a module's permissions.py, not here:\n" + "\n".join(found)
