from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "edugov.standards"
    label = "standards"
    verbose_name = "标准库"
