"""The ground floor imports nothing above it (issue 20, item 7).

Every module of ``nscap.core`` is parsed (``ast``), every ``import`` and ``from … import`` in
it, at any depth (inside functions and ``TYPE_CHECKING`` blocks too), and every
``import_module("nscap.…")`` with a literal name, must stay inside ``nscap.core`` or outside
``nscap``. Lookups core needs from the apps above come through ``core.hooks``.

Excepted, and why:
- ``core/tests/``: tests exercise core together with the apps that use it (factories, the
  home page); nothing in core imports them, so they make no cycle.
- Model labels and URL names held as strings (``api_support.RECORD_TYPES``,
  ``selectors.record_url``, ``apps.get_model(label)`` in ``labels``): data, resolved through
  Django's registries at run time, not imports. They name domain records but load no domain code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nscap.core import hooks

CORE = Path(__file__).resolve().parents[1]
PACKAGE = "nscap.core"


def _module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return "nscap." + ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of every module ``source`` (the text of ``module``) imports."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _above_core(name: str) -> bool:
    return (name == "nscap" or name.startswith("nscap.")) and not (
        name == PACKAGE or name.startswith(PACKAGE + ".")
    )


def core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts)


def test_core_imports_no_domain_app():
    offenders = {}
    for path in core_modules():
        module = _module_name(path)
        names = imported_modules(path.read_text(encoding="utf-8"), module, path.stem == "__init__")
        above = sorted(name for name in names if _above_core(name))
        if above:
            offenders[str(path.relative_to(CORE.parent))] = above
    assert not offenders, f"core imports apps above it (use core.hooks instead): {offenders}"


def test_the_guard_reads_every_kind_of_import():
    """The scanner finds the imports that used to make the cycle, however they are written."""
    source = (
        "from nscap.networks.models import Membership\n"
        "def f():\n"
        "    import nscap.accounts.models\n"
        "    from .. import analytics\n"
        "    from ..sources import selectors\n"
        "    importlib.import_module('nscap.linkage.services')\n"
        "from .choices import Sensitivity\n"
    )
    names = imported_modules(source, "nscap.core.visibility")
    above = {name for name in names if _above_core(name)}
    assert {
        "nscap.networks.models",
        "nscap.accounts.models",
        "nscap.analytics",
        "nscap.sources",
        "nscap.linkage.services",
    } <= above
    assert "nscap.core.choices" in names
    assert not _above_core("nscap.core.choices")
    assert len(core_modules()) > 20  # the walk found core's modules, not an empty folder


def test_every_hook_is_provided_by_an_app():
    for name in hooks.HOOKS:
        assert callable(hooks.provided(name)), name


def test_a_missing_hook_fails_loudly_not_open():
    saved = hooks._registered.pop("peer_institutions")
    try:
        with pytest.raises(ImproperlyConfigured, match="peer_institutions"):
            hooks.provided("peer_institutions")
    finally:
        hooks.provide("peer_institutions", saved)
    with pytest.raises(ImproperlyConfigured, match="Unknown core hook"):
        hooks.provide("no_such_hook", lambda: None)
