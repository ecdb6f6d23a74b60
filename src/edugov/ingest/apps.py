from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "edugov.ingest"
    label = "ingest"
