"""``Dialect``: one database's SQL — feature flags, type names, converters and DDL.

Every difference between databases lives in a Dialect subclass (or its Compiler);
nothing above this layer asks which database it is talking to.

Example::

    dialect = SQLiteDialect()
    dialect.ddl.create_table(table_spec(Band), if_not_exists=True)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, ClassVar

from vivace.dialects.compiled import Compiled, Converter
from vivace.dialects.compiler import Compiler
from vivace.dialects.ddl import DDLCompiler
from vivace.dialects.expression_names import sql_text_expression_name
from vivace.dialects.introspection import Introspector
from vivace.dialects.related import rows_converter
from vivace.exceptions import TransactionError
from vivace.schema.column import check_identifier
from vivace.sql.nodes import Node
from vivace.types import ValueType, checks


class Dialect:
    """Base dialect; subclasses set the flags and override what differs."""

    name: ClassVar[str] = "base"
    #: The database's name in messages (Piccolo's wording: "SQLite doesn't support ...").
    title: ClassVar[str] = "this database"
    compiler_class: ClassVar[type[Compiler]] = Compiler
    ddl_class: ClassVar[type[DDLCompiler]] = DDLCompiler
    introspector_class: ClassVar[type[Introspector]] = Introspector
    supports_distinct_on: ClassVar[bool] = False
    supports_schemas: ClassVar[bool] = False
    supports_lock_rows: ClassVar[bool] = False
    supports_alter_column: ClassVar[bool] = False
    supports_index_methods: ClassVar[bool] = False
    #: Native arrays: indexing, ``= ALL``, ``&&`` and the array functions (else arrays are
    #: JSON text, searched with ``json_each``).
    supports_native_arrays: ClassVar[bool] = False
    #: Whether related rows (``RelatedRows``) can be listed inside one statement; when not,
    #: the ORM fetches them with one extra ``IN`` query.
    supports_row_aggregation: ClassVar[bool] = False
    #: Whether schema changes on a live table take locks other sessions wait on, with
    #: lighter forms to use instead (``CREATE INDEX CONCURRENTLY``, ``NOT VALID``): the
    #: migrations safety check warns about the heavy forms.
    warns_about_schema_locks: ClassVar[bool] = False
    #: Whether schema changes (DDL) take part in transactions. When not (MySQL/MariaDB
    #: commit each one), a failed migration leaves the statements that ran in place.
    transactional_ddl: ClassVar[bool] = True
    #: The most bound parameters one statement may carry.
    max_parameters: ClassVar[int] = 32_766
    #: Whether INSERT (and DELETE) can return rows (``RETURNING``). When not, the ORM
    #: learns new primary keys from the engine's last-insert-id instead.
    supports_returning: ClassVar[bool] = True
    #: Whether UPDATE can return rows; when not, the ORM reads changed rows back itself.
    supports_update_returning: ClassVar[bool] = True
    #: Whether one INSERT takes several ``on_conflict()`` clauses (SQLite's upsert does:
    #: each but the last names its target); where not, a second one is refused.
    supports_many_on_conflict: ClassVar[bool] = False
    #: The longest identifier (table, column, alias) the database keeps, in bytes. Vivace
    #: refuses longer user names and cuts the names it makes to 63 bytes on every engine
    #: (``vivace.schema.column``): a dialect keeping fewer must lower that limit first
    #: (tests/unit/test_identifier_limits.py checks every dialect).
    max_identifier_length: ClassVar[int] = 63

    def many_on_conflict_error(self) -> str:
        """The message refusing a second ``on_conflict()`` where one only is allowed."""
        return f"{self.title} only supports a single ON CONFLICT clause."

    # compile ----------------------------------------------------------------------------------
    def compile(self, node: Node, key_values: Sequence[Any] | None = None) -> Compiled:
        """Compile ``node``. With ``key_values`` (from its shape key walk), check they line up."""
        compiler = self.compiler_class(self)
        compiled = compiler.compile(node)
        if key_values is not None and (
            len(compiler.values) != len(key_values)
            or any(a is not b for a, b in zip(compiler.values, key_values))
        ):
            raise AssertionError(
                f"internal error: placeholders of {compiled.sql!r} do not follow the shape key"
            )
        return compiled

    def render_inline(self, node: Node) -> str:
        """SQL with values written in, for ``str(query)``: for reading, never for running."""
        return self.compiler_class(self, inline=True).compile(node).sql

    def expression_name(self, sql: str, columns: Sequence[str]) -> str:
        """The name the database gives a column selected as ``sql`` without ``AS`` (the key
        of a ``QueryString`` without an alias, as Piccolo's); ``columns`` are the names
        of the statement's columns. The base rule is SQLite's: a column reference gives
        the column, anything else its text."""
        return sql_text_expression_name(sql, columns)

    # identifiers and literals -----------------------------------------------------------------
    def quote(self, name: str) -> str:
        check_identifier(name)
        return '"' + name.replace('"', '""') + '"'

    def table_name(self, table: Any) -> str:
        meta = table._meta
        name = self.quote(meta.tablename)
        if meta.schema and self.supports_schemas:
            return f"{self.quote(meta.schema)}.{name}"
        return name

    def bool_literal(self, value: bool) -> str:
        return "TRUE" if value else "FALSE"

    def bytes_literal(self, value: bytes) -> str:
        return "X'" + value.hex() + "'"

    def function_name(self, name: str) -> str:
        return name

    # transactions --------------------------------------------------------------------------
    #: The isolation levels ``transaction(isolation_level=...)`` takes.
    isolation_levels: ClassVar[frozenset[str]] = frozenset(
        {"read committed", "repeatable read", "serializable"}
    )

    def begin_sql(self, isolation_level: str | None = None, read_only: bool = False) -> str:
        """The statement that starts a transaction: ``BEGIN ISOLATION LEVEL SERIALIZABLE``."""
        begin = "BEGIN"
        if isolation_level is not None:
            begin += f" ISOLATION LEVEL {self.isolation_level(isolation_level)}"
        if read_only:
            begin += " READ ONLY"
        return begin

    def isolation_level(self, level: str) -> str:
        """``level`` checked against ``isolation_levels``, as SQL (``REPEATABLE READ``)."""
        if level.lower() not in self.isolation_levels:
            raise TransactionError(
                f"isolation_level must be one of {sorted(self.isolation_levels)}"
            )
        return level.upper()

    def savepoint_sql(self, name: str) -> str:
        """``SAVEPOINT name``; ``name`` was checked to be a plain identifier."""
        return f"SAVEPOINT {self.quote(name)}"

    def rollback_to_savepoint_sql(self, name: str) -> str:
        return f"ROLLBACK TO SAVEPOINT {self.quote(name)}"

    def release_savepoint_sql(self, name: str) -> str:
        return f"RELEASE SAVEPOINT {self.quote(name)}"

    # values ------------------------------------------------------------------------------------
    @functools.cache  # noqa: B019 (dialects are few and live as long as the process)
    def param_converter(self, vtype: ValueType | None) -> Converter | None:
        """How a Python value of ``vtype`` is handed to the driver (None: as it is)."""
        if vtype is None:
            return None
        return self._param_converter(vtype)

    def _param_converter(self, vtype: ValueType) -> Converter | None:
        return None

    @functools.cache  # noqa: B019
    def value_converter(self, vtype: ValueType | None, store: bool) -> Converter | None:
        """Check a value stored into (``store``) or compared with a column of ``vtype``,
        then convert it as :meth:`param_converter` does: one function, built once."""
        return checks.fused(checks.value_check(vtype, store), self.param_converter(vtype))

    @functools.cache  # noqa: B019
    def result_converter(self, vtype: ValueType | None) -> Converter | None:
        """How a driver value of ``vtype`` becomes the Python value (None: as it is)."""
        if vtype is None:
            return None
        if vtype.name == "rows":  # a list of related rows (``RelatedRows``)
            return rows_converter(self, vtype)
        return self._result_converter(vtype)

    def _result_converter(self, vtype: ValueType) -> Converter | None:
        return None

    def list_converter(self, element: ValueType | None) -> Converter | None:
        """How the list of an ``is_in`` is bound as one parameter."""
        raise NotImplementedError

    # DDL (statements come from ``self.ddl``, a DDLCompiler) -------------------------------------
    @functools.cached_property
    def ddl(self) -> DDLCompiler:
        """This database's DDL compiler: ``dialect.ddl.create_table(table_spec(Band))``."""
        return self.ddl_class(self)

    @functools.cached_property
    def introspector(self) -> Introspector:
        """Reads a live schema as specs; run by ``await engine.introspect()``."""
        return self.introspector_class(self)

    def column_type(self, vtype: ValueType) -> str:
        raise NotImplementedError

    def list_indexes_sql(self, table: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def table_exists_sql(self, table: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError
