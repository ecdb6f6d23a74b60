from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "edugov.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import anchors, permissions, signals  # noqa: F401  (built-in anchor kinds, the policy)
        from .models import ScopeGrant
        from .scope import register_scope

        # A grant is seen by whoever administers the account it belongs to.
        register_scope(area="user__area", school="user__school")(ScopeGrant)
        signals.connect()
        from edugov.web.navigation import SYSTEM_MODULE, NavItem, add_nav

        add_nav(NavItem("数据范围授权", "scope_grants", SYSTEM_MODULE, action="accounts.grant_view"))
