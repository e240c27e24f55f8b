"""A generated world taken through nscap as a steward takes a new data set (issue 13).

The documented path, command by command, nothing around it:

1. ``nscap import institutions.zip``, ``reports.zip``, ``needs.zip`` (the interchange
   importer: vocabularies, institutions, courses, reports, claims, demand);
2. with the engine's clusters: ``nscap link --full --apply`` (link from scratch, then accept
   every suggestion the run marked "linked"); with the true clusters ``duplicates.zip`` carries
   the true ``same_as`` of every duplicate report and nothing is linked;
3. ``nscap fuse`` (every event fused again from all its reports);
4. ``nscap analyse gaps --format json`` and ``GET /api/analytics/collaboration/edges``, as the
   steward.

``run`` returns what those outputs say; ``scoring`` compares it with the truth.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client

from nscap.accounts.choices import TokenScope
from nscap.accounts.tokens import create_token
from nscap.synthetic_world import files
from nscap.synthetic_world.world import World


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run(world: World, directory: Path, steward: Any, *, true_clusters: bool) -> dict:
    """Import, link (or not), fuse, analyse: the registry's answers, with the seconds each
    step took. ``steward`` is an active steward user; the database starts empty."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    *imports, truth = files.write(world, directory, true_clusters)
    for path in imports:
        _command("import", str(path), "--user", steward.username, "--no-progress")
    seconds["import"] = time.perf_counter() - start
    messages = []
    if not true_clusters:
        start = time.perf_counter()
        messages.append(_command("link", "--full", "--apply", "--as", steward.username).strip())
        seconds["link"] = time.perf_counter() - start
    start = time.perf_counter()
    messages.append(_command("fuse").strip())
    output = directory / "gaps.json"
    call_command(
        "analyse", "gaps", "--format", "json", "--user", steward.username, "-o", str(output),
        stderr=io.StringIO(),
    )  # fmt: skip
    gaps = json.loads(output.read_text(encoding="utf-8"))
    _token, secret = create_token(steward, "count quality", TokenScope.READ, days=1)
    client = Client(SERVER_NAME="localhost")  # a host every settings file allows
    response = client.get(
        "/api/analytics/collaboration/edges", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    if response.status_code != 200:
        raise RuntimeError(f"collaboration edges: HTTP {response.status_code}")
    seconds["fuse_and_analyse"] = time.perf_counter() - start
    return {
        "gaps": gaps,
        "edges": response.json(),
        "truth": json.loads(truth.read_text(encoding="utf-8")),
        "messages": messages,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
