from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "edugov.reports"
    label = "reports"
    verbose_name = "报表"
