"""An app's migration files: finding, importing and replaying them.

Files are modules in the app's migrations folder (``migrations/`` or Piccolo's
``piccolo_migrations/``), each with ``ID`` and ``async def forwards()``. They are
imported under private module names (never put on ``sys.path``, so two apps may have
files of the same name), and ordered by ``ID``.

Replaying the managers of the files gives the schema the migrations build, without a
database (the snapshot ``new --auto`` compares the app's tables with).

Example::

    files = migration_files(app_config)
    managers = await load_managers(app_config)
    schema = replay(managers).schema
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from types import ModuleType

from vivace.conf import AppConfig
from vivace.exceptions import MigrationError
from vivace.migrations.manager import MigrationManager
from vivace.migrations.operations import Operation
from vivace.schema.registry import unregister_table
from vivace.schema.spec import SchemaSpec
from vivace.schema.table import TableBase

#: Folder names searched when the configured folder does not exist.
FOLDER_NAMES = ("migrations", "piccolo_migrations")
_MODULE_PREFIX = "_vivace_migration_files"


@dataclass(frozen=True)
class MigrationFile:
    """One migration module: its ``ID``, file path and imported module."""

    id: str
    path: str
    module: ModuleType

    @property
    def description(self) -> str:
        return str(getattr(self.module, "DESCRIPTION", ""))


def migrations_folder(app_config: AppConfig) -> str:
    """The app's migrations folder: the configured one, else a sibling ``migrations`` or
    ``piccolo_migrations`` folder that exists (a Piccolo app keeps its history)."""
    configured = app_config.resolved_migrations_folder_path
    if os.path.isdir(configured):
        return configured
    parent = os.path.dirname(configured)
    for name in FOLDER_NAMES:
        candidate = os.path.join(parent, name)
        if os.path.isdir(candidate):
            return candidate
    return configured


def migration_files(app_config: AppConfig) -> list[MigrationFile]:
    """The app's migration modules, imported, in ``ID`` order."""
    folder = migrations_folder(app_config)
    if not os.path.isdir(folder):
        return []
    files: list[MigrationFile] = []
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".py") or entry.startswith("__"):
            continue
        path = os.path.join(folder, entry)
        module = _import_file(app_config.app_name, path)
        migration_id = getattr(module, "ID", None)
        if migration_id is None or not hasattr(module, "forwards"):
            continue  # a helper module beside the migrations
        files.append(MigrationFile(str(migration_id), path, module))
    ids = [f.id for f in files]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise MigrationError(f"two migrations of {app_config.app_name} have the ID {duplicates[0]}")
    return sorted(files, key=lambda f: f.id)


def _import_file(app_name: str, path: str) -> ModuleType:
    stem = os.path.splitext(os.path.basename(path))[0]
    name = f"{_MODULE_PREFIX}.{app_name}.{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"cannot import the migration file {path}")
    module = importlib.util.module_from_spec(spec)
    # Listed while it runs (dataclasses and typing look modules up by name), then removed,
    # so the Table classes it defines can be collected with it.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise MigrationError(f"cannot import the migration file {path}: {error}") from error
    finally:
        sys.modules.pop(name, None)
    for value in vars(module).values():
        # The file's stand-in tables (foreign key targets) must not shadow the app's own.
        if isinstance(value, type) and issubclass(value, TableBase) and value.__module__ == name:
            unregister_table(value)
    return module


async def manager_of(file: MigrationFile) -> MigrationManager:
    """The ``MigrationManager`` returned by a file's ``forwards()``."""
    try:
        manager = await file.module.forwards()
    except MigrationError:
        raise
    except Exception as error:
        raise MigrationError(f"migration {file.id}: forwards() failed: {error}") from error
    if not isinstance(manager, MigrationManager):
        raise MigrationError(f"migration {file.id}: forwards() must return a MigrationManager")
    if not manager.migration_id:
        manager.migration_id = file.id
    return manager


async def load_managers(
    app_config: AppConfig, max_migration_id: str | None = None
) -> list[MigrationManager]:
    """The managers of the app's migrations, up to and including ``max_migration_id``."""
    managers: list[MigrationManager] = []
    for file in migration_files(app_config):
        managers.append(await manager_of(file))
        if max_migration_id is not None and file.id == max_migration_id:
            break
    return managers


@dataclass
class Replay:
    """The schema after each migration: ``states[i]`` is the schema *before* migration i,
    ``operations[i]`` its operations; ``schema`` is the final state."""

    schema: SchemaSpec
    states: list[SchemaSpec] = field(default_factory=list)
    operations: list[list[Operation]] = field(default_factory=list)


def replay(managers: list[MigrationManager], start: SchemaSpec | None = None) -> Replay:
    """Apply every manager's operations in turn to ``start`` (an empty schema)."""
    state = start if start is not None else SchemaSpec()
    result = Replay(state)
    for manager in managers:
        result.states.append(state)
        try:
            operations = manager.operations(state)
            for operation in operations:
                state = operation.apply(state)
        except MigrationError as error:
            raise MigrationError(f"migration {manager.migration_id}: {error}") from error
        result.operations.append(operations)
    result.schema = state
    return result
