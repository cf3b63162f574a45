"""``DDLCompiler``: schema specs to DDL statements, one subclass per database.

Every method takes specs (``vivace.schema.spec``) and returns a list of SQL statements
to run in order. The dialect owns one: ``dialect.ddl``.

Example::

    ddl = PostgresDialect().ddl
    ddl.create_table(table_spec(Band))
    ddl.alter_column(band_spec, band_spec.column("name"),
                     band_spec.column("name").replace_params(length=100))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vivace.dialects.column_changes import check_default_fits, described_column, with_type_of
from vivace.dialects.introspection import attribute_name, canonical_default, json_default
from vivace.dialects.staged_ddl import LockOptions, StagedDDL
from vivace.exceptions import NotSupportedError, QueryError
from vivace.schema.column import IndexMethod, derived_identifier
from vivace.schema.defaults import Default
from vivace.schema.spec import (
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    FrozenValue,
    IndexSpec,
    TableSpec,
)
from vivace.schema.table_spec import value_type_of

if TYPE_CHECKING:
    from vivace.dialects.dialect import Dialect

_LIST = CallableRef("builtins", "list")

#: Params whose change needs no DDL (they live in Python only).
PYTHON_SIDE_PARAMS = frozenset({"choices", "secret", "help_text", "required"})
#: Params of a column's foreign key: changing one re-creates the constraint.
FOREIGN_KEY_PARAMS = frozenset({"references", "on_delete", "on_update", "target_column"})


class DDLCompiler:
    """The DDL of the neutral base; subclasses override what their database does differently.

    Example: ``SQLiteDialect().ddl.drop_table(spec)`` is ``['DROP TABLE "band"']``.
    """

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    # names ------------------------------------------------------------------------------------
    def quote(self, name: str) -> str:
        return self.dialect.quote(name)

    def qualified(self, schema: str | None, tablename: str) -> str:
        """A table name with its schema where the database has schemas."""
        if schema and self.dialect.supports_schemas:
            return f"{self.quote(schema)}.{self.quote(tablename)}"
        return self.quote(tablename)

    def table_name(self, table: TableSpec) -> str:
        return self.qualified(table.schema, table.tablename)

    def alter_prefix(self, table: TableSpec) -> str:
        return f"ALTER TABLE {self.table_name(table)}"

    def index_name(self, table: TableSpec, columns: Sequence[str]) -> str:
        """The name Vivace gives an index on ``columns``: ``band_name``."""
        return derived_identifier(f"{table.tablename}_{'_'.join(columns)}", "index name")

    def column_index(self, table: TableSpec, column: ColumnSpec) -> IndexSpec:
        """The index a column's ``index=True`` stands for."""
        name = self.index_name(table, [column.db_column_name])
        return IndexSpec(name, (column.db_column_name,), column.param("index_method", "btree"))

    # columns ----------------------------------------------------------------------------------
    def type_sql(self, column: ColumnSpec) -> str:
        """The column's SQL type: ``ddl.type_sql(ColumnSpec.of("n", "Varchar", length=5))``."""
        return self.dialect.column_type(value_type_of(column))

    def default_sql(self, column: ColumnSpec) -> str | None:
        """The DEFAULT clause value of a column, when the database can compute it."""
        default = column.default
        if isinstance(default, Default):
            computed = self.computed_default(default)
            if computed is not None or not default.constant:
                return computed
            default = default.python()  # a fixed value (``IntervalCustom()``): its literal
        if column.column_class == "Array":
            # Rows written outside the ORM get the list too (``default=list``: an empty one).
            if default == _LIST:
                return self.array_literal(column, [])
            if isinstance(default, FrozenValue) and default.kind == "list":
                return self.array_literal(column, default.thaw())
            return None
        if default is None or isinstance(default, CallableRef):
            return None
        value = default.thaw() if isinstance(default, FrozenValue) else default
        converter = self.dialect.param_converter(value_type_of(column))
        if converter is not None:
            value = converter(value)
        return self.dialect.compiler_class(self.dialect, inline=True).literal(value)

    def computed_default(self, default: Default) -> str | None:
        return default.postgres

    def array_literal(self, column: ColumnSpec, values: list[Any]) -> str | None:
        """The DEFAULT of an array column holding ``values``; None (Python fills new rows)
        where the database has no array literal Vivace writes."""
        return None

    def column_sql(self, column: ColumnSpec, with_references: bool = True) -> str:
        """A column's definition in ``CREATE TABLE``: ``'"name" VARCHAR(5) NOT NULL'``...
        (``with_references=False``: without its foreign key, added apart)."""
        parts = [self.quote(column.db_column_name), self.type_sql(column)]
        if column.primary_key:
            parts.append(self.primary_key_sql(column))
            default = column.default
            # A key the database can make (UUID's gen_random_uuid()) is declared with it, as
            # Piccolo does: rows inserted by raw SQL or other programs get one too.
            computed = self.computed_default(default) if isinstance(default, Default) else None
            if computed is not None:
                parts.append(f"DEFAULT {computed}")
        else:
            if not column.null:
                parts.append("NOT NULL")
            if column.unique:
                parts.append("UNIQUE")
            default = self.default_sql(column)
            if default is not None:
                parts.append(f"DEFAULT {default}")
        if column.references is not None and with_references:
            parts.append(self.references_sql(column))
        return " ".join(parts)

    def primary_key_sql(self, column: ColumnSpec) -> str:
        return "PRIMARY KEY"

    def references_sql(self, column: ColumnSpec) -> str:
        ref = column.references
        assert ref is not None
        on_delete = getattr(column.param("on_delete"), "value", "CASCADE")
        on_update = getattr(column.param("on_update"), "value", "CASCADE")
        return (
            f"REFERENCES {self.qualified(ref.schema, ref.tablename)} "
            f"({self.quote(ref.column.name)}) ON DELETE {on_delete} ON UPDATE {on_update}"
        )

    def constraint_sql(self, constraint: ConstraintSpec) -> str:
        """A table constraint's definition: ``'CONSTRAINT "u" UNIQUE ("a", "b")'``."""
        name = self.quote(constraint.name)
        if constraint.kind == "unique":
            columns = ", ".join(self.quote(c) for c in constraint.columns)
            nulls = "" if constraint.nulls_distinct else self.nulls_not_distinct()
            return f"CONSTRAINT {name} UNIQUE{nulls} ({columns})"
        return f"CONSTRAINT {name} CHECK ({constraint.check})"

    def nulls_not_distinct(self) -> str:
        raise QueryError(f"Unique(nulls_distinct=False) is not supported on {self.dialect.name}")

    # what the database keeps -------------------------------------------------------------------
    def stored_form(self, table: TableSpec) -> TableSpec:
        """The spec as this database keeps it: what introspection gives back after
        ``create_table(table)`` (see ``vivace.dialects.introspection`` for the rules).

        Example: ``ddl.stored_form(table_spec(Band)) == (await DB.introspect()).table("Band")``.
        """
        plain = table.for_database()
        return plain.replace(columns=tuple(self.stored_column(c) for c in plain.columns))

    def stored_column(self, column: ColumnSpec) -> ColumnSpec:
        """One column as this database keeps it (see ``stored_form``)."""
        default = column.default
        if column.primary_key or self.default_sql(column) is None:
            default = None
        elif column.column_class == "Array":
            default = _LIST
        elif column.column_class in ("JSON", "JSONB"):
            default = json_default(default)
        else:
            default = canonical_default(default)
        # A database knows column names only: the attribute is named after the column.
        name = attribute_name(column.db_column_name)
        db_name = None if name == column.db_column_name else column.db_column_name
        # An index method without an index leaves no trace in the database.
        method = column.param("index_method") if column.index else IndexMethod.btree
        return column.renamed(name).replace_params(
            default=default, db_column_name=db_name, index_method=method
        )

    # schemas ----------------------------------------------------------------------------------
    # Only PostgreSQL has schemas: here ``create_schema`` (which ``create_table`` calls) has
    # nothing to create, and every other schema statement is refused.
    def no_schemas(self, what: str) -> NotSupportedError:
        """The refusal of a schema operation where the database has no schemas."""
        return NotSupportedError(
            f"{what} is not supported on {self.dialect.title}: it has no schemas "
            "(they exist on PostgreSQL only)"
        )

    def create_schema(self, schema: str, if_not_exists: bool = True) -> list[str]:
        """``CREATE SCHEMA [IF NOT EXISTS]`` where the database has schemas (here nothing).

        Example: ``PostgresDialect().ddl.create_schema("music")`` is
        ``['CREATE SCHEMA IF NOT EXISTS "music"']``.
        """
        return []

    def drop_schema(self, schema: str, if_exists: bool = True, cascade: bool = False) -> list[str]:
        """``DROP SCHEMA [IF EXISTS] ... [CASCADE]``: ``ddl.drop_schema("music", cascade=True)``."""
        raise self.no_schemas("drop_schema()")

    def rename_schema(self, schema: str, new_schema: str) -> list[str]:
        """``ALTER SCHEMA ... RENAME TO``: ``ddl.rename_schema("music", "music_info")``."""
        raise self.no_schemas("rename_schema()")

    def move_table(
        self, tablename: str, new_schema: str, current_schema: str | None = None
    ) -> list[str]:
        """``ALTER TABLE ... SET SCHEMA``, by names: ``ddl.move_table("band", "music")``."""
        raise self.no_schemas("move_table()")

    def list_tables_sql(self, schema: str) -> tuple[str, list[str]]:
        """The query (and its parameters) of the names of a schema's tables, as
        ``table_name``: ``ddl.list_tables_sql("music")``."""
        raise self.no_schemas("list_tables()")

    def list_schemas_sql(self) -> tuple[str, list[str]]:
        """The query of the names of the database's schemas, as ``schema_name``."""
        raise self.no_schemas("list_schemas()")

    # tables -----------------------------------------------------------------------------------

    def create_table(
        self, table: TableSpec, if_not_exists: bool = False, create_schema: bool = True
    ) -> list[str]:
        """``CREATE TABLE`` with its constraints, then its indexes; first its schema
        (``CREATE SCHEMA IF NOT EXISTS``, where there are schemas) unless told not to."""
        statements = []
        if table.schema and create_schema:
            statements.extend(self.create_schema(table.schema))
        items = [self.column_sql(c) for c in table.columns]
        items.extend(self.constraint_sql(c) for c in table.constraints)
        exists = "IF NOT EXISTS " if if_not_exists else ""
        statements.append(f"CREATE TABLE {exists}{self.table_name(table)} ({', '.join(items)})")
        statements.extend(self.create_indexes(table, if_not_exists))
        return statements

    def create_indexes(self, table: TableSpec, if_not_exists: bool = False) -> list[str]:
        """The indexes of a table: its columns' ``index=True`` and its ``IndexSpec`` entries."""
        indexes = [self.column_index(table, c) for c in table.columns if c.index]
        indexes.extend(table.indexes)
        return [sql for index in indexes for sql in self.create_index(table, index, if_not_exists)]

    def drop_table(
        self, table: TableSpec, cascade: bool = False, if_exists: bool = False
    ) -> list[str]:
        """``DROP TABLE`` (``CASCADE`` where the database has it): ``ddl.drop_table(spec)``."""
        exists = "IF EXISTS " if if_exists else ""
        return [f"DROP TABLE {exists}{self.table_name(table)}{self.cascade(cascade)}"]

    def cascade(self, cascade: bool) -> str:
        return " CASCADE" if cascade else ""

    def rename_table(self, table: TableSpec, new_tablename: str) -> list[str]:
        """Rename a table: ``ddl.rename_table(spec, "bands")``."""
        return [f"{self.alter_prefix(table)} RENAME TO {self.quote(new_tablename)}"]

    def change_table_schema(self, table: TableSpec, new_schema: str | None) -> list[str]:
        """Move a table to another schema (nothing to do where there are no schemas)."""
        return []

    def set_schema(self, table: TableSpec, new_schema: str) -> list[str]:
        """``Band.alter().set_schema()``: move a table to an existing schema (refused where
        there are no schemas, unlike ``change_table_schema``, which migrations replay
        anywhere): ``ddl.set_schema(spec, "music")``."""
        raise self.no_schemas("set_schema()")

    # columns of a table -----------------------------------------------------------------------
    def add_column(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        """Add a column (and its index): ``ddl.add_column(spec, ColumnSpec.of("x", "Text"))``."""
        statements = [f"{self.alter_prefix(table)} ADD COLUMN {self.column_sql(column)}"]
        if column.index:
            statements.extend(self.create_index(table, self.column_index(table, column)))
        return statements

    def drop_column(self, table: TableSpec, column: ColumnSpec | str) -> list[str]:
        """Drop a column, given by spec or database name: ``ddl.drop_column(spec, "x")``."""
        name = column if isinstance(column, str) else column.db_column_name
        return [f"{self.alter_prefix(table)} DROP COLUMN {self.quote(name)}"]

    def rename_column(self, table: TableSpec, old: str, new: str) -> list[str]:
        """Rename a column, by database names."""
        return [f"{self.alter_prefix(table)} RENAME COLUMN {self.quote(old)} TO {self.quote(new)}"]

    def unsupported(self, what: str) -> QueryError:
        return QueryError(
            f"{what} is not supported on {self.dialect.name}: it cannot alter a column in place "
            "(recreate the table, or use a migration)"
        )

    # Single changes (``Band.alter()``). A database that alters columns in place overrides
    # them; here each is the whole-column change ``alter_column`` (SQLite's table rebuild),
    # so ``table`` must describe the whole table.
    def set_null(self, table: TableSpec, name: str, null: bool) -> list[str]:
        """Allow or forbid NULL: ``ddl.set_null(spec, "name", True)``."""
        old = described_column(table, name, "set_null()")
        return self.alter_column(table, old, old.replace_params(null=null))

    def set_default(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        """Give a column the default its spec holds (drop it when the spec has none)."""
        old = described_column(table, column.db_column_name, "set_default()")
        return self.alter_column(table, old, old.replace_params(default=column.default))

    def drop_default(self, table: TableSpec, name: str) -> list[str]:
        """Drop a column's default: ``ddl.drop_default(spec, "name")``."""
        old = described_column(table, name, "drop_default()")
        return self.alter_column(table, old, old.replace_params(default=None))

    def set_unique(self, table: TableSpec, name: str, unique: bool) -> list[str]:
        """Make a column unique or not: ``ddl.set_unique(spec, "name", True)``."""
        old = described_column(table, name, "set_unique()")
        return self.alter_column(table, old, old.replace_params(unique=unique))

    def set_type(
        self, table: TableSpec, name: str, column: ColumnSpec, using: str | None = None
    ) -> list[str]:
        """Give column ``name`` the type of ``column`` (its other params stay); ``using``
        converts the values: ``ddl.set_type(spec, "n", ColumnSpec.of("n", "BigInt"))``."""
        old = described_column(table, name, "set_column_type()")
        new = with_type_of(old, column)
        check_default_fits(new)
        return self.alter_column(table, old, new, using)

    def alter_column(
        self, table: TableSpec, old: ColumnSpec, new: ColumnSpec, using: str | None = None
    ) -> list[str]:
        """Change column ``old`` of ``table`` into ``new`` (any params, the database name
        too); ``using`` is the SQL converting old values when the type changes."""
        raise self.unsupported("alter_column()")

    # constraints and indexes ------------------------------------------------------------------
    def add_constraint(self, table: TableSpec, constraint: ConstraintSpec) -> list[str]:
        """Add a table constraint: ``ddl.add_constraint(spec, ConstraintSpec(...))``."""
        return [f"{self.alter_prefix(table)} ADD {self.constraint_sql(constraint)}"]

    def drop_constraint(self, table: TableSpec, name: str) -> list[str]:
        """Drop a table constraint by name: ``ddl.drop_constraint(spec, "band_pair")``."""
        return [f"{self.alter_prefix(table)} DROP CONSTRAINT {self.quote(name)}"]

    def create_index(
        self, table: TableSpec, index: IndexSpec, if_not_exists: bool = False
    ) -> list[str]:
        """``CREATE [UNIQUE] INDEX``: ``ddl.create_index(spec, IndexSpec("i", ("a",)))``."""
        return [self.index_statement(table, index, if_not_exists)]

    def create_index_concurrently(
        self, table: TableSpec, index: IndexSpec, if_not_exists: bool = False
    ) -> list[str]:
        """An index built without blocking writes, outside any transaction (PostgreSQL's
        ``CONCURRENTLY``); elsewhere the plain ``create_index``, which blocks no one for
        long (SQLite serialises every write anyway)."""
        return self.create_index(table, index, if_not_exists)

    def index_statement(
        self,
        table: TableSpec,
        index: IndexSpec,
        if_not_exists: bool = False,
        concurrently: bool = False,
    ) -> str:
        """One ``CREATE [UNIQUE] INDEX [CONCURRENTLY]`` statement."""
        exists = "IF NOT EXISTS " if if_not_exists else ""
        unique = "UNIQUE " if index.unique else ""
        how = "CONCURRENTLY " if concurrently else ""
        columns = ", ".join(self.quote(c) for c in index.columns)
        using = self.index_using(index.method)
        return (
            f"CREATE {unique}INDEX {how}{exists}{self.quote(index.name)} "
            f"ON {self.table_name(table)}{using} ({columns})"
        )

    def index_using(self, method: str) -> str:
        if method != "btree":
            raise QueryError(f"index method {method!r} is not supported on {self.dialect.name}")
        return ""

    def drop_index(self, table: TableSpec, name: str, if_exists: bool = False) -> list[str]:
        """``DROP INDEX`` by name: ``ddl.drop_index(spec, "band_name", if_exists=True)``."""
        exists = "IF EXISTS " if if_exists else ""
        return [f"DROP INDEX {exists}{self.qualified_index(table, name)}"]

    def qualified_index(self, table: TableSpec, name: str) -> str:
        return self.quote(name)

    # safe forms (``vivace.dialects.staged_ddl``) ----------------------------------------------
    # Here the plain forms: only a database whose schema changes block other sessions for
    # long (PostgreSQL) has safer ones, so a migration asking for them runs unchanged here.
    def staged_add_column(
        self, table: TableSpec, column: ColumnSpec, options: LockOptions
    ) -> StagedDDL:
        """``add_column`` in the safe forms ``options`` ask for: ``.now`` and ``.later``."""
        return StagedDDL(self.add_column(table, column))

    def staged_alter_column(
        self,
        table: TableSpec,
        old: ColumnSpec,
        new: ColumnSpec,
        using: str | None,
        options: LockOptions,
    ) -> StagedDDL:
        """``alter_column`` in the safe forms ``options`` ask for."""
        return StagedDDL(self.alter_column(table, old, new, using))

    def staged_add_constraint(
        self, table: TableSpec, constraint: ConstraintSpec, options: LockOptions
    ) -> StagedDDL:
        """``add_constraint`` in the safe forms ``options`` ask for."""
        return StagedDDL(self.add_constraint(table, constraint))

    # keys -------------------------------------------------------------------------------------
    def reset_sequences(self, table: TableSpec) -> list[str]:
        """Statements that move the sequences of ``table``'s serial columns past its largest
        value, once rows were inserted with explicit keys (a fixture load), so the next
        insert without a key gets a free one. Nothing here: SQLite's rowid and MariaDB's
        ``AUTO_INCREMENT`` follow the largest key by themselves.

        Example: ``ddl.reset_sequences(table_spec(Band))``.
        """
        return []


def changed_params(old: ColumnSpec, new: ColumnSpec) -> set[str]:
    """The names of the params that differ, Python-only ones left out.

    Example: ``changed_params(spec, spec.replace_params(null=True)) == {"null"}``.
    """
    names = {k for k, _ in old.params} | {k for k, _ in new.params}
    return {n for n in names if old.param(n) != new.param(n)} - PYTHON_SIDE_PARAMS


def type_changed(old: ColumnSpec, new: ColumnSpec) -> bool:
    """Whether the database type differs (class, length, digits, array base, FK key type).

    Example: ``type_changed(spec, spec.replace_params(length=9))`` for a Varchar is True.
    """
    return value_type_of(old) != value_type_of(new)


def adds_foreign_key(old: ColumnSpec, new: ColumnSpec, using: str | None = None) -> bool:
    """Whether changing ``old`` into ``new`` (re)creates the column's foreign key: it is
    new, points elsewhere, or the type changes (the key is dropped around the change).

    Example: ``adds_foreign_key(plain, plain.replace_params(references=ref))`` is True.
    """
    if new.references is None:
        return False
    relinked = bool(changed_params(old, new) & FOREIGN_KEY_PARAMS)
    return relinked or type_changed(old, new) or bool(using) or old.references is None
