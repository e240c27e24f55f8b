from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "nscap.sources"
    label = "sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from nscap.core import hooks
        from nscap.sources.selectors import citations_of

        hooks.provide("citations_of", citations_of)
