"""``AppRegistry``: the project's apps, named by the modules that hold their ``APP_CONFIG``.

Apps are imported on first use, not when the registry is made, so ``vivace_conf.py`` can
be imported before or after the apps' table modules (import order never matters).

Example (``vivace_conf.py``)::

    APP_REGISTRY = AppRegistry(apps=["music.vivace_app", "vivace.apps.user.vivace_app"])
    APP_REGISTRY.get_table_with_name("music", "Band")
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from vivace.conf.app_config import AppConfig
from vivace.exceptions import ConfigurationError


def load_app_config(module_path: str) -> AppConfig:
    """The ``APP_CONFIG`` of the module ``module_path``: ``load_app_config("music.vivace_app")``."""
    try:
        module = importlib.import_module(module_path)
    except ModuleNotFoundError as error:
        if error.name and module_path.startswith(error.name):
            raise ConfigurationError(f"cannot import the app module {module_path!r}") from error
        raise
    config = getattr(module, "APP_CONFIG", None)
    if not isinstance(config, AppConfig):
        raise ConfigurationError(f"the app module {module_path!r} defines no APP_CONFIG")
    return config


class AppRegistry:
    """The apps of a project. Example: ``AppRegistry(apps=["music.vivace_app"])``.

    ``app_configs`` adds ``AppConfig`` objects directly (scripts and tests):
    ``AppRegistry(app_configs=[AppConfig("music", "music/migrations")])``.
    """

    def __init__(
        self, apps: Sequence[str] | None = None, app_configs: Sequence[AppConfig] = ()
    ) -> None:
        self.apps: list[str] = list(apps or [])
        self._given = list(app_configs)
        self._configs: dict[str, AppConfig] | None = None

    @property
    def app_configs(self) -> dict[str, AppConfig]:
        """App name -> ``AppConfig``, importing the app modules the first time.

        Example: ``APP_REGISTRY.app_configs["music"].table_classes``.
        """
        if self._configs is None:
            configs: dict[str, AppConfig] = {}
            named = [(path, load_app_config(path)) for path in self.apps]
            named += [(f"AppConfig {c.app_name!r}", c) for c in self._given]
            for module_path, config in named:
                if config.app_name in configs:
                    raise ConfigurationError(
                        f"two apps are called {config.app_name!r} (the second is {module_path})"
                    )
                configs[config.app_name] = config
            self._configs = configs
        return self._configs

    @property
    def app_config_names(self) -> list[str]:
        """The app names, in registration order.

        Example: ``AppRegistry(apps=["vivace.apps.user.vivace_app"]).app_config_names``
        -> ``["user"]``.
        """
        return list(self.app_configs)

    def get_app_config(self, app_name: str) -> AppConfig | None:
        """The ``AppConfig`` called ``app_name``, or None.

        Example: ``APP_REGISTRY.get_app_config("nothing")`` -> ``None``.
        """
        return self.app_configs.get(app_name)

    def require_app_config(self, app_name: str) -> AppConfig:
        """The ``AppConfig`` called ``app_name``; ``ConfigurationError`` naming the known apps.

        Example: ``APP_REGISTRY.require_app_config("music").migrations_folder_path``.
        """
        config = self.get_app_config(app_name)
        if config is None:
            known = ", ".join(self.app_configs) or "none"
            raise ConfigurationError(f"no app called {app_name!r} is registered (apps: {known})")
        return config

    def get_table_classes(self, app_name: str) -> list[Any]:
        """The table classes of an app: ``APP_REGISTRY.get_table_classes("user")`` ->
        ``[BaseUser]``."""
        return list(self.require_app_config(app_name).table_classes)

    def get_table_with_name(self, app_name: str, table_class_name: str) -> Any:
        """An app's table by class name: ``get_table_with_name("music", "Band")``."""
        return self.require_app_config(app_name).get_table_with_name(table_class_name)

    def dependencies_of(self, app_name: str) -> list[AppConfig]:
        """The apps ``app_name`` depends on for migrations, directly or not, dependencies first.

        Example: ``[c.app_name for c in APP_REGISTRY.dependencies_of("music")]`` ->
        ``["user"]`` when music's ``migration_dependencies`` name the user app.
        """
        ordered: list[AppConfig] = []
        self._visit(self.require_app_config(app_name), ordered, set())
        return ordered[:-1]

    def sorted_app_configs(self) -> list[AppConfig]:
        """Every app, each after the apps its migrations depend on.

        Example: ``[c.app_name for c in APP_REGISTRY.sorted_app_configs()]`` ->
        ``["user", "music"]``.
        """
        ordered: list[AppConfig] = []
        for config in self.app_configs.values():
            self._visit(config, ordered, set())
        return ordered

    def _visit(self, config: AppConfig, ordered: list[AppConfig], path: set[str]) -> None:
        if any(c is config for c in ordered):
            return
        if config.app_name in path:
            raise ConfigurationError(f"circular migration_dependencies through {config.app_name!r}")
        path.add(config.app_name)
        for module_path in config.migration_dependencies:
            dependency = load_app_config(module_path)
            self._visit(self.app_configs.get(dependency.app_name, dependency), ordered, path)
        path.discard(config.app_name)
        ordered.append(config)
