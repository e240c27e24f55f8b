from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nscap.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from nscap.accounts import audit  # connects the sign-in audit receivers
        from nscap.accounts.selectors import affiliated_institution_ids
        from nscap.core import hooks

        hooks.provide("own_institutions", affiliated_institution_ids)

        audit.connect_lockout_receiver()
