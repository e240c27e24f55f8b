"""The one row analytics needs: the data version its cached results are keyed by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter that grows whenever registry data changes (a changeset applied or reverted, an
    import, ``load_brief``). Cached analytics are keyed by it, so a change makes every cached
    figure stale at once. It lives in the database, not the cache, so every web process agrees.
    """

    version = models.PositiveBigIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    def __str__(self) -> str:
        return str(self.version)
