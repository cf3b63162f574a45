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
from typing import Any

from vivace.exceptions import ConfigurationError

DEFAULT_MODULE = "vivace_conf"
ENVIRONMENT_VARIABLE = "VIVACE_CONF"


def engine_finder(module_name: str | None = None) -> Any:
    """The ``DB`` of the configuration module, or None when there is no such module.

    The module is ``module_name``, else ``$VIVACE_CONF``, else ``vivace_conf``.
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
            return None
        raise
    engine = getattr(module, "DB", None)
    if engine is None:
        raise ConfigurationError(f"the configuration module {name} defines no DB engine")
    return engine
