"""WSGI entry of the bare anchor: ``gunicorn bench.bare_ninja.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_ninja.settings")
application = get_wsgi_application()
