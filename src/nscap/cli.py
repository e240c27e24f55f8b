"""The ``nscap`` command: Django's management commands behind one entry point.

``nscap load-brief`` runs the ``load_brief`` command; anything else Django knows works too
(``nscap check --deploy``, ``nscap createsuperuser``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo":
        os.environ.setdefault("NSCAP_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nscap.settings")
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nscap", *argv])


if __name__ == "__main__":
    main()
