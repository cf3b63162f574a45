"""``AppConfig`` and ``Command``: what an app is (its tables, migrations and commands).

Example (``music/vivace_app.py``)::

    APP_CONFIG = AppConfig(
        app_name="music",
        migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
        table_classes=table_finder(["music.tables"], exclude_imported=True),
        migration_dependencies=["vivace.apps.user.vivace_app"],
        commands=[Command(reset_ratings, aliases=["reset"])],
    )
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vivace.exceptions import ConfigurationError


@dataclass
class Command:
    """A function an app offers on the command line: ``vivace music reset_ratings``.

    Example: ``Command(reset_ratings, command_name="reset", aliases=["r"])``.
    """

    callable: Callable[..., Any]
    command_name: str | None = None
    aliases: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The command's name: ``command_name``, else the function's name.

        Example: ``Command(reset_ratings).name`` -> ``"reset_ratings"``;
        ``Command(reset_ratings, command_name="reset").name`` -> ``"reset"``.
        """
        return self.command_name or self.callable.__name__


@dataclass
class AppConfig:
    """One app: its name, migrations folder, tables, migration dependencies and commands.

    Example: ``AppConfig("music", "music/migrations", table_classes=[Band, Manager])``.
    ``migration_dependencies`` are module paths of other apps' ``APP_CONFIG`` modules, whose
    migrations run first.
    """

    app_name: str
    migrations_folder_path: str | pathlib.Path
    table_classes: list[Any] = field(default_factory=list)
    migration_dependencies: list[str] = field(default_factory=list)
    commands: Sequence[Callable[..., Any] | Command] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.table_classes = list(self.table_classes)
        self.migration_dependencies = list(self.migration_dependencies)

    @property
    def resolved_migrations_folder_path(self) -> str:
        """The migrations folder as an absolute path string.

        Example: ``AppConfig("music", "music/migrations").resolved_migrations_folder_path``
        -> ``"/home/me/project/music/migrations"`` when run from ``/home/me/project``.
        """
        return os.path.abspath(os.fspath(self.migrations_folder_path))

    def get_commands(self) -> list[Command]:
        """Every command as a ``Command`` (plain functions are wrapped).

        Example: ``[c.name for c in APP_CONFIG.get_commands()]`` -> ``["reset_ratings"]``.
        """
        return [c if isinstance(c, Command) else Command(c) for c in self.commands]

    def register_table(self, table_class: Any) -> Any:
        """Add a table to the app (usable as a class decorator); returns it.

        Example::

            @APP_CONFIG.register_table
            class Band(Table):
                name = Varchar()
        """
        self.table_classes.append(table_class)
        return table_class

    def get_table_with_name(self, table_class_name: str) -> Any:
        """The app's table whose class is called ``table_class_name``.

        Example: ``APP_CONFIG.get_table_with_name("Band")``.
        """
        for table in self.table_classes:
            if table.__name__ == table_class_name:
                return table
        raise ConfigurationError(
            f"the app {self.app_name!r} has no table class named {table_class_name!r}"
        )
