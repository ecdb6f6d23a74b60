from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "edugov.api"
    label = "api"
