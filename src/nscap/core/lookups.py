"""``field__any=[...]``: membership in a long list of values as ONE query parameter.

On PostgreSQL ``col = ANY(%s)`` with an array: a list of thousands of keys (imports) is neither
spelled out as thousands of placeholders that the driver has to split and the server to parse,
nor a different statement for every list length. Elsewhere it is ``IN (...)``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[Any]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


models.CharField.register_lookup(AnyOf)
