"""``MigrationManager``: what one migration file changes, in Piccolo's call shapes.

A migration's ``forwards()`` returns a manager holding its operations. The manager
turns them into ``Operation`` objects in Piccolo's order (tables created, schemas
changed, tables renamed, constraints dropped, columns dropped and added, tables dropped,
columns renamed and altered, constraints added), so a history Piccolo wrote runs as it did
(constraints are dropped earlier than Piccolo drops them, so one naming a renamed or dropped
column still exists when it is dropped).

Example (a migration file)::

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=ID, app_name="music", description=DESCRIPTION)
        manager.add_table(class_name="Band", tablename="band")
        manager.add_column(
            table_class_name="Band", tablename="band", column_name="name",
            column_class=Varchar, params={"length": 50},
        )
        return manager
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from vivace.dialects.staged_ddl import LockOptions
from vivace.exceptions import MigrationError
from vivace.migrations.operations import (
    AddColumn,
    AddConstraint,
    AddTable,
    AlterColumn,
    ChangeTableSchema,
    DropColumn,
    DropConstraint,
    DropTable,
    Operation,
    RenameColumn,
    RenameTable,
    find_table,
)
from vivace.migrations.params import (
    altered_spec,
    column_class_of,
    column_spec_from_params,
    constraint_spec_from_params,
)
from vivace.orm.spec_tables import table_class_from_spec
from vivace.schema.column import Column
from vivace.schema.spec import ColumnSpec, ConstraintSpec, SchemaSpec, TableSpec
from vivace.schema.table_spec import column_spec

#: ``(table_class_name, offset, migration_id)`` -> the app's schema then; set by the runner.
SnapshotSource = Callable[[str | None, int, str | None], Awaitable[SchemaSpec]]

#: The key a table gets when it declares none (``id = Serial(primary_key=True)``).
DEFAULT_KEY = ColumnSpec.of("id", "Serial", primary_key=True)


@dataclass
class _Alter:
    table_class_name: str
    tablename: str
    schema: str | None
    column_name: str
    params: dict[str, Any]
    column_class: type[Column[Any]] | None
    using: str | None
    options: LockOptions


@dataclass
class _TableParts:
    columns: list[ColumnSpec] = field(default_factory=list)
    constraints: list[ConstraintSpec] = field(default_factory=list)


class MigrationManager:
    """The changes of one migration. See the module docstring for an example.

    ``fake=True`` records the migration as run without changing the schema;
    ``wrap_in_transaction=False`` runs it outside a transaction.

    ``add_column``, ``alter_column`` and ``add_constraint`` take two opt-in safe forms for
    tables that hold rows on PostgreSQL (ignored where the database has no such locks):
    ``index_concurrently=True`` builds indexes and unique constraints ``CONCURRENTLY``
    and ``validate_separately=True`` adds foreign keys, ``CHECK``s and ``NOT NULL``
    ``NOT VALID`` then validates them; both second steps run after the migration's
    transaction has committed (see docs/migrations.md, "Safe migrations on PostgreSQL").
    """

    def __init__(
        self,
        migration_id: str = "",
        app_name: str = "",
        description: str = "",
        preview: bool = False,
        fake: bool = False,
        wrap_in_transaction: bool = True,
    ) -> None:
        self.migration_id = migration_id
        self.app_name = app_name
        self.description = description
        self.preview = preview
        self.fake = fake
        self.wrap_in_transaction = wrap_in_transaction
        self.add_tables: list[AddTable] = []
        self.drop_tables: list[DropTable] = []
        self.rename_tables: list[RenameTable] = []
        self.change_table_schemas: list[ChangeTableSchema] = []
        self.add_columns: list[AddColumn] = []
        self.drop_columns: list[DropColumn] = []
        self.rename_columns: list[RenameColumn] = []
        self.alter_columns: list[_Alter] = []
        self.add_constraints: list[AddConstraint] = []
        self.drop_constraints: list[DropConstraint] = []
        self.raw: list[Callable[[], Any]] = []
        self.raw_backwards: list[Callable[[], Any]] = []
        #: Where ``get_table_from_snapshot`` reads the app's history (set by the runner).
        self.snapshot_source: SnapshotSource | None = None
        #: The engine the migration runs on (set by the runner).
        self.engine: Any = None

    # tables ------------------------------------------------------------------------------
    def add_table(
        self,
        class_name: str,
        tablename: str,
        schema: str | None = None,
        columns: list[Column[Any]] | None = None,
    ) -> None:
        """Create a table; its columns come from ``columns`` and later ``add_column`` calls.

        Example: ``manager.add_table(class_name="Band", tablename="band")``, then
        ``manager.add_column(table_class_name="Band", tablename="band", ...)`` per column.
        """
        specs = tuple(column_spec(c).renamed(c._meta.name) for c in columns or ())
        self.add_tables.append(AddTable(class_name, tablename, schema, specs))

    def drop_table(self, class_name: str, tablename: str, schema: str | None = None) -> None:
        """Drop a table: ``manager.drop_table(class_name="Band", tablename="band")``."""
        self.drop_tables.append(DropTable(class_name, tablename, schema))

    def change_table_schema(
        self,
        class_name: str,
        tablename: str,
        new_schema: str | None = None,
        old_schema: str | None = None,
    ) -> None:
        """Move a table from ``old_schema`` to ``new_schema`` (None: the default schema).

        Example::

            manager.change_table_schema(
                class_name="Band", tablename="band", new_schema="music", old_schema=None
            )
        """
        self.change_table_schemas.append(
            ChangeTableSchema(class_name, tablename, old_schema, new_schema)
        )

    def rename_table(
        self,
        old_class_name: str,
        old_tablename: str,
        new_class_name: str,
        new_tablename: str,
        schema: str | None = None,
    ) -> None:
        """Rename a table (its class name and its database name).

        Example::

            manager.rename_table(
                old_class_name="Band", old_tablename="band",
                new_class_name="Act", new_tablename="act",
            )
        """
        self.rename_tables.append(
            RenameTable(old_class_name, old_tablename, schema, new_class_name, new_tablename)
        )

    # columns -----------------------------------------------------------------------------
    def add_column(
        self,
        table_class_name: str,
        tablename: str,
        column_name: str,
        db_column_name: str | None = None,
        column_class_name: str = "",
        column_class: type[Column[Any]] | None = None,
        params: dict[str, Any] | None = None,
        schema: str | None = None,
        index_concurrently: bool = False,
        validate_separately: bool = False,
    ) -> None:
        """Add a column: ``column_class`` (or its name) built with ``params``; the safe
        forms of its index, unique constraint and foreign key on request (see the class)."""
        klass = column_class_of(column_class, column_class_name)
        table = (table_class_name, tablename, schema)
        spec = column_spec_from_params(column_name, klass, params or {}, db_column_name, table)
        options = LockOptions(index_concurrently, validate_separately)
        self.add_columns.append(AddColumn(table_class_name, tablename, schema, spec, options))

    def drop_column(
        self,
        table_class_name: str,
        tablename: str,
        column_name: str,
        db_column_name: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Drop a column.

        Example::

            manager.drop_column(table_class_name="Band", tablename="band", column_name="fame")
        """
        self.drop_columns.append(
            DropColumn(table_class_name, tablename, schema, column_name, db_column_name)
        )

    def rename_column(
        self,
        table_class_name: str,
        tablename: str,
        old_column_name: str,
        new_column_name: str,
        old_db_column_name: str | None = None,
        new_db_column_name: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Rename a column (attribute name and database name).

        Example::

            manager.rename_column(
                table_class_name="Band", tablename="band",
                old_column_name="popularity", new_column_name="fame",
            )
        """
        self.rename_columns.append(
            RenameColumn(
                table_class_name,
                tablename,
                schema,
                old_column_name,
                new_column_name,
                old_db_column_name,
                new_db_column_name,
            )
        )

    def alter_column(
        self,
        table_class_name: str,
        tablename: str,
        column_name: str,
        db_column_name: str | None = None,
        params: dict[str, Any] | None = None,
        old_params: dict[str, Any] | None = None,
        column_class: type[Column[Any]] | None = None,
        old_column_class: type[Column[Any]] | None = None,
        schema: str | None = None,
        using: str | None = None,
        index_concurrently: bool = False,
        validate_separately: bool = False,
    ) -> None:
        """Change a column's ``params`` (and class). ``old_params``/``old_column_class``
        are informative: the reverse is worked out from the history. ``using`` is the SQL
        converting old values on a type change (PostgreSQL), e.g. ``'"fame"::bigint'``.
        ``index_concurrently``/``validate_separately``: the safe forms (see the class)."""
        self.alter_columns.append(
            _Alter(
                table_class_name,
                tablename,
                schema,
                column_name,
                dict(params or {}),
                column_class,
                using,
                LockOptions(index_concurrently, validate_separately),
            )
        )

    # constraints and raw code ------------------------------------------------------------
    def add_constraint(
        self,
        table_class_name: str,
        tablename: str,
        constraint_name: str,
        constraint_class: Any,
        params: dict[str, Any],
        schema: str | None = None,
        index_concurrently: bool = False,
        validate_separately: bool = False,
    ) -> None:
        """Add a ``Unique`` (``params={"columns": [...]}``) or ``Check``
        (``params={"condition": "..."}``); a ``Unique`` built ``index_concurrently``, a
        ``Check`` added ``NOT VALID`` then validated (``validate_separately``)."""
        spec = constraint_spec_from_params(constraint_name, constraint_class, params)
        options = LockOptions(index_concurrently, validate_separately)
        self.add_constraints.append(
            AddConstraint(table_class_name, tablename, schema, spec, options)
        )

    def drop_constraint(
        self,
        table_class_name: str,
        tablename: str,
        constraint_name: str,
        schema: str | None = None,
    ) -> None:
        """Drop a constraint by name.

        Example::

            manager.drop_constraint(
                table_class_name="Venue", tablename="venue", constraint_name="capacity_positive"
            )
        """
        self.drop_constraints.append(
            DropConstraint(table_class_name, tablename, schema, constraint_name)
        )

    def add_raw(self, raw: Callable[[], Any]) -> None:
        """Run a function or coroutine function going forwards (before the schema changes).

        Example::

            async def fill_popularity() -> None:
                db = engine_finder()  # vivace.engine: the configured DB
                await db.fetch_sql("UPDATE band SET popularity = 0 WHERE popularity IS NULL")

            manager.add_raw(fill_popularity)
        """
        self.raw.append(raw)

    def add_raw_backwards(self, raw: Callable[[], Any]) -> None:
        """Run a function or coroutine function going backwards.

        Example: ``manager.add_raw_backwards(undo_fill_popularity)`` (a function taking no
        arguments, sync or async).
        """
        self.raw_backwards.append(raw)

    async def get_table_from_snapshot(
        self,
        table_class_name: str,
        app_name: str | None = None,
        offset: int = 0,
        migration_id: str | None = None,
    ) -> Any:
        """A Table class as the app's migrations left it (up to this migration; ``offset=-1``:
        the one before), for changing data inside a migration. It is never registered
        among the project's tables."""
        if self.snapshot_source is None:
            raise MigrationError("get_table_from_snapshot() needs the migration runner")
        if app_name not in (None, self.app_name):
            raise MigrationError("get_table_from_snapshot() reads the migration's own app")
        state = await self.snapshot_source(table_class_name, offset, migration_id)
        return snapshot_table_class(state, table_class_name, self.engine)

    # the operations, in order ------------------------------------------------------------
    def operations(self, state: SchemaSpec) -> list[Operation]:
        """Every operation in the order it runs, given the schema before the migration.

        Example: ``[type(op).__name__ for op in manager.operations(SchemaSpec())]`` ->
        ``["AddTable"]`` for the module docstring's migration (its column is part of it).
        """
        created = self._created_tables(state)
        new_names = {t.table_class_name for t in self.add_tables}
        deferred = [op for op in created if isinstance(op, AddColumn)]
        ops: list[Operation] = [op for op in created if not isinstance(op, AddColumn)]
        ops.extend(deferred)
        ops.extend(self.change_table_schemas)
        ops.extend(self.rename_tables)
        # Constraints go before the columns they name change, and come back after.
        ops.extend(self.drop_constraints)
        ops.extend(self.drop_columns)
        ops.extend(c for c in self.add_columns if c.table_class_name not in new_names)
        ops.extend(self.drop_tables)
        ops.extend(self.rename_columns)
        running = _apply(state, ops)
        for alter in self.alter_columns:
            op = _alter_operation(running, alter)
            running = op.apply(running)
            ops.append(op)
        ops.extend(c for c in self.add_constraints if c.table_class_name not in new_names)
        return ops

    def _created_tables(self, state: SchemaSpec) -> list[Operation]:
        """The new tables, each after the tables its foreign keys need; a foreign key in a
        cycle is added once every table exists."""
        parts: dict[str, _TableParts] = {t.table_class_name: _TableParts() for t in self.add_tables}
        for added in self.add_columns:
            if added.table_class_name in parts:
                parts[added.table_class_name].columns.append(added.column)
        for constraint in self.add_constraints:
            if constraint.table_class_name in parts:
                parts[constraint.table_class_name].constraints.append(constraint.constraint)
        specs: list[TableSpec] = []
        for add in self.add_tables:
            part = parts[add.table_class_name]
            given = [*add.columns, *part.columns]
            if not any(c.primary_key for c in given):
                given.insert(0, DEFAULT_KEY)
            spec = TableSpec(add.table_class_name, add.tablename, add.schema, tuple(given))
            specs.append(spec.replace(constraints=tuple(part.constraints)))
        new_schema = SchemaSpec(tuple(specs))
        deferred = new_schema.deferred_foreign_keys()
        ops: list[Operation] = []
        for table in new_schema.dependency_order():
            late = [fk for t, fk in deferred if t is table]
            columns = tuple(c for c in table.columns if not any(c is fk for fk in late))
            ops.append(
                AddTable(
                    table.class_name, table.tablename, table.schema, columns, table.constraints
                )
            )
            ops.extend(
                AddColumn(table.class_name, table.tablename, table.schema, fk) for fk in late
            )
        return ops


def _apply(state: SchemaSpec, ops: list[Operation]) -> SchemaSpec:
    for op in ops:
        state = op.apply(state)
    return state


def _alter_operation(state: SchemaSpec, alter: _Alter) -> AlterColumn:
    table = find_table(state, alter.table_class_name, alter.tablename, alter.schema)
    old = table.get_column(alter.column_name)
    if old is None:
        raise MigrationError(f"alter_column: {table.tablename} has no column {alter.column_name!r}")
    new = altered_spec(old, alter.params, alter.column_class)
    return AlterColumn(
        alter.table_class_name,
        alter.tablename,
        alter.schema,
        alter.column_name,
        new,
        alter.using,
        alter.options,
    )


def snapshot_table_class(state: SchemaSpec, table_class_name: str, db: Any = None) -> Any:
    """The Table class of a snapshot table (outside the project's registry)."""
    try:
        spec = state.table(table_class_name)
    except KeyError:
        raise MigrationError(f"no table {table_class_name!r} in the migration history") from None
    return table_class_from_spec(spec, state, db=db)
