from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "edugov.resources"
    label = "resources"
    verbose_name = "办学条件与均衡"

    def ready(self) -> None:
        from edugov.accounts.models import Module, Role
        from edugov.accounts.scope import register_scope
        from edugov.web.navigation import NavItem, add_nav

        from . import demo  # noqa: F401  (registers the demo generator)
        from .models import InclusiveKindergarten, PreschoolPopulation, SchoolFacilities, TeacherYearRecord

        register_scope(area="school__area", school="school")(SchoolFacilities)
        register_scope(area="teacher__school__area", school="teacher__school", teacher="teacher")(
            TeacherYearRecord
        )
        register_scope(area="area")(PreschoolPopulation)
        register_scope(area="school__area", school="school")(InclusiveKindergarten)
        district_roles = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.LEADER})
        add_nav(NavItem("优质均衡", "resources:balanced", Module.RESOURCES, roles=district_roles))
        add_nav(NavItem("普及普惠", "resources:preschool", Module.RESOURCES, roles=district_roles))
        # School administrators have no resources module: their own card sits with their data.
        add_nav(
            NavItem(
                "本校优质均衡", "resources:my_card", Module.REGISTRY, roles=frozenset({Role.SCHOOL_ADMIN})
            )
        )
