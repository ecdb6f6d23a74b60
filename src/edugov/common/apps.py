from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "edugov.common"
    label = "common"
