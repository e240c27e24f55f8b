"""Settings for the test suite: the real settings with a throwaway data dir and fast hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "nscap-tests-only-not-secret")
os.environ.setdefault("NSCAP_DATA_DIR", os.path.join(tempfile.gettempdir(), "nscap-tests"))
# Under pytest-xdist each worker gets a data dir of its own (uploads, secret key, SQLite file):
# two workers writing the same import spool would read each other's files.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["NSCAP_DATA_DIR"] = os.path.join(os.environ["NSCAP_DATA_DIR"], worker)
os.environ.setdefault("NSCAP_TESTING", "1")

from nscap.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
