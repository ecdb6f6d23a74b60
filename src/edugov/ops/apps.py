from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "edugov.ops"
    verbose_name = "运维"
