from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "edugov.registry"
    label = "registry"
    verbose_name = "基础信息"

    def ready(self) -> None:
        from edugov.web.navigation import NavItem, add_nav

        from . import permissions, scopes  # noqa: F401  (registers the policy and the scope rules)

        for label, url_name in (
            ("学校", "registry:school_list"),
            ("班级", "registry:class_list"),
            ("教师", "registry:teacher_list"),
            ("行政区划", "registry:area_list"),
        ):
            add_nav(NavItem(label, url_name, "registry"))
