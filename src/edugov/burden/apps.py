from django.apps import AppConfig


class BurdenConfig(AppConfig):
    name = "edugov.burden"
    label = "burden"
    verbose_name = "双减监测"

    def ready(self) -> None:
        from edugov.accounts.models import Module, Role
        from edugov.web.navigation import NavItem, add_nav

        from . import scopes  # noqa: F401  (registers the scope rules)

        add_nav(NavItem("发布作业", "burden:homework_new", Module.BURDEN, roles=frozenset({Role.TEACHER})))
        add_nav(
            NavItem(
                "作业公示",
                "burden:homework_list",
                Module.BURDEN,
                roles=frozenset({Role.TEACHER, Role.SCHOOL_ADMIN}),
            )
        )
        add_nav(
            NavItem(
                "作业时长监测",
                "burden:compliance",
                Module.BURDEN,
                roles=frozenset(
                    {
                        Role.DISTRICT_ADMIN,
                        Role.DEPARTMENT_OFFICER,
                        Role.INSPECTOR,
                        Role.LEADER,
                        Role.SCHOOL_ADMIN,
                    }
                ),
            )
        )
        add_nav(
            NavItem(
                "考试与课后服务",
                "burden:school_rules",
                Module.BURDEN,
                roles=frozenset(
                    {
                        Role.DISTRICT_ADMIN,
                        Role.DEPARTMENT_OFFICER,
                        Role.INSPECTOR,
                        Role.LEADER,
                        Role.SCHOOL_ADMIN,
                    }
                ),
            )
        )
        school_admin = frozenset({Role.SCHOOL_ADMIN})
        add_nav(NavItem("考试登记", "burden:exam_entry", Module.BURDEN, roles=school_admin))
        add_nav(NavItem("课后服务填报", "burden:after_school_entry", Module.BURDEN, roles=school_admin))
        from .findings import register as register_findings

        register_findings()
        from .demo import register_demo

        register_demo()
        from edugov.warehouse.registry import register_table

        from .models import Homework

        # What the weekly compliance reads at province scale (burden.weekly), by school year and district.
        register_table(
            "homework", Homework, school_year="school_class__school_year", area="school_class__school__area"
        )
