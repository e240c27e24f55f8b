"""Settings of the bare anchor: one database, no apps of ours, no sessions, no auth."""

import os

import dj_database_url

SECRET_KEY = os.environ.get("SECRET_KEY", "bare-ninja-bench-only")
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["ninja"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "bench.bare_ninja.urls"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
USE_TZ = True
