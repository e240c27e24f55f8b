from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "nscap.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from nscap.core import hooks
        from nscap.networks.selectors import peer_institution_ids

        hooks.provide("peer_institutions", peer_institution_ids)
