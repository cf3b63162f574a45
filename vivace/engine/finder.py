"""Finding the configured engine: ``vivace_conf.py`` or the module named by ``VIVACE_CONF``.

Example::

    # vivace_conf.py
    from vivace.engine import SQLiteEngine
    DB = SQLiteEngine(path="app.sqlite")

    engine_finder()    # that DB
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from types import ModuleType
from typing import Any

from vivace.engine.sqlite import SQLiteEngine
from vivace.exceptions import ConfigurationError

DEFAULT_MODULE = "vivace_conf"
ENVIRONMENT_VARIABLE = "VIVACE_CONF"
#: Where tables with no ``db=`` and no configuration keep their rows.
DEFAULT_SQLITE_PATH = "vivace.sqlite"


class DefaultEngineWarning(UserWarning):
    """No configuration was found, so the default SQLite engine is used."""


_default_engines: list[SQLiteEngine] = []


def default_engine() -> SQLiteEngine:
    """The engine used when there is no configuration: ``SQLiteEngine("vivace.sqlite")``.

    Made once, with one warning naming the file it writes (a forgotten ``vivace_conf.py``
    should not go unnoticed). Example::

        default_engine().path    # "vivace.sqlite", after one DefaultEngineWarning
    """
    if not _default_engines:
        path = os.path.abspath(DEFAULT_SQLITE_PATH)
        warnings.warn(
            f"no {DEFAULT_MODULE}.py found (and {ENVIRONMENT_VARIABLE} is not set): "
            f"using the default SQLite engine, which writes {path}",
            DefaultEngineWarning,
            stacklevel=2,
        )
        _default_engines.append(SQLiteEngine(path=DEFAULT_SQLITE_PATH))
    return _default_engines[0]


def engine_finder(module_name: str | None = None) -> Any:
    """The ``DB`` of the configuration module, or None when there is no such module.

    The module is ``module_name``, else ``$VIVACE_CONF``, else ``vivace_conf``.
    """
    module = find_conf_module(module_name)
    if module is None:
        return None
    engine = getattr(module, "DB", None)
    if engine is None:
        raise ConfigurationError(f"the configuration module {module.__name__} defines no DB engine")
    return engine


def find_conf_module(module_name: str | None = None) -> ModuleType | None:
    """The configuration module (imported), or None when there is none.

    The module is ``module_name``, else ``$VIVACE_CONF``, else ``vivace_conf``. A
    ``piccolo_conf.py`` where ``vivace_conf.py`` is expected raises ``ConfigurationError``
    rather than silently falling back to SQLite. Example::

        find_conf_module().APP_REGISTRY
    """
    name = module_name or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_MODULE
    if os.getcwd() not in sys.path and "" not in sys.path:
        # Like Piccolo, look in the working directory, where a project keeps its conf.
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name or (error.name and name.startswith(error.name + ".")):
            if name != DEFAULT_MODULE:
                raise ConfigurationError(
                    f"{ENVIRONMENT_VARIABLE}={name} names a module that cannot be imported"
                ) from error
            _refuse_piccolo_conf()
            return None
        raise
    return module


def _refuse_piccolo_conf() -> None:
    """A Piccolo project not yet renamed: say so instead of using an empty SQLite file."""
    piccolo_conf = os.path.join(os.getcwd(), "piccolo_conf.py")
    if os.path.exists(piccolo_conf):
        raise ConfigurationError(
            f"found {piccolo_conf} but no {DEFAULT_MODULE}.py: rename it to {DEFAULT_MODULE}.py "
            f"and change its imports from piccolo to vivace (or set {ENVIRONMENT_VARIABLE})"
        )
