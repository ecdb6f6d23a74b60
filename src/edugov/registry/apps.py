"""The registry declares itself as a module (edugov.modules): navigation, policy, scope rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from edugov.modules import ModuleSpec


# A ModuleConfig in all but its base class: edugov.modules imports accounts.models at import time,
# which an apps.py may not do while the app registry loads (AppRegistryNotReady). Until
# edugov.modules imports the anchors lazily, the module is declared through ModuleConfig.ready.
class RegistryConfig(AppConfig):
    name = "edugov.registry"
    label = "registry"
    verbose_name = "基础信息"

    def ready(self) -> None:
        from edugov.modules import ModuleConfig

        ModuleConfig.ready(self)  # type: ignore[arg-type]

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
        from edugov.modules import ModuleSpec
        from edugov.web.navigation import NavItem

        return ModuleSpec(
            code=Module.REGISTRY,
            label=str(Module.REGISTRY.label),
            departments=frozenset({Department.BASIC_EDUCATION, Department.PERSONNEL}),
            nav=tuple(
                NavItem(label, url_name, Module.REGISTRY, action="registry.view")
                for label, url_name in (
                    ("学校", "registry:school_list"),
                    ("班级", "registry:class_list"),
                    ("教师", "registry:teacher_list"),
                    ("行政区划", "registry:area_list"),
                )
            ),
            policy="permissions",
            scopes="scopes",
        )
