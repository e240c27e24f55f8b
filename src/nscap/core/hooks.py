"""Lookups the ground floor needs from the apps above it, provided by those apps.

``core`` imports no domain app (``core/tests/test_layering.py`` guards it): the layers above
depend on it, so an import back up would make a cycle (issue 20, item 7: ``core.visibility``
imported ``networks.models``, which imports ``core.models``). Where a core function needs
something only a domain app knows, that app registers a function here in its
``AppConfig.ready()`` and core calls it through ``provided(name)``.

A hook nobody registered raises ``ImproperlyConfigured``: visibility must not quietly treat
every viewer as a stranger (or, worse, as a member) because an app was left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# name → what the registered function answers (and who provides it).
HOOKS = {
    "own_institutions": "ids of the institutions a user is affiliated with (accounts)",
    "peer_institutions": "ids of the institutions sharing a network with the given ones (networks)",
    "citations_of": "citations of {content type id: ids} whose source a user may see (sources)",
}

_registered: dict[str, Callable[..., Any]] = {}


def provide(name: str, function: Callable[..., Any]) -> None:
    """Register ``function`` as the answer to hook ``name`` (call from ``AppConfig.ready``)."""
    if name not in HOOKS:
        raise ImproperlyConfigured(f"Unknown core hook {name!r}; known: {sorted(HOOKS)}")
    _registered[name] = function


def provided(name: str) -> Callable[..., Any]:
    """The function registered for hook ``name``."""
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No app provides the core hook {name!r} ({HOOKS.get(name, 'unknown hook')})."
        ) from None
