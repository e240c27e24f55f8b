import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nscap.settings")
application = get_wsgi_application()
# Load the URL configuration, and with it every API schema, while the worker boots: left to the
# first request, it made a fresh gunicorn worker answer seconds late (bench/read_api.py).
get_resolver().url_patterns  # noqa: B018
