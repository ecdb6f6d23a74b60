from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "edugov.scheduler"
    label = "scheduler"
    verbose_name = "定时任务"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from edugov.web.navigation import SYSTEM_MODULE, NavItem, add_nav

        from . import permissions  # noqa: F401  (the policy)

        # Each app's jobs.py registers its periodic jobs (as admin.py registers admin classes).
        autodiscover_modules("jobs")
        add_nav(NavItem("定时任务", "scheduler:job_list", SYSTEM_MODULE, action="scheduler.view"))
