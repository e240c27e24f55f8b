"""Guard (issue 12, #2): nothing switches off autoescaping except the entries listed here.

A safety that one filter switches off is a safety nobody notices switched off: ``|safe`` on a
chart spec let an institution called ``</script><script>...`` run in every visitor's browser.
Data that people write reaches HTML only through autoescaping, ``format_html`` or
``json_script``. A new ``|safe``, ``mark_safe``, ``SafeString(`` or ``{% autoescape off %}``
fails this test until it is removed or listed below with the reason its input is ours.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "nscap"

UNSAFE = re.compile(
    r"\|\s*safe(?:seq)?\b|\bmark_safe\b|\bSafeString\(|\bSafeText\(|\{%-?\s*autoescape\s+off"
)

# (path relative to src/nscap, the matched text) -> why its input can never be user data.
ALLOWED: dict[tuple[str, str], str] = {
    ("accounts/templates/accounts/two_factor.html", "|safe"): (
        "qr_svg is the SVG that segno draws from the otpauth URL of the signed-in user's own "
        "new device (accounts.two_factor.qr_svg); segno escapes the text it encodes and emits "
        "only path data"
    ),
    ("analytics/page_cache.py", "mark_safe"): (
        "the cached string is render_to_string() of our own autoescaped content template; the "
        "cache keeps the text and loses its SafeString type, which this restores"
    ),
}


def _occurrences() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(SOURCE.rglob("*")):
        if path.suffix not in {".html", ".py", ".txt", ".xml"} or "tests" in path.parts:
            continue
        for match in UNSAFE.finditer(path.read_text(encoding="utf-8")):
            text = re.sub(r"\s+", "", match.group(0))
            if text.startswith("{%"):
                text = "{% autoescape off"
            found.add((str(path.relative_to(SOURCE)), text))
    return found


def test_nothing_switches_off_autoescaping_outside_the_allow_list():
    unexpected = sorted(_occurrences() - ALLOWED.keys())
    assert not unexpected, (
        "Autoescaping switched off (issue 12, #2). Render user data through autoescaping, "
        f"format_html or json_script, or list it in ALLOWED with the reason: {unexpected}"
    )


def test_every_allow_list_entry_is_still_needed():
    stale = sorted(ALLOWED.keys() - _occurrences())
    assert not stale, f"Remove these entries from ALLOWED, the code no longer has them: {stale}"


def test_the_guard_sees_each_way_of_switching_escaping_off():
    for text in [
        "{{ x|safe }}",
        "{{ x | safeseq }}",
        "mark_safe(x)",
        "SafeString(x)",
        "{% autoescape off %}",
        "{%- autoescape  off %}",
    ]:
        assert UNSAFE.search(text), text
    assert not UNSAFE.search("{{ x|json_script:'id' }} format_html('{}', x) is_safe")
