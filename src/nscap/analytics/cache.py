"""Cached analytics: results keyed by function, the viewer's visibility class and a data version.

Two viewers who may see exactly the same records share a *visibility class*: every anonymous
visitor and every signed-in user with no institution ("public"); every steward ("steward");
members of the same institutions in the same networks ("institutions-<hash>"). The data version
(``DataVersion``) grows when a changeset is applied or reverted (``contributions.services``), an
import is applied (through the same service) or the brief is loaded, so no cached figure outlives
the data it was computed from. The cache is Django's cache framework (``CACHES``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from nscap.core.visibility import is_steward, viewer_institutions

T = TypeVar("T")
TIMEOUT_SECONDS = 60 * 60 * 24


def viewer_class(user: Any) -> str:
    """The visibility class of ``user``: viewers of one class see exactly the same records."""
    if is_steward(user):
        return "steward"
    own, peers = viewer_institutions(user)
    if not own:
        return "public"
    text = ",".join(map(str, sorted(own))) + "|" + ",".join(map(str, sorted(peers)))
    return "institutions-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def data_version() -> int:
    """The current data version (0 before anything was recorded)."""
    from nscap.analytics.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_data_version() -> None:
    """Mark every cached analytics result stale. Call it inside the writing transaction: the new
    version commits (or rolls back) with the data."""
    from nscap.analytics.models import DataVersion

    with transaction.atomic():
        if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1):
            DataVersion.objects.create(pk=1, version=1)


def _key(name: str, user: Any, params: dict[str, Any]) -> str:
    payload = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return f"nscap:analytics:{name}:{viewer_class(user)}:{data_version()}:{digest}"


def cached(name: str, user: Any, params: dict[str, Any], compute: Callable[[], T]) -> T:
    """``compute()``, or its cached result for this name, params, viewer class and data version."""
    key = _key(name, user, params)
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, TIMEOUT_SECONDS)
    return result


# Results too big to pickle quickly (the per-event supply: 20 MB and 3 s to pickle at 100,000
# events) stay in this process's memory; a small token in the shared cache says they are still
# valid, so clearing the cache or bumping the data version drops them too.
_LOCAL: dict[str, Any] = {}
_LOCAL_LOCK = threading.Lock()
LOCAL_SIZE = 2


def cached_in_process(name: str, user: Any, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process for this viewer class and data version."""
    key = _key(name, user, {"process": os.getpid()})
    token = cache.get(key)
    if token is not None and token in _LOCAL:
        return _LOCAL[token]
    value = compute()
    token = uuid.uuid4().hex
    with _LOCAL_LOCK:
        _LOCAL[token] = value
        while len(_LOCAL) > LOCAL_SIZE:
            _LOCAL.pop(next(iter(_LOCAL)))
    cache.set(key, token, TIMEOUT_SECONDS)
    return value
