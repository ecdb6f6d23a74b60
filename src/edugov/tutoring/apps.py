from django.apps import AppConfig


class TutoringConfig(AppConfig):
    name = "edugov.tutoring"
    label = "tutoring"
    verbose_name = "校外培训监管"

    def ready(self) -> None:
        from edugov.accounts.models import Module, Role
        from edugov.web.navigation import NavItem, add_nav

        from . import demo, scopes  # noqa: F401  (registers scope rules and the demo generator)

        supervisors = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.INSPECTOR, Role.LEADER})
        for label, url_name, roles in (
            ("监管看板", "tutoring:dashboard", supervisors),
            ("培训机构", "tutoring:institution_list", None),
            ("风险预警", "tutoring:risk_list", supervisors),
            ("违规情况", "tutoring:violation_list", None),
            ("无证无照", "tutoring:unlicensed_list", supervisors),
            ("检查与执法", "tutoring:inspection_list", supervisors),
            ("投诉办理", "tutoring:complaint_list", supervisors),
        ):
            add_nav(NavItem(label, url_name, Module.TUTORING, roles))
