from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "edugov.indicators"
    label = "indicators"
    verbose_name = "指标引擎"
