"""Contenders, one module each; every ``Contender`` subclass in this package is found.

Adding a library is adding one module here with a ``Contender`` subclass.
"""

from __future__ import annotations

import importlib
import pkgutil

from benchmarks.contenders.base import Contender, Context

__all__ = ["Context", "Contender", "discover"]

_ROLE_ORDER = {"floor": 0, "reference": 1, "vivace": 2, "peer": 3}


def discover() -> tuple[list[type[Contender]], dict[str, str]]:
    """Every contender class (floor first, then references, Vivace, peers) and the
    modules that failed to import, with why."""
    found: list[type[Contender]] = []
    broken: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
        except Exception as error:  # a peer not installed, or broken by an upgrade
            broken[info.name] = f"{type(error).__name__}: {error}"
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Contender)
                and value is not Contender
                and value.name
                and value.__module__ == module.__name__
                and value not in found
            ):
                found.append(value)
    found.sort(key=lambda c: (_ROLE_ORDER.get(c.role, 9), c.name))
    return found, broken
