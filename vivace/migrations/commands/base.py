"""What every migrations command works with: the engine, the apps, and how to talk.

Example::

    context = MigrationContext.from_configuration()
    history = await context.history("music")
    history.pending(await context.ran("music"))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vivace.conf import AppConfig, AppRegistry, load_configuration
from vivace.exceptions import ConfigurationError, MigrationError
from vivace.migrations.history import (
    MigrationFile,
    Replay,
    manager_of,
    migration_files,
    replay,
)
from vivace.migrations.manager import MigrationManager
from vivace.migrations.table import ran_migration_names
from vivace.schema.spec import SchemaSpec

ALL = "all"


def _ask_terminal(question: str) -> bool:
    """The default ``confirm``: ask on the terminal; only "y" or "yes" agrees.

    Example: ``MigrationContext(DB, APP_REGISTRY, confirm=lambda question: True)`` agrees
    to everything without asking (scripts, tests).
    """
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


@dataclass
class MigrationContext:
    """The engine and apps a command runs on, where it prints and how it asks.

    Example::

        lines: list[str] = []
        context = MigrationContext(DB, APP_REGISTRY, output=lines.append)
        await forwards("music", context=context)  # its messages go to lines
    """

    engine: Any
    registry: AppRegistry
    output: Callable[[str], None] = print
    confirm: Callable[[str], bool] = _ask_terminal

    @classmethod
    def from_configuration(cls, module_name: str | None = None, **kwargs: Any) -> MigrationContext:
        """The context of ``vivace_conf.py`` (or ``$VIVACE_CONF``)."""
        configuration = load_configuration(module_name)
        if configuration.db is None:
            raise ConfigurationError(
                "migrations need a configuration: vivace_conf.py with DB and APP_REGISTRY "
                "(vivace project new writes one)"
            )
        return cls(configuration.db, configuration.app_registry, **kwargs)

    def app_configs(self, app_name: str) -> list[AppConfig]:
        """``all``: every app, dependencies first; else the app after its dependencies.

        Example: ``context.app_configs("music")`` -> the ``AppConfig`` of the user app,
        then music's, when music's migrations depend on the user app.
        """
        if app_name == ALL:
            return self.registry.sorted_app_configs()
        return [
            *self.registry.dependencies_of(app_name),
            self.registry.require_app_config(app_name),
        ]

    async def ran(self, app_name: str) -> list[str]:
        """The IDs of the app's migrations that ran, oldest first.

        Example: ``await context.ran("music")`` -> ``["2026-12-01T03:23:44:434772"]``.
        """
        return await ran_migration_names(self.engine, app_name)

    async def history(self, app: str | AppConfig) -> History:
        """The app's migration files, their managers and the replayed schemas (an app named,
        or given: a dependency need not be registered itself).

        Example::

            history = await context.history("music")
            history.ids                                  # every migration ID, in order
            history.pending(await context.ran("music"))  # positions of those not run
        """
        config = app if isinstance(app, AppConfig) else self.registry.require_app_config(app)
        files = migration_files(config)
        managers = [await manager_of(f) for f in files]
        history = History(config, files, managers, replay(managers))
        for manager in managers:
            manager.engine = self.engine
            manager.snapshot_source = history.snapshot_source(manager)
        return history


@dataclass
class History:
    """An app's migration files in order, with the schema before each one."""

    app_config: AppConfig
    files: list[MigrationFile]
    managers: list[MigrationManager]
    replayed: Replay
    ids: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = [f.id for f in self.files]

    @property
    def schema(self) -> SchemaSpec:
        """The schema all the migrations build."""
        return self.replayed.schema

    def index(self, migration_id: str) -> int:
        """The position of a migration; ``MigrationError`` naming the app if unknown."""
        if migration_id not in self.ids:
            raise MigrationError(f"{self.app_config.app_name} has no migration {migration_id!r}")
        return self.ids.index(migration_id)

    def state_before(self, index: int) -> SchemaSpec:
        """The schema before migration ``index`` ran."""
        return self.replayed.states[index]

    def replaced(self, index: int) -> list[str]:
        """The IDs a squashed migration replaces (its ``REPLACES``), else none."""
        return list(getattr(self.files[index].module, "REPLACES", []) or [])

    def is_ran(self, index: int, ran: set[str]) -> bool:
        """Whether migration ``index`` ran, directly or as the history it squashed (whose
        newest migration ran: migrations run in order)."""
        if self.ids[index] in ran:
            return True
        replaced = self.replaced(index)
        return bool(replaced) and replaced[-1] in ran

    def pending(self, ran: list[str]) -> list[int]:
        """The positions of the migrations that did not run, in order."""
        done = set(ran)
        for index in range(len(self.ids)):
            replaced = self.replaced(index)
            partly = [i for i in replaced if i in done]
            if partly and not self.is_ran(index, done):
                raise MigrationError(
                    f"this database ran only part of the history {self.ids[index]} squashed "
                    f"({len(partly)} of {len(replaced)} migrations): run it forwards with "
                    "the original files first"
                )
        return [i for i in range(len(self.ids)) if not self.is_ran(i, done)]

    def snapshot_source(self, manager: MigrationManager) -> Any:
        """What ``get_table_from_snapshot`` of ``manager`` reads."""

        async def source(
            table_class_name: str | None, offset: int, migration_id: str | None
        ) -> SchemaSpec:
            target = migration_id or manager.migration_id
            index = self.index(target) + 1 + offset  # after the migration, minus offset
            if index <= 0:
                return SchemaSpec()
            if index >= len(self.replayed.states):
                return self.replayed.schema
            return self.replayed.states[index]

        return source
