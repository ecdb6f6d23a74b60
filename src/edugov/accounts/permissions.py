"""Permission policy of account administration: who creates accounts and grants scopes."""

from __future__ import annotations

from .models import Role
from .policy import SYSTEM_MODULE, Policy, Rule, register_policy

ADMINS = frozenset({Role.DISTRICT_ADMIN})

POLICY = register_policy(
    Policy(
        "accounts",
        {
            "user_create": Rule("创建账号", ADMINS, module=SYSTEM_MODULE),
            "grant": Rule("授予或收回数据范围", ADMINS, module=SYSTEM_MODULE),
            "grant_view": Rule("查看数据范围授权", ADMINS, scope="read", module=SYSTEM_MODULE),
        },
    )
)
