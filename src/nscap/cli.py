"""The ``nscap`` command: nscap's own commands first, Django's behind ``nscap django``.

``nscap --help`` lists nscap's commands grouped by what they are for (data, analysis,
operations), one line each, the line being the command's own ``help`` so the two cannot
drift. Django's forty commands stay reachable: ``nscap django`` (or ``nscap --all``) lists
them, ``nscap django createsuperuser`` runs one, and ``nscap check --deploy`` still works as
before: any name Django knows runs. ``nscap load-brief`` runs the ``load_brief`` command.
"""

from __future__ import annotations

import os
import sys

# The commands a user of nscap reaches for, by group (issue 16: `import` was lost among
# `axes_reset_ip_username`). Names are the management commands' names.
GROUPS: dict[str, tuple[str, ...]] = {
    "data": ("load_brief", "import", "export", "template", "link", "fuse", "search_index"),
    "analysis": ("analyse", "figures", "collaboration"),
    "operations": (
        "demo",
        "serve",
        "migrate",
        "backup",
        "restore",
        "token",
        "purge_uploads",
        "check",
        "createsuperuser",
    ),
}
HELP_FLAGS = {"-h", "--help", "help"}
LINE_WIDTH = 80


def _first_line(text: str) -> str:
    """The first sentence of a command's help, on one line."""
    line = " ".join(str(text).split())
    end = line.find(". ")
    line = line if end < 0 else line[: end + 1]
    if len(line) > LINE_WIDTH:  # one line each: a long sentence is cut before its detail
        line = line[: line.rfind(" ", 0, LINE_WIDTH - 1)].rstrip(",;:(") + " …"
    return line


def overview() -> str:
    """nscap's commands, grouped, one line each (what ``nscap --help`` prints)."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    known = get_commands()
    width = max(len(name) for names in GROUPS.values() for name in names) + 2
    lines = ["Usage: nscap COMMAND [OPTIONS]   (nscap help COMMAND for its options)", ""]
    for group, names in GROUPS.items():
        lines.append(f"{group.capitalize()}:")
        for name in names:
            if name not in known:
                continue
            command = load_command_class(known[name], name)
            shown = name.replace("_", "-")
            lines.append(f"  {shown:<{width}}{_first_line(command.help)}")
        lines.append("")
    lines.append("Django's own commands: nscap django --help (or nscap --all);")
    lines.append("run one with nscap django NAME ... (or nscap NAME ...).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "demo":
        os.environ.setdefault("NSCAP_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nscap.settings")
    if not argv or (argv[0] in HELP_FLAGS and len(argv) == 1):
        print(overview())
        return
    if argv[0] in {"django", "--all"}:
        argv = argv[1:] or ["help"]
    elif argv[0] == "help":
        argv = ["help", *[a.replace("-", "_") for a in argv[1:2]], *argv[2:]]
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nscap", *argv])


if __name__ == "__main__":
    main()
