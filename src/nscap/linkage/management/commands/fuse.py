"""``nscap fuse``: fuse every linked event again from all its reports (``linkage.fusing``).

The write services keep fused events current; this rebuilds them after a restore, an upgrade
that changes the survivorship rules, or a bulk load that went around the services.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nscap.analytics.cache import bump_data_version
from nscap.linkage.fusing import rebuild_all


class Command(BaseCommand):
    help = "Fuse every event again from all its reports (survivorship rules with provenance)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_all()
        bump_data_version()
        self.stdout.write(f"Fused {count} event(s).")
