"""``nscap search_index``: rebuild the search index from the records (after a bulk load or a
restore that wrote tables directly) and say which text index this database uses."""

import time

from django.core.management.base import BaseCommand

from nscap.search.matching import backend
from nscap.search.services import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index from the records; prints the entries per type and the time."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild_index()
        elapsed = time.perf_counter() - started
        written = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Search index rebuilt in {elapsed:.1f} s: {written}.")
        if backend() == "scan":
            self.stdout.write(
                self.style.WARNING(
                    "This database has no trigram text index (SQLite older than 3.34): "
                    "search reads every entry, which is slow on a large registry."
                )
            )
        else:
            self.stdout.write(f"Text index: {backend()}.")
