"""WSGI entry point (gunicorn edugov.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
application = get_wsgi_application()

# Compute the indicator pages' figures before the first request, then keep what the start-up made
# out of the cyclic collector's way (see edugov.indicators.warm).
from edugov.indicators.warm import freeze_start_up, warm_enabled, warm_up  # noqa: E402

if warm_enabled():
    warm_up()
freeze_start_up()
