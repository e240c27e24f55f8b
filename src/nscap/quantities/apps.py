from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuantitiesConfig(AppConfig):
    name = "nscap.quantities"
    label = "quantities"
    verbose_name = _("Quantities")
