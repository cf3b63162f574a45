"""Loading the project configuration: ``vivace_conf.py`` (or ``$VIVACE_CONF``).

Example::

    configuration = load_configuration()
    configuration.db                 # its DB (None without a configuration module)
    configuration.app_registry       # its APP_REGISTRY (an empty registry if it has none)
    Finder().get_app_config("music")  # Piccolo's spelling of the same lookups
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from vivace.conf.app_config import AppConfig
from vivace.conf.registry import AppRegistry
from vivace.engine.finder import find_conf_module
from vivace.exceptions import ConfigurationError


@dataclass(frozen=True)
class Configuration:
    """A project's configuration: the module, its ``DB`` and its ``APP_REGISTRY``.

    Example: ``load_configuration().db`` -> the ``DB`` of ``vivace_conf.py``, or None.
    """

    module: ModuleType | None
    db: Any
    app_registry: AppRegistry


def load_configuration(module_name: str | None = None) -> Configuration:
    """The configuration of ``module_name``, else ``$VIVACE_CONF``, else ``vivace_conf``.

    Example: ``load_configuration("settings.vivace_test").app_registry.app_config_names``
    -> ``["music", "user"]``.
    """
    module = find_conf_module(module_name)
    if module is None:
        return Configuration(module=None, db=None, app_registry=AppRegistry())
    registry = getattr(module, "APP_REGISTRY", None) or AppRegistry()
    if not isinstance(registry, AppRegistry):
        raise ConfigurationError(f"APP_REGISTRY in {module.__name__} is not an AppRegistry")
    return Configuration(module=module, db=getattr(module, "DB", None), app_registry=registry)


class Finder:
    """Piccolo's configuration lookups: ``Finder().get_table_with_name("music", "Band")``."""

    def __init__(self, module_name: str | None = None) -> None:
        self.module_name = module_name

    def get_configuration(self) -> Configuration:
        """The loaded configuration (imported once; Python caches the module).

        Example: ``Finder("settings.vivace_test").get_configuration().module``.
        """
        return load_configuration(self.module_name)

    def get_engine(self) -> Any:
        """The configured ``DB``; ``ConfigurationError`` when there is none.

        Example: ``await Finder().get_engine().fetch_sql("SELECT 1")``.
        """
        engine = self.get_configuration().db
        if engine is None:
            raise ConfigurationError("no configuration with a DB was found (vivace_conf.py)")
        return engine

    def get_app_registry(self) -> AppRegistry:
        """The configured ``APP_REGISTRY``: ``Finder().get_app_registry().app_config_names``."""
        return self.get_configuration().app_registry

    def get_app_config(self, app_name: str) -> AppConfig:
        """The ``AppConfig`` called ``app_name``: ``Finder().get_app_config("music")``
        (``ConfigurationError`` when no app has that name)."""
        return self.get_app_registry().require_app_config(app_name)

    def get_table_classes(self, app_name: str) -> list[Any]:
        """An app's table classes, as its ``AppConfig`` lists them:
        ``Finder().get_table_classes("music")`` -> ``[Manager, Band]``."""
        return self.get_app_registry().get_table_classes(app_name)

    def get_table_with_name(self, app_name: str, table_class_name: str) -> Any:
        """An app's table by class name: ``Finder().get_table_with_name("music", "Band")``."""
        return self.get_app_registry().get_table_with_name(app_name, table_class_name)

    def get_sorted_app_names(self) -> list[str]:
        """App names, each after the apps its migrations depend on.

        Example: ``Finder().get_sorted_app_names()`` -> ``["user", "music"]`` when
        ``music`` depends on ``user``.
        """
        return [c.app_name for c in self.get_app_registry().sorted_app_configs()]
