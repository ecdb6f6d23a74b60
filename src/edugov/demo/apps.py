from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "edugov.demo"
    label = "demo"
