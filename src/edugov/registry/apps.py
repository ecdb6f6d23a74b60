"""The registry declares itself as a module (edugov.modules): navigation, policy, scope rules."""

from __future__ import annotations

from edugov.modules import ModuleConfig, ModuleSpec


class RegistryConfig(ModuleConfig):
    name = "edugov.registry"
    label = "registry"
    verbose_name = "基础信息"
    default = True

    def declare(self) -> ModuleSpec:
        from edugov.accounts.models import Department, Module
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
            api_urls="edugov.api.registry_urls",
            scopes="scopes",
        )
