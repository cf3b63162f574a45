"""PostgreSQL DDL: schemas, index methods, every column change in place.

A column change is one ``ALTER TABLE`` step per param that changed; a type change drops
the default first and converts the values with ``USING "col"::type`` unless the caller
gives its own expression. Constraints that PostgreSQL named itself (a column's foreign
key, ``UNIQUE`` or primary key) are dropped by looking them up in ``pg_constraint``, so
tables or columns renamed since they were made are handled too.

Example::

    PostgresDDL(PostgresDialect()).alter_column(band, old, old.replace_params(null=True))
    # ['ALTER TABLE "band" ALTER COLUMN "name" DROP NOT NULL']
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from vivace.dialects.ddl import (
    FOREIGN_KEY_PARAMS,
    DDLCompiler,
    adds_foreign_key,
    changed_params,
    type_changed,
)
from vivace.dialects.staged_ddl import LockOptions, StagedDDL
from vivace.exceptions import QueryError
from vivace.schema.column import check_identifier, derived_identifier
from vivace.schema.spec import ColumnSpec, ConstraintSpec, IndexSpec, TableSpec
from vivace.types.choices import member_value

_METHODS = ("btree", "hash", "gist", "gin")
# Serial types are INTEGER/BIGINT with a sequence; a type change names the plain type.
_PLAIN_TYPES = {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT"}
# Columns whose values may come from a sequence (``reset_sequences``).
_SERIALS = {"Serial", "BigSerial"}
_INTEGERS = {"SmallInt", "Integer", "BigInt"}


class PostgresDDL(DDLCompiler):
    """DDL for PostgreSQL 12+."""

    def array_literal(self, column: ColumnSpec, values: list[Any]) -> str | None:
        # PostgreSQL's array text (``'{"a","b"}'``), typed by the column when it is stored.
        text = _array_text(values)
        if text is None:
            return None
        return "'" + text.replace("'", "''") + "'"

    def nulls_not_distinct(self) -> str:
        return " NULLS NOT DISTINCT"

    def index_using(self, method: str) -> str:
        if method not in _METHODS:
            raise QueryError(f"unknown index method {method!r}")
        return f" USING {method}"

    def qualified_index(self, table: TableSpec, name: str) -> str:
        if table.schema:
            return f"{self.quote(table.schema)}.{self.quote(name)}"
        return self.quote(name)

    # schemas ----------------------------------------------------------------------------------
    def create_schema(self, schema: str, if_not_exists: bool = True) -> list[str]:
        exists = " IF NOT EXISTS" if if_not_exists else ""
        return [f"CREATE SCHEMA{exists} {self.quote(schema)}"]

    def drop_schema(self, schema: str, if_exists: bool = True, cascade: bool = False) -> list[str]:
        exists = " IF EXISTS" if if_exists else ""
        return [f"DROP SCHEMA{exists} {self.quote(schema)}{self.cascade(cascade)}"]

    def rename_schema(self, schema: str, new_schema: str) -> list[str]:
        return [f"ALTER SCHEMA {self.quote(schema)} RENAME TO {self.quote(new_schema)}"]

    def move_table(
        self, tablename: str, new_schema: str, current_schema: str | None = None
    ) -> list[str]:
        table = self.qualified(current_schema, tablename)
        return [f"ALTER TABLE {table} SET SCHEMA {self.quote(new_schema)}"]

    def list_tables_sql(self, schema: str) -> tuple[str, list[str]]:
        return (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 "
            "ORDER BY table_name",
            [schema],
        )

    def list_schemas_sql(self) -> tuple[str, list[str]]:
        return ("SELECT schema_name FROM information_schema.schemata ORDER BY schema_name", [])

    def change_table_schema(self, table: TableSpec, new_schema: str | None) -> list[str]:
        target = new_schema or "public"
        return [*self.create_schema(target), *self.set_schema(table, target)]

    def set_schema(self, table: TableSpec, new_schema: str) -> list[str]:
        return [f"{self.alter_prefix(table)} SET SCHEMA {self.quote(new_schema)}"]

    # single changes (``Band.alter()``) --------------------------------------------------------
    def set_null(self, table: TableSpec, name: str, null: bool) -> list[str]:
        action = "DROP NOT NULL" if null else "SET NOT NULL"
        return [f"{self.alter_prefix(table)} ALTER COLUMN {self.quote(name)} {action}"]

    def set_default(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        default = self.default_sql(column)
        if default is None:
            return self.drop_default(table, column.db_column_name)
        name = self.quote(column.db_column_name)
        return [f"{self.alter_prefix(table)} ALTER COLUMN {name} SET DEFAULT {default}"]

    def drop_default(self, table: TableSpec, name: str) -> list[str]:
        return [f"{self.alter_prefix(table)} ALTER COLUMN {self.quote(name)} DROP DEFAULT"]

    def set_unique(self, table: TableSpec, name: str, unique: bool) -> list[str]:
        # The name PostgreSQL gives a column's UNIQUE itself, so either can drop the other.
        constraint = self.quote(postgres_object_name(table.tablename, name, "key"))
        if unique:
            unique_sql = f"ADD CONSTRAINT {constraint} UNIQUE ({self.quote(name)})"
            return [f"{self.alter_prefix(table)} {unique_sql}"]
        return [f"{self.alter_prefix(table)} DROP CONSTRAINT {constraint}"]

    def set_type(
        self, table: TableSpec, name: str, column: ColumnSpec, using: str | None = None
    ) -> list[str]:
        target = self.plain_type(column)
        sql = f"{self.alter_prefix(table)} ALTER COLUMN {self.quote(name)} TYPE {target}"
        if using is not None:
            sql += f" USING {using}"
        return [sql]

    def plain_type(self, column: ColumnSpec) -> str:
        text = self.type_sql(column)
        return _PLAIN_TYPES.get(text, text)

    # any change (migrations) ------------------------------------------------------------------
    def alter_column(
        self,
        table: TableSpec,
        old: ColumnSpec,
        new: ColumnSpec,
        using: str | None = None,
        foreign_key_not_valid: bool = False,
    ) -> list[str]:
        """See ``DDLCompiler.alter_column``; ``foreign_key_not_valid`` adds a new foreign
        key ``NOT VALID`` (validated later by the caller)."""
        changed = changed_params(old, new)
        retyped = type_changed(old, new) or bool(using)
        statements: list[str] = []
        name = old.db_column_name
        if new.db_column_name != name:
            statements.extend(super().rename_column(table, name, new.db_column_name))
            statements.extend(self.rename_owned(table, table.tablename, old, new.db_column_name))
            name = new.db_column_name
        relinked = bool(changed & FOREIGN_KEY_PARAMS) or retyped
        if old.references is not None and relinked:
            statements.append(self.drop_column_constraints(table, name, "f"))
        old_default, new_default = self.default_sql(old), self.default_sql(new)
        if retyped:
            if old_default is not None:
                statements.extend(self.drop_default(table, name))
            cast = using or f"{self.quote(name)}::{self.plain_type(new)}"
            statements.extend(self.set_type(table, name, new, cast))
        if "null" in changed and not new.primary_key:
            statements.extend(self.set_null(table, name, new.null))
        if new_default != old_default or (retyped and new_default is not None):
            if new_default is not None:
                statements.extend(self.set_default(table, new))
            elif not retyped:
                statements.extend(self.drop_default(table, name))
        if "unique" in changed:
            if new.unique:
                statements.extend(self.set_unique(table, name, True))
            else:
                statements.append(self.drop_column_constraints(table, name, "u"))
        if changed & {"index", "index_method"}:
            if old.index:
                index = self.column_index(table, new).name
                statements.extend(self.drop_index(table, index, if_exists=True))
            if new.index:
                statements.extend(self.create_index(table, self.column_index(table, new)))
        if "primary_key" in changed:
            if old.primary_key:
                statements.append(self.drop_column_constraints(table, name, "p"))
            if new.primary_key:
                statements.append(
                    f"{self.alter_prefix(table)} ADD PRIMARY KEY ({self.quote(name)})"
                )
        if adds_foreign_key(old, new, using):
            statements.append(self.add_foreign_key(table, new, foreign_key_not_valid))
        return statements

    def add_foreign_key(self, table: TableSpec, column: ColumnSpec, not_valid: bool) -> str:
        """``ADD CONSTRAINT {table}_{column}_fkey FOREIGN KEY ...`` (``NOT VALID``: rows
        already there are checked later, by ``VALIDATE CONSTRAINT``)."""
        name = column.db_column_name
        constraint = self.quote(postgres_object_name(table.tablename, name, "fkey"))
        return (
            f"{self.alter_prefix(table)} ADD CONSTRAINT {constraint} "
            f"FOREIGN KEY ({self.quote(name)}) {self.references_sql(column)}"
            + (" NOT VALID" if not_valid else "")
        )

    # safe forms (``vivace.dialects.staged_ddl``) ----------------------------------------------
    def create_index_concurrently(
        self, table: TableSpec, index: IndexSpec, if_not_exists: bool = False
    ) -> list[str]:
        """``CREATE INDEX CONCURRENTLY``, after dropping an index of the same name that an
        earlier concurrent build left INVALID (it failed or was interrupted)."""
        return [
            self.drop_invalid_index(table, index.name),
            self.index_statement(table, index, if_not_exists, concurrently=True),
        ]

    def drop_invalid_index(self, table: TableSpec, name: str) -> str:
        """A ``DO`` block dropping index ``name`` of ``table`` only if it is INVALID."""
        table_text = self.table_name(table).replace("'", "''")
        name_text = name.replace("'", "''")
        return (
            "DO $vivace$ BEGIN IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c "
            f"ON c.oid = i.indexrelid WHERE i.indrelid = '{table_text}'::regclass "
            f"AND c.relname = '{name_text}' AND NOT i.indisvalid) THEN "
            f"DROP INDEX {self.qualified_index(table, name)}; END IF; END $vivace$"
        )

    def unique_concurrently(
        self, table: TableSpec, name: str, columns: tuple[str, ...], nulls_distinct: bool = True
    ) -> list[str]:
        """A ``UNIQUE`` constraint made from a unique index built concurrently (``ADD
        CONSTRAINT ... UNIQUE USING INDEX`` then only takes a short lock)."""
        index = IndexSpec(name, columns, "btree", unique=True)
        statements = self.create_index_concurrently(table, index)
        if not nulls_distinct:
            statements[-1] += self.nulls_not_distinct()
        quoted = self.quote(name)
        statements.append(
            f"{self.alter_prefix(table)} ADD CONSTRAINT {quoted} UNIQUE USING INDEX {quoted}"
        )
        return statements

    def validate_constraint(self, table: TableSpec, name: str) -> str:
        """``VALIDATE CONSTRAINT``: reads every row without blocking writes."""
        return f"{self.alter_prefix(table)} VALIDATE CONSTRAINT {self.quote(name)}"

    def staged_add_column(
        self, table: TableSpec, column: ColumnSpec, options: LockOptions
    ) -> StagedDDL:
        name = column.db_column_name
        concurrent = options.index_concurrently and (column.index or column.unique)
        not_valid = options.validate_separately and column.references is not None
        if column.primary_key or not (concurrent or not_valid):
            return StagedDDL(self.add_column(table, column))
        plain = column.replace_params(unique=False, index=False) if concurrent else column
        sql = self.column_sql(plain, with_references=not not_valid)
        staged = StagedDDL([f"{self.alter_prefix(table)} ADD COLUMN {sql}"])
        if not_valid:
            staged.now.append(self.add_foreign_key(table, column, not_valid=True))
            fkey = postgres_object_name(table.tablename, name, "fkey")
            staged.later.append(self.validate_constraint(table, fkey))
        if column.index:
            index = self.column_index(table, column)
            build = self.create_index_concurrently if concurrent else self.create_index
            (staged.later if concurrent else staged.now).extend(build(table, index))
        if concurrent and column.unique:
            key = postgres_object_name(table.tablename, name, "key")
            staged.later.extend(self.unique_concurrently(table, key, (name,)))
        return staged

    def staged_alter_column(
        self,
        table: TableSpec,
        old: ColumnSpec,
        new: ColumnSpec,
        using: str | None,
        options: LockOptions,
    ) -> StagedDDL:
        name = new.db_column_name
        validate = options.validate_separately and not new.primary_key
        set_not_null = validate and old.null and not new.null
        add_key = validate and adds_foreign_key(old, new, using)
        add_unique = options.index_concurrently and new.unique and not old.unique
        add_index = options.index_concurrently and new.index and not old.index
        # What runs now: the change without the parts that come later.
        interim = new.replace_params(
            null=old.null if set_not_null else new.null,
            unique=False if add_unique else new.unique,
            index=False if add_index else new.index,
        )
        staged = StagedDDL(self.alter_column(table, old, interim, using, add_key))
        if add_key:
            fkey = postgres_object_name(table.tablename, name, "fkey")
            staged.later.append(self.validate_constraint(table, fkey))
        if set_not_null:
            # A validated CHECK (col IS NOT NULL) lets SET NOT NULL skip its scan (PG 12+).
            check = postgres_object_name(table.tablename, name, "not_null")
            quoted = self.quote(check)
            staged.now.append(
                f"{self.alter_prefix(table)} ADD CONSTRAINT {quoted} "
                f"CHECK ({self.quote(name)} IS NOT NULL) NOT VALID"
            )
            staged.later.append(self.validate_constraint(table, check))
            staged.later.extend(self.set_null(table, name, False))
            staged.later.extend(self.drop_constraint(table, check))
        if add_unique:
            key = postgres_object_name(table.tablename, name, "key")
            staged.later.extend(self.unique_concurrently(table, key, (name,)))
        if add_index:
            index = self.column_index(table, new)
            staged.later.extend(self.create_index_concurrently(table, index))
        return staged

    def staged_add_constraint(
        self, table: TableSpec, constraint: ConstraintSpec, options: LockOptions
    ) -> StagedDDL:
        if constraint.kind == "unique" and options.index_concurrently:
            unique = self.unique_concurrently(
                table, constraint.name, constraint.columns, constraint.nulls_distinct
            )
            return StagedDDL([], unique)
        if constraint.kind == "check" and options.validate_separately:
            added = f"{self.alter_prefix(table)} ADD {self.constraint_sql(constraint)} NOT VALID"
            return StagedDDL([added], [self.validate_constraint(table, constraint.name)])
        return StagedDDL(self.add_constraint(table, constraint))

    # keys -------------------------------------------------------------------------------------
    def reset_sequences(self, table: TableSpec) -> list[str]:
        """``setval`` of the sequence behind each serial or identity column (a ``Serial``,
        or an integer primary key) to one past the column's largest value. Never backwards:
        keys of deleted rows stay unused. A column without a sequence is skipped.

        Example: ``ddl.reset_sequences(table_spec(Band))`` after loading rows with ids.
        """
        statements = []
        table_text = self.table_name(table).replace("'", "''")
        for column in table.columns:
            kind = column.column_class
            if kind not in _SERIALS and not (column.primary_key and kind in _INTEGERS):
                continue
            name = column.db_column_name
            largest = f"(SELECT COALESCE(MAX({self.quote(name)}), 0) FROM {self.table_name(table)})"
            name_text = name.replace("'", "''")
            statements.append(
                f"SELECT setval(s.seq, GREATEST({largest} + 1, "
                "COALESCE(pg_sequence_last_value(s.seq) + 1, 1)), false) FROM (SELECT "
                f"pg_get_serial_sequence('{table_text}', '{name_text}')::regclass AS seq) AS s "
                "WHERE s.seq IS NOT NULL"
            )
        return statements

    # names that follow a table's or column's name ---------------------------------------------
    def rename_column(self, table: TableSpec, old: str, new: str) -> list[str]:
        """Rename a column and, when ``table`` describes it, the index and constraints
        named after it (PostgreSQL keeps their old names), so they stay recognisable."""
        statements = super().rename_column(table, old, new)
        column = table.column_by_db_name(old)
        if column is not None:
            statements.extend(self.rename_owned(table, table.tablename, column, new))
        return statements

    def rename_table(self, table: TableSpec, new_tablename: str) -> list[str]:
        """Rename a table and the indexes and constraints named after it (those of the
        columns ``table`` describes)."""
        statements = super().rename_table(table, new_tablename)
        renamed = table.replace(tablename=new_tablename)
        for column in table.columns:
            statements.extend(
                self.rename_owned(renamed, table.tablename, column, column.db_column_name)
            )
        return statements

    def rename_owned(
        self, table: TableSpec, old_tablename: str, column: ColumnSpec, new_name: str
    ) -> list[str]:
        """Give the index, ``UNIQUE`` and foreign key of ``column`` (named for table
        ``old_tablename``) the names they get for ``new_name`` in ``table``."""
        statements: list[str] = []
        old_name = column.db_column_name
        if column.index:
            was = derived_identifier(f"{old_tablename}_{old_name}", "index name")
            now = self.index_name(table, [new_name])
            if was != now:
                statements.append(
                    f"ALTER INDEX IF EXISTS {self.qualified_index(table, was)} "
                    f"RENAME TO {self.quote(now)}"
                )
        labels = (["key"] if column.unique else []) + (["fkey"] if column.references else [])
        for label in labels:
            was = postgres_object_name(old_tablename, old_name, label)
            now = postgres_object_name(table.tablename, new_name, label)
            if was != now:
                statements.append(self.rename_constraint_if_exists(table, was, now))
        return statements

    def rename_constraint_if_exists(self, table: TableSpec, old: str, new: str) -> str:
        """``ALTER TABLE ... RENAME CONSTRAINT`` when a constraint is named ``old``."""
        table_text = self.table_name(table).replace("'", "''")
        old_text = old.replace("'", "''")
        return (
            "DO $vivace$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint "
            f"WHERE conrelid = '{table_text}'::regclass AND conname = '{old_text}') THEN "
            f"ALTER TABLE {self.table_name(table)} RENAME CONSTRAINT {self.quote(old)} "
            f"TO {self.quote(new)}; END IF; END $vivace$"
        )

    def drop_column_constraints(self, table: TableSpec, column: str, kind: str) -> str:
        """Drop the one-column constraints of ``kind`` (``f``oreign key, ``u``nique,
        ``p``rimary key) on ``column``, whatever their names."""
        table_text = self.table_name(table).replace("'", "''")
        format_text = table_text.replace("%", "%%")
        column_text = column.replace("'", "''")
        return (
            "DO $vivace$ DECLARE r record; BEGIN "
            "FOR r IN SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            f"WHERE c.conrelid = '{table_text}'::regclass AND c.contype = '{kind}' "
            f"AND cardinality(c.conkey) = 1 AND a.attname = '{column_text}' "
            f"LOOP EXECUTE format('ALTER TABLE {format_text} DROP CONSTRAINT %I', r.conname); "
            "END LOOP; END $vivace$"
        )


def postgres_object_name(first: str, second: str, label: str) -> str:
    """``{first}_{second}_{label}`` cut to 63 bytes as PostgreSQL cuts the names it makes
    (``makeObjectName``): the longer part loses bytes first, never half a character."""
    head, tail = first.encode(), second.encode()
    available = 63 - len(label.encode()) - 2
    keep_head, keep_tail = len(head), len(tail)
    while keep_head + keep_tail > available:
        if keep_head > keep_tail:
            keep_head -= 1
        else:
            keep_tail -= 1
    cut_head = head[:keep_head].decode(errors="ignore")
    cut_tail = tail[:keep_tail].decode(errors="ignore")
    return check_identifier(f"{cut_head}_{cut_tail}_{label}", "constraint name")


#: Element types written into an array default as their ``str()`` (PostgreSQL parses each
#: with the element type's input function).
_TEXT_ELEMENTS = (str, int, float, decimal.Decimal, datetime.date, datetime.time, uuid.UUID)


def _array_text(values: list[Any]) -> str | None:
    """``[1, None, [2]]`` as PostgreSQL's array text ``{"1",NULL,{"2"}}``; None for an
    element it has no text for here (bytes, intervals, JSON): Python fills those."""
    parts = []
    for value in values:
        value = member_value(value)
        if value is None:
            parts.append("NULL")
        elif isinstance(value, list):
            inner = _array_text(value)
            if inner is None:
                return None
            parts.append(inner)
        elif isinstance(value, bool):
            parts.append("t" if value else "f")
        elif isinstance(value, _TEXT_ELEMENTS):
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{text}"')
        else:
            return None
    return "{" + ",".join(parts) + "}"
