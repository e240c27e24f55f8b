"""Fixtures shared by the whole suite: users of each role and a real browser."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("NSCAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier test activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached analytics are keyed by a data version that
    every test's rolled-back database starts again from, and records made by factories bump
    none, so a result cached by one test must not answer the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def steward(django_user_model):
    from django.contrib.auth.models import Group

    from nscap.core.visibility import STEWARDS_GROUP

    user = django_user_model.objects.create_user("steward", password="a-long-test-password")
    user.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return user


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright; skipped where absent unless NSCAP_REQUIRE_BROWSER."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("NSCAP_REQUIRE_BROWSER"):
            pytest.fail(f"NSCAP_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
