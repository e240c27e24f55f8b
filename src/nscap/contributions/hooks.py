"""Who else must hear that a changeset was applied: higher layers register here.

The write path (``services._apply``) calls ``notify_applied`` inside the changeset's
transaction with every ``(record type, key)`` it created, changed or deleted, in order. A
higher layer (the search index) registers a listener in its ``AppConfig.ready`` instead of
``contributions`` importing it: the ground floor does not reach up (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Touched = Sequence[tuple[str, str]]
_listeners: list[Callable[[Touched], None]] = []


def on_applied(listener: Callable[[Touched], None]) -> None:
    """Call ``listener(touched)`` after every applied changeset (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def notify_applied(touched: Touched) -> None:
    """Tell every listener which records a changeset touched (in its transaction)."""
    for listener in _listeners:
        listener(touched)
