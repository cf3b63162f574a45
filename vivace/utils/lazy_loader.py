"""``LazyLoader``: a module imported only when one of its attributes is first used
(Piccolo's ``piccolo.utils.lazy_loader`` path), so an optional driver costs nothing
until it is needed.

Example::

    from vivace.utils.lazy_loader import LazyLoader

    asyncpg = LazyLoader("asyncpg", globals(), "asyncpg")
    asyncpg.connect  # imports asyncpg now, and puts it in this module's globals
"""

from __future__ import annotations

import importlib
import types
from typing import Any


class LazyLoader(types.ModuleType):
    """A stand-in for module ``name``, bound as ``local_name`` in ``parent_module_globals``.

    The first attribute read imports the real module, replaces the stand-in in the
    parent's globals (later reads go straight to the module) and answers from it.
    """

    def __init__(self, local_name: str, parent_module_globals: dict[str, Any], name: str):
        self._local_name = local_name
        self._parent_module_globals = parent_module_globals
        super().__init__(name)

    def _load(self) -> types.ModuleType:
        module = importlib.import_module(self.__name__)
        self._parent_module_globals[self._local_name] = module
        # Later reads through this stand-in (kept by someone else) skip __getattr__.
        self.__dict__.update(module.__dict__)
        return module

    def __getattr__(self, item: str) -> Any:
        return getattr(self._load(), item)

    def __dir__(self) -> list[str]:
        return dir(self._load())
