from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "nscap.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.core import checks

        from nscap.search.checks import sqlite_without_trigram

        checks.register(sqlite_without_trigram)
        # The write path tells search which records a changeset touched (a hook, so that
        # contributions never imports search).
        from nscap.contributions.hooks import on_applied
        from nscap.search.services import reindex_applied

        on_applied(reindex_applied)
