from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "edugov.resources"
    label = "resources"
    verbose_name = "办学条件与均衡"

    def ready(self) -> None:
        from edugov.accounts.scope import register_scope

        from . import demo  # noqa: F401  (registers the demo generator)
        from .models import SchoolFacilities, TeacherYearRecord

        register_scope(area="school__area", school="school")(SchoolFacilities)
        register_scope(area="teacher__school__area", school="teacher__school", teacher="teacher")(
            TeacherYearRecord
        )
