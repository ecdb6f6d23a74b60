"""Who may see the periodic jobs and start one: the district administrator (and superusers)."""

from __future__ import annotations

from edugov.accounts.models import Role
from edugov.accounts.policy import SYSTEM_MODULE, Policy, Rule, register_policy

ADMINS = frozenset({Role.DISTRICT_ADMIN})

POLICY = register_policy(
    Policy(
        "scheduler",
        {
            "view": Rule("查看定时任务", ADMINS, scope="read", module=SYSTEM_MODULE),
            "run": Rule("立即运行定时任务", ADMINS, module=SYSTEM_MODULE),
        },
    )
)
