from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nscap.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from nscap.core import lookups  # noqa: F401  (registers field__any)
