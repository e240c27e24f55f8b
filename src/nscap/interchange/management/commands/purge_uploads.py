"""``nscap purge-uploads``: delete uploaded files whose check waited past the expiry.

Every upload does this first as well; run it from cron (hourly, say) so that nothing stays on
disk past ``NSCAP_IMPORT_UPLOAD_TTL`` when nobody uploads.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nscap.interchange.limits import limit
from nscap.interchange.uploads import purge_expired, upload_dir


class Command(BaseCommand):
    help = "Delete uploaded import files older than NSCAP_IMPORT_UPLOAD_TTL (default 24 h)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        hours = limit("NSCAP_IMPORT_UPLOAD_TTL") / 3600
        self.stdout.write(
            f"Deleted {deleted} expired upload(s) older than {hours:g} h from {upload_dir()}."
        )
