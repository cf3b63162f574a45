"""Migration operations as data: each one replays on a ``SchemaSpec`` (no database),
turns into DDL for a dialect, and knows its inverse.

A ``MigrationManager`` records them; the snapshot of an app is its migrations'
operations applied in turn to an empty ``SchemaSpec``.

Example::

    op = AddColumn("Band", "band", None, ColumnSpec.of("fame", "Integer"))
    after = op.apply(before)                  # the schema with band.fame
    op.ddl(before, dialect.ddl)               # ['ALTER TABLE "band" ADD COLUMN "fame" ...']
    op.inverse(before)                        # [DropColumn("Band", "band", None, "fame", ...)]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.staged_ddl import LockOptions, StagedDDL
from vivace.exceptions import MigrationError
from vivace.schema.check_sql import quote_identifier
from vivace.schema.spec import (
    ColumnSpec,
    ConstraintSpec,
    ReferenceSpec,
    SchemaSpec,
    TableSpec,
)
from vivace.schema.table import snake_case


@dataclass(frozen=True)
class Operation:
    """One schema change of a table, named like Piccolo: class name, tablename, schema."""

    table_class_name: str
    tablename: str
    schema: str | None

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        """The schema after this operation (pure)."""
        raise NotImplementedError

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        """The statements that make the database go from ``state`` to ``apply(state)``."""
        raise NotImplementedError

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        """Operations undoing this one, given the schema it was applied to."""
        raise NotImplementedError

    def staged_ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> StagedDDL:
        """``ddl()`` split into what runs in the migration's transaction and what runs
        after it (the safe forms of ``options``, where an operation has them)."""
        return StagedDDL(self.ddl(state, ddl))

    def describe(self) -> str:
        """A short description for messages: ``add_column band.fame``."""
        return f"{snake_case(type(self).__name__)} {self.tablename}"

    def table(self, state: SchemaSpec) -> TableSpec:
        """This operation's table in ``state``."""
        return find_table(state, self.table_class_name, self.tablename, self.schema)


def find_table(state: SchemaSpec, class_name: str, tablename: str, schema: str | None) -> TableSpec:
    """A table by class name, else by database name; ``MigrationError`` if absent."""
    for table in state.tables:
        if table.class_name == class_name:
            return table
    found = state.by_tablename(tablename, schema)
    if found is None:
        raise MigrationError(f"the table {class_name} ({tablename}) is not in the schema")
    return found


def _replace_table(state: SchemaSpec, old: TableSpec, new: TableSpec | None) -> SchemaSpec:
    tables = [t for t in state.tables if t is not old]
    if new is not None:
        tables.insert(state.tables.index(old), new)
    return SchemaSpec(tuple(tables))


def _rename_in_constraint(constraint: ConstraintSpec, old: str, new: str) -> ConstraintSpec:
    """A constraint once column ``old`` is called ``new`` (the database follows renames)."""
    if old == new:
        return constraint
    columns = tuple(new if c == old else c for c in constraint.columns)
    check = constraint.check
    if check is not None:
        check = check.replace(quote_identifier(old), quote_identifier(new))
    return dataclasses.replace(constraint, columns=columns, check=check)


def _retarget(state: SchemaSpec, old: TableSpec, new: TableSpec) -> SchemaSpec:
    """Foreign keys that pointed at ``old`` now point at ``new`` (renamed or moved)."""
    tables = []
    for table in state.tables:
        columns = []
        for column in table.columns:
            ref = column.references
            if ref is not None and ref.qualified_name == old.qualified_name:
                ref = ReferenceSpec(new.class_name, new.tablename, new.schema, ref.column)
                column = column.replace_params(references=ref)
            columns.append(column)
        tables.append(table.replace(columns=tuple(columns)))
    return SchemaSpec(tuple(tables))


# tables -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddTable(Operation):
    """Create a table (columns and constraints included)."""

    columns: tuple[ColumnSpec, ...] = ()
    constraints: tuple[ConstraintSpec, ...] = ()

    def spec(self) -> TableSpec:
        return TableSpec(
            self.table_class_name, self.tablename, self.schema, self.columns, self.constraints
        )

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        if any(t.class_name == self.table_class_name for t in state.tables):
            raise MigrationError(f"the table {self.table_class_name} already exists")
        return SchemaSpec((*state.tables, self.spec()))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        return ddl.create_table(self.spec())  # its schema first, where there are schemas

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        return [DropTable(self.table_class_name, self.tablename, self.schema)]


@dataclass(frozen=True)
class DropTable(Operation):
    """Drop a table."""

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        return _replace_table(state, self.table(state), None)

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        return ddl.drop_table(self.table(state))

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        table = self.table(state)
        return [table_to_add(table)]


def table_to_add(table: TableSpec) -> AddTable:
    """The ``AddTable`` that creates ``table``."""
    return AddTable(
        table.class_name, table.tablename, table.schema, table.columns, table.constraints
    )


@dataclass(frozen=True)
class RenameTable(Operation):
    """Rename a table (class name and database name); ``table_class_name`` is the old one."""

    new_class_name: str = ""
    new_tablename: str = ""

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        old = self.table(state)
        new = old.replace(class_name=self.new_class_name, tablename=self.new_tablename)
        return _retarget(_replace_table(state, old, new), old, new)

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        table = self.table(state)
        if table.tablename == self.new_tablename:
            return []
        return ddl.rename_table(table, self.new_tablename)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        old = self.table(state)
        return [
            RenameTable(
                self.new_class_name, self.new_tablename, old.schema, old.class_name, old.tablename
            )
        ]


@dataclass(frozen=True)
class ChangeTableSchema(Operation):
    """Move a table to another schema (``schema`` is the old one)."""

    new_schema: str | None = None

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        old = self.table(state)
        new = old.replace(schema=self.new_schema)
        return _retarget(_replace_table(state, old, new), old, new)

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        # The target schema is made by change_table_schema, where there are schemas.
        return ddl.change_table_schema(self.table(state), self.new_schema)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        old = self.table(state)
        return [
            ChangeTableSchema(self.table_class_name, self.tablename, self.new_schema, old.schema)
        ]


# columns ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddColumn(Operation):
    """Add a column to an existing table."""

    column: ColumnSpec = dataclasses.field(default_factory=lambda: ColumnSpec("", "Integer"))
    #: The safe forms asked for (``add_column(..., index_concurrently=True)``).
    options: LockOptions = dataclasses.field(default_factory=LockOptions)

    def staged_ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> StagedDDL:
        return ddl.staged_add_column(self.table(state), self.column, self.options)

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        if table.get_column(self.column.name) is not None:
            raise MigrationError(f"{table.tablename}.{self.column.name} already exists")
        return _replace_table(state, table, table.with_column(self.column))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        return ddl.add_column(self.table(state), self.column)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        column = self.column
        return [
            DropColumn(
                self.table_class_name,
                self.tablename,
                self.schema,
                column.name,
                column.db_column_name,
            )
        ]

    def describe(self) -> str:
        return f"add_column {self.tablename}.{self.column.db_column_name}"


@dataclass(frozen=True)
class DropColumn(Operation):
    """Drop a column."""

    column_name: str = ""
    db_column_name: str | None = None

    def _column(self, table: TableSpec) -> ColumnSpec:
        column = table.get_column(self.column_name) or table.column_by_db_name(
            self.db_column_name or self.column_name
        )
        if column is None:
            raise MigrationError(f"{table.tablename} has no column {self.column_name!r}")
        return column

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        column = self._column(table)
        # The database drops the constraints that name the column with it.
        quoted = quote_identifier(column.db_column_name)
        kept = tuple(
            c
            for c in table.constraints
            if column.db_column_name not in c.columns and quoted not in (c.check or "")
        )
        new = table.without_column(column.name).replace(constraints=kept)
        return _replace_table(state, table, new)

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        table = self.table(state)
        return ddl.drop_column(table, self._column(table))

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        column = self._column(self.table(state))
        return [AddColumn(self.table_class_name, self.tablename, self.schema, column)]

    def describe(self) -> str:
        return f"drop_column {self.tablename}.{self.db_column_name or self.column_name}"


@dataclass(frozen=True)
class RenameColumn(Operation):
    """Rename a column (attribute and database names)."""

    old_column_name: str = ""
    new_column_name: str = ""
    old_db_column_name: str | None = None
    new_db_column_name: str | None = None

    def _old(self, table: TableSpec) -> ColumnSpec:
        column = table.get_column(self.old_column_name) or table.column_by_db_name(
            self.old_db_column_name or self.old_column_name
        )
        if column is None:
            raise MigrationError(f"{table.tablename} has no column {self.old_column_name!r}")
        return column

    def renamed_spec(self, old: ColumnSpec) -> ColumnSpec:
        """The column ``old`` once renamed."""
        db_name = self.new_db_column_name or self.new_column_name
        new_db = None if db_name == self.new_column_name else db_name
        return old.renamed(self.new_column_name).replace_params(db_column_name=new_db)

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        old = self._old(table)
        new = self.renamed_spec(old)
        columns = tuple(new if c is old else c for c in table.columns)
        constraints = tuple(
            _rename_in_constraint(c, old.db_column_name, new.db_column_name)
            for c in table.constraints
        )
        return _replace_table(state, table, table.replace(columns=columns, constraints=constraints))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        table = self.table(state)
        old = self._old(table)
        new_db = self.renamed_spec(old).db_column_name
        if new_db == old.db_column_name:
            return []
        return ddl.rename_column(table, old.db_column_name, new_db)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        old = self._old(self.table(state))
        new = self.renamed_spec(old)
        return [
            RenameColumn(
                self.table_class_name,
                self.tablename,
                self.schema,
                new.name,
                old.name,
                new.db_column_name,
                old.db_column_name,
            )
        ]

    def describe(self) -> str:
        return f"rename_column {self.tablename}.{self.old_column_name} -> {self.new_column_name}"


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Change a column's params and/or class: ``new`` is the column as it becomes.

    ``column_name`` finds the column; ``new`` carries the same name.
    """

    column_name: str = ""
    new: ColumnSpec = dataclasses.field(default_factory=lambda: ColumnSpec("", "Integer"))
    using: str | None = None
    #: The safe forms asked for (``alter_column(..., validate_separately=True)``).
    options: LockOptions = dataclasses.field(default_factory=LockOptions)

    def staged_ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> StagedDDL:
        table = self.table(state)
        return ddl.staged_alter_column(table, self._old(table), self.new, self.using, self.options)

    def _old(self, table: TableSpec) -> ColumnSpec:
        column = table.get_column(self.column_name)
        if column is None:
            raise MigrationError(f"{table.tablename} has no column {self.column_name!r}")
        return column

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        self._old(table)
        return _replace_table(state, table, table.with_column(self.new))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        table = self.table(state)
        return ddl.alter_column(table, self._old(table), self.new, self.using)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        old = self._old(self.table(state))
        return [
            AlterColumn(self.table_class_name, self.tablename, self.schema, self.column_name, old)
        ]

    def describe(self) -> str:
        return f"alter_column {self.tablename}.{self.new.db_column_name}"


# constraints ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddConstraint(Operation):
    """Add a composite ``Unique`` or a ``Check``."""

    constraint: ConstraintSpec = dataclasses.field(
        default_factory=lambda: ConstraintSpec("", "check", check="true")
    )
    #: The safe forms asked for (``add_constraint(..., index_concurrently=True)``).
    options: LockOptions = dataclasses.field(default_factory=LockOptions)

    def staged_ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> StagedDDL:
        return ddl.staged_add_constraint(self.table(state), self.constraint, self.options)

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        kept = tuple(c for c in table.constraints if c.name != self.constraint.name)
        return _replace_table(state, table, table.replace(constraints=(*kept, self.constraint)))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        return ddl.add_constraint(self.table(state), self.constraint)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        return [
            DropConstraint(self.table_class_name, self.tablename, self.schema, self.constraint.name)
        ]

    def describe(self) -> str:
        return f"add_constraint {self.tablename}.{self.constraint.name}"


@dataclass(frozen=True)
class DropConstraint(Operation):
    """Drop a constraint by name."""

    constraint_name: str = ""

    def _constraint(self, table: TableSpec) -> ConstraintSpec | None:
        return next((c for c in table.constraints if c.name == self.constraint_name), None)

    def apply(self, state: SchemaSpec) -> SchemaSpec:
        table = self.table(state)
        kept = tuple(c for c in table.constraints if c.name != self.constraint_name)
        return _replace_table(state, table, table.replace(constraints=kept))

    def ddl(self, state: SchemaSpec, ddl: DDLCompiler) -> list[str]:
        return ddl.drop_constraint(self.table(state), self.constraint_name)

    def inverse(self, state: SchemaSpec) -> list[Operation]:
        constraint = self._constraint(self.table(state))
        if constraint is None:
            return []
        return [AddConstraint(self.table_class_name, self.tablename, self.schema, constraint)]

    def describe(self) -> str:
        return f"drop_constraint {self.tablename}.{self.constraint_name}"
