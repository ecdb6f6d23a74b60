"""WSGI entry point (gunicorn edugov.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
application = get_wsgi_application()
