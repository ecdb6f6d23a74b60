"""Who may do what: one permission policy per module, declared in `<app>/permissions.py`.

A policy lists its actions, and for each the roles that may do it, within which scope the row
acted on must lie ("write": the actor's write scope; "read": their read scope, for viewing and
exporting), and an optional predicate for what roles cannot say (an inspector assigned to the
plan). Views, API classes, services and tasks ask

    can(actor, "registry.school.edit", school)      -> bool
    ensure_can(actor, "registry.school.edit", school)  (raises PermissionDenied in Chinese)

and nobody compares roles outside a policy. The role x action matrix test is generated from the
declarations (accounts/tests/test_policy_matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from edugov.common.errors import PermissionDenied

from .models import Role
from .scope import ScopeError, scoped, write_scoped

Scope = Literal["read", "write"]

SYSTEM_MODULE = "system"  # actions of no business module (administration): roles decide alone

READ_ONLY_ROLES = frozenset({Role.LEADER})
ALL_ROLES = frozenset(Role.values)
BUREAU_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER})
BUREAU_WRITERS = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR})


@dataclass(frozen=True)
class Rule:
    """One action of a module: who may do it, and where."""

    label: str  # Chinese, shown in refusals: "修改学校信息"
    roles: frozenset[str]
    scope: Scope = "write"
    module: str | None = None  # the module the actor must hold (default: the policy's)
    departments: frozenset[str] | None = None  # officers of these departments only (None: any)
    check: Callable[[Any, Any], bool] | None = None  # (actor, obj) -> bool, beyond role and scope

    def __post_init__(self) -> None:
        bad = set(self.roles) - ALL_ROLES
        if bad:
            raise ImproperlyConfigured(f"unknown roles {sorted(bad)} in rule {self.label!r}")


@dataclass(frozen=True)
class Policy:
    module: str
    rules: dict[str, Rule] = field(default_factory=dict)

    def actions(self) -> list[str]:
        return [f"{self.module}.{name}" for name in self.rules]


_POLICIES: dict[str, Policy] = {}


def register_policy(policy: Policy) -> Policy:
    for name, rule in policy.rules.items():
        if rule.scope == "write" and rule.roles & READ_ONLY_ROLES and rule.check is None:
            raise ImproperlyConfigured(
                f"{policy.module}.{name}: a read-only role may write only through a check "
                "that limits it to its own records"
            )
    _POLICIES[policy.module] = policy
    return policy


def policies() -> list[Policy]:
    return list(_POLICIES.values())


def rule_for(action: str) -> Rule:
    module, _, name = action.partition(".")
    try:
        return _POLICIES[module].rules[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"no permission rule {action!r}: declare it in {module}/permissions.py"
        ) from None


def _module_of(action: str, rule: Rule) -> str:
    return rule.module or action.partition(".")[0]


def role_may(actor: Any, action: str) -> bool:
    """What the actor's role, module and department allow, before any row is looked at (for
    navigation entries and buttons)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    rule = rule_for(action)
    if actor.role not in rule.roles:
        return False
    module = _module_of(action, rule)
    if module != SYSTEM_MODULE and module not in actor.modules:
        return False
    return not (
        rule.departments is not None
        and actor.role == Role.DEPARTMENT_OFFICER
        and actor.department not in rule.departments
    )


def _in_scope(actor: Any, obj: models.Model, scope: Scope) -> bool:
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    return (write_scoped(rows, actor) if scope == "write" else scoped(rows, actor)).exists()


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """Whether `actor` may do `action` (on `obj`, when given: a model row must lie in the actor's
    read or write scope, as the rule says)."""
    if not role_may(actor, action):
        return False
    if actor.is_superuser:
        return True
    rule = rule_for(action)
    if isinstance(obj, models.Model) and obj.pk is not None and not _in_scope(actor, obj, rule.scope):
        return False
    return rule.check is None or bool(rule.check(actor, obj))


def ensure_can(actor: Any, action: str, obj: Any = None) -> None:
    if can(actor, action, obj):
        return
    if role_may(actor, action) and isinstance(obj, models.Model):
        raise PermissionDenied(ScopeError.OUT_OF_SCOPE)
    if getattr(actor, "is_read_only", False) and rule_for(action).scope == "write":
        raise PermissionDenied(ScopeError.READ_ONLY)
    raise PermissionDenied(ScopeError.ACTION_DENIED, action=rule_for(action).label)


def roles_for(action: str) -> frozenset[str]:
    return rule_for(action).roles


def any_can(actor: Any, actions: Iterable[str]) -> bool:
    return any(role_may(actor, a) for a in actions)
