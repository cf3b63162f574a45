"""SQLite DDL: in place where SQLite can, a table rebuild everywhere else.

``alter_column``, ``add_constraint``, ``drop_constraint`` and, for columns something
depends on, ``drop_column`` and ``add_column`` compile to the rebuild of
``vivace.dialects.sqlite_rebuild``; they need the whole table spec, which every method
takes. The single-step changes of ``Band.alter()`` (``set_null``, ``set_default``,
``set_unique``, ``set_column_type``...) are the base ``DDLCompiler``'s: ``alter_column``
over the spec ``Band.alter()`` introspects from the live table when it runs.

Example::

    SQLiteDDL(SQLiteDialect()).alter_column(band, old, old.replace_params(null=True))
    # [..., 'CREATE TABLE "_vivace_new_band" (...)', 'INSERT INTO ...', ...]
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vivace.dialects.column_changes import without_db_column
from vivace.dialects.ddl import DDLCompiler, changed_params
from vivace.dialects.sqlite_casts import sqlite_cast
from vivace.dialects.sqlite_rebuild import needs_rebuild_to_add, rebuild_statements
from vivace.exceptions import NotSupportedError, QueryError
from vivace.schema.defaults import Default
from vivace.schema.spec import CallableRef, ColumnSpec, ConstraintSpec, TableSpec, thaw_value
from vivace.schema.table_spec import value_type_of
from vivace.types import ValueType

# Changes SQLite makes in place: a column's name and its (separate) index.
_IN_PLACE = {"db_column_name", "index", "index_method"}


class SQLiteDDL(DDLCompiler):
    """DDL for SQLite 3.35+."""

    def array_literal(self, column: ColumnSpec, values: list[Any]) -> str | None:
        # The JSON text the column stores (its values converted as a sent array's are).
        converter = self.dialect.param_converter(value_type_of(column))
        if converter is None:
            return None
        return self.dialect.compiler_class(self.dialect, inline=True).literal(converter(values))

    def type_sql(self, column: ColumnSpec) -> str:
        return self.vtype_sql(value_type_of(column))

    def vtype_sql(self, vtype: ValueType) -> str:
        """The declared type; an array names its element (``ARRAY_TEXT OF INTEGER``), which
        SQLite keeps as written, so introspection reads it back. Its affinity is harmless:
        JSON text is never a number."""
        if vtype.name == "array":
            refuse_bytes_in_arrays(vtype)
            return "ARRAY_TEXT OF " + self.vtype_sql(vtype.element)
        return self.dialect.column_type(vtype)

    def computed_default(self, default: Default) -> str | None:
        # SQLite's CURRENT_TIMESTAMP is UTC text, unlike PostgreSQL's local time for
        # TIMESTAMP: leave time defaults to Python so both engines agree.
        return None

    def cascade(self, cascade: bool) -> str:
        return ""

    def stored_column(self, column: ColumnSpec) -> ColumnSpec:
        # Serial keys are INTEGER PRIMARY KEY (SQLite's rowid): one kind of key only.
        stored = super().stored_column(column)
        if column.column_class in ("Serial", "BigSerial"):
            kind = "Serial" if column.primary_key else "Integer"
            stored = ColumnSpec(stored.name, kind, stored.params, stored.unmapped)
        ref = column.references
        if ref is not None and ref.column.column_class == "BigSerial":
            key = ColumnSpec(ref.column.name, "Serial", ref.column.params)
            stored = stored.replace_params(references=dataclasses.replace(ref, column=key))
        return stored

    def fill_sql(self, column: ColumnSpec) -> str | None:
        """The value existing rows get in a column added by a rebuild: its DEFAULT clause
        when it has one, else (NOT NULL) the Python default computed now, else NULL."""
        if self.default_sql(column) is not None or column.null or column.default is None:
            return None
        default = column.default
        if isinstance(default, Default):
            value = default.python()
        elif isinstance(default, CallableRef):
            value = thaw_value(default)()
        else:
            value = thaw_value(default)
        converter = self.dialect.param_converter(value_type_of(column))
        if converter is not None:
            value = converter(value)
        return self.dialect.compiler_class(self.dialect, inline=True).literal(value)

    # changes from specs (migrations) ----------------------------------------------------------
    def add_column(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        if table.columns and needs_rebuild_to_add(self, column):
            return rebuild_statements(self, table, table.with_column(column))
        return super().add_column(table, column)

    def drop_column(self, table: TableSpec, column: ColumnSpec | str) -> list[str]:
        name = column if isinstance(column, str) else column.db_column_name
        found = table.column_by_db_name(name)
        if found is not None and self._has_dependants(table, found):
            return rebuild_statements(self, table, without_db_column(table, name))
        return super().drop_column(table, name)

    def _has_dependants(self, table: TableSpec, column: ColumnSpec) -> bool:
        """Whether SQLite refuses ``DROP COLUMN`` (a key, unique, index or constraint uses it)."""
        name = column.db_column_name
        if column.primary_key or column.unique or column.index or column.references:
            return True
        if any(name in c.columns or c.kind == "check" for c in table.constraints):
            return True  # a CHECK's columns are not listed: rebuild to be safe
        return any(name in index.columns for index in table.indexes)

    def alter_column(
        self, table: TableSpec, old: ColumnSpec, new: ColumnSpec, using: str | None = None
    ) -> list[str]:
        if table.get_column(old.name) is None:
            raise QueryError(f"alter_column() needs the whole spec of table {table.tablename!r}")
        changed = changed_params(old, new)
        if self.type_sql(old) != self.type_sql(new):
            changed.add("type")  # Integer -> BigInt: same params, another declared type
        if not changed and using is None:
            return []
        if changed <= _IN_PLACE and using is None:
            return self._alter_in_place(table, old, new)
        if using is None:  # values stored differently by the new type are converted
            source = self.quote(old.db_column_name)
            using = sqlite_cast(value_type_of(old), value_type_of(new), source)
        columns = tuple(new if c.name == old.name else c for c in table.columns)
        renamed = {new.db_column_name: old.db_column_name}
        return rebuild_statements(
            self,
            table,
            table.replace(columns=columns),
            renamed=renamed,
            using={new.db_column_name: using} if using is not None else None,
        )

    def _alter_in_place(self, table: TableSpec, old: ColumnSpec, new: ColumnSpec) -> list[str]:
        statements: list[str] = []
        if old.index:
            statements.extend(self.drop_index(table, self.column_index(table, old).name, True))
        if new.db_column_name != old.db_column_name:
            statements.extend(super().rename_column(table, old.db_column_name, new.db_column_name))
        if new.index:
            statements.extend(self.create_index(table, self.column_index(table, new)))
        return statements

    def rename_column(self, table: TableSpec, old: str, new: str) -> list[str]:
        """Rename a column; when ``table`` describes it and it has an index, the index is
        made again under the name that follows the column (SQLite cannot rename one)."""
        column = table.column_by_db_name(old)
        if column is None or not column.index:
            return super().rename_column(table, old, new)
        return self._alter_in_place(table, column, column.replace_params(db_column_name=new))

    def rename_table(self, table: TableSpec, new_tablename: str) -> list[str]:
        """Rename a table; the indexes of the columns ``table`` describes are made again
        under names that follow the new table name."""
        statements = super().rename_table(table, new_tablename)
        renamed = table.replace(tablename=new_tablename)
        for column in table.columns:
            if column.index:
                statements.extend(self.drop_index(table, self.column_index(table, column).name))
                statements.extend(self.create_index(renamed, self.column_index(renamed, column)))
        return statements

    def add_constraint(self, table: TableSpec, constraint: ConstraintSpec) -> list[str]:
        kept = tuple(c for c in table.constraints if c.name != constraint.name)
        return rebuild_statements(self, table, table.replace(constraints=(*kept, constraint)))

    def drop_constraint(self, table: TableSpec, name: str) -> list[str]:
        kept = tuple(c for c in table.constraints if c.name != name)
        return rebuild_statements(self, table, table.replace(constraints=kept))

    def rebuild(
        self,
        old: TableSpec,
        new: TableSpec,
        renamed: dict[str, str] | None = None,
        using: dict[str, str] | None = None,
    ) -> list[str]:
        """Turn table ``old`` into ``new`` in one rebuild (several changes at once);
        ``renamed`` maps new column database names to old ones."""
        return rebuild_statements(self, old, new, renamed, using)


def refuse_bytes_in_arrays(vtype: ValueType) -> None:
    """Arrays are JSON here, which has no bytes: an ``Array(Bytea())`` is refused when its
    table is made and when a value is sent, rather than failing inside ``json.dumps``.

    Example: ``refuse_bytes_in_arrays(Array(Bytea()).value_type)`` raises
    ``NotSupportedError``."""
    element = vtype.element
    while element is not None and element.name == "array":
        element = element.element
    if element is not None and element.name == "bytea":
        raise NotSupportedError(
            "Array(Bytea()) is not supported on SQLite (arrays are stored as JSON, which "
            "has no bytes); PostgreSQL has bytea arrays"
        )
