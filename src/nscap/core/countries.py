"""Countries as ISO 3166-1 alpha-2 codes: a validator for the model, a check for the database."""

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_country_code(value: str) -> None:
    """Refuse anything but an assigned ISO 3166-1 alpha-2 code in capitals ("JP", not "jp")."""
    if value and (value != value.upper() or pycountry.countries.get(alpha_2=value) is None):
        raise ValidationError(
            _("%(value)s is not an ISO 3166-1 alpha-2 country code (such as JP or VN)."),
            params={"value": value},
            code="invalid_country",
        )


def country_field(verbose_name: str = _("country"), **kwargs) -> models.CharField:
    kwargs.setdefault("blank", True)
    return models.CharField(
        verbose_name, max_length=2, validators=[validate_country_code], **kwargs
    )


def country_constraint(
    field: str, name: str, *, allow_blank: bool = True
) -> models.CheckConstraint:
    """The database's coarse half of the check: two capital letters (or blank)."""
    condition = Q(**{f"{field}__regex": r"^[A-Z]{2}$"})
    if allow_blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)
