"""WSGI entry of the bare anchor: ``gunicorn bench.bare_ninja.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_ninja.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - load the URLs at boot, as nscap's wsgi does
