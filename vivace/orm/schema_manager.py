"""``SchemaManager``: create, drop, rename and list PostgreSQL schemas, and move tables
between them (Piccolo's ``piccolo.schema``; reachable as ``vivace.schema.SchemaManager``).

Each method returns an awaitable query object: ``await`` it (or call ``run()`` /
``run_sync()``) to run it, ``str()`` it to read its SQL. The SQL comes from the engine's
dialect (``dialect.ddl``), every name quoted. SQLite and MariaDB have no schemas in
Vivace: there every one of these queries raises ``NotSupportedError`` (a
``NotImplementedError``), when run or shown.

Example::

    from vivace.schema import SchemaManager

    manager = SchemaManager()                      # the DB of vivace_conf.py
    await manager.create_schema("music")
    await manager.move_table("band", new_schema="music")
    await manager.list_tables("music")             # ['band']
    print(manager.drop_schema("music", cascade=True))
    # DROP SCHEMA IF EXISTS "music" CASCADE
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from vivace.dialects import Dialect
from vivace.engine import Engine, engine_finder, run_sync
from vivace.exceptions import ConfigurationError

__all__ = [
    "CreateSchema",
    "DropSchema",
    "ListSchemas",
    "ListTables",
    "MoveTable",
    "RenameSchema",
    "SchemaDDLBase",
    "SchemaManager",
]


class SchemaDDLBase:
    """A schema statement bound to an engine: await it, ``run()`` it, or ``str()`` it.

    Example: ``await SchemaManager(DB).rename_schema("music", "music_info")``.
    """

    #: What the statement is called in the refusal where there are no schemas.
    operation = "schema statements"
    db: Engine

    def statements(self, dialect: Dialect | None = None) -> list[str]:
        """The SQL statements this runs (by default, for the engine's dialect).

        Example: ``SchemaManager(DB).create_schema("music").statements()``.
        """
        dialect = dialect or self.db.dialect
        if not dialect.supports_schemas:
            raise dialect.ddl.no_schemas(self.operation)
        return self._build(dialect)

    def _build(self, dialect: Dialect) -> list[str]:
        raise NotImplementedError

    @property
    def ddl(self) -> str:
        """The SQL, as Piccolo's ``ddl`` property gives it."""
        return ";\n".join(self.statements())

    def __str__(self) -> str:
        return self.ddl

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.statements()!r}>"

    async def run(self, in_pool: bool = True) -> list[Any]:
        """Run the statements; ``[]``, as Piccolo's DDL gives. ``in_pool`` is accepted
        for Piccolo's signature (Vivace always runs on a pooled connection, or in the
        task's transaction when there is one)."""
        await self.db.execute_ddl(self.statements())
        return []

    def run_sync(self, in_pool: bool = True) -> list[Any]:
        """``run()`` from synchronous code."""
        return run_sync(self.run(in_pool=in_pool))

    def __await__(self) -> Generator[Any, None, list[Any]]:
        return self.run().__await__()


class CreateSchema(SchemaDDLBase):
    """``CREATE SCHEMA [IF NOT EXISTS]``; the ``public`` schema always exists and is left
    alone (as Piccolo does).

    Example: ``await CreateSchema("music", if_not_exists=True, db=DB)``.
    """

    operation = "create_schema()"

    def __init__(self, schema_name: str, *, if_not_exists: bool, db: Engine) -> None:
        self.schema_name = schema_name
        self.if_not_exists = if_not_exists
        self.db = db

    def _build(self, dialect: Dialect) -> list[str]:
        return dialect.ddl.create_schema(self.schema_name, self.if_not_exists)

    async def run(self, in_pool: bool = True) -> list[Any]:
        if self.schema_name == "public":
            return []
        return await super().run(in_pool)


class DropSchema(SchemaDDLBase):
    """``DROP SCHEMA [IF EXISTS] ... [CASCADE]``.

    Example: ``await DropSchema("music", if_exists=True, cascade=True, db=DB)``.
    """

    operation = "drop_schema()"

    def __init__(self, schema_name: str, *, if_exists: bool, cascade: bool, db: Engine) -> None:
        self.schema_name = schema_name
        self.if_exists = if_exists
        self.cascade = cascade
        self.db = db

    def _build(self, dialect: Dialect) -> list[str]:
        return dialect.ddl.drop_schema(self.schema_name, self.if_exists, self.cascade)


class RenameSchema(SchemaDDLBase):
    """``ALTER SCHEMA ... RENAME TO``.

    Example: ``await RenameSchema("music", "music_info", db=DB)``.
    """

    operation = "rename_schema()"

    def __init__(self, schema_name: str, new_schema_name: str, db: Engine) -> None:
        self.schema_name = schema_name
        self.new_schema_name = new_schema_name
        self.db = db

    def _build(self, dialect: Dialect) -> list[str]:
        return dialect.ddl.rename_schema(self.schema_name, self.new_schema_name)


class MoveTable(SchemaDDLBase):
    """``ALTER TABLE ... SET SCHEMA``: a table, by name, to another existing schema
    (from ``current_schema``; without it, the search path finds the table: ``public``).

    Example: ``await MoveTable("band", "music", db=DB, current_schema="archive")``.
    """

    operation = "move_table()"

    def __init__(
        self, table_name: str, new_schema: str, db: Engine, current_schema: str | None = None
    ) -> None:
        self.table_name = table_name
        self.new_schema = new_schema
        self.current_schema = current_schema
        self.db = db

    def _build(self, dialect: Dialect) -> list[str]:
        return dialect.ddl.move_table(self.table_name, self.new_schema, self.current_schema)


class ListTables:
    """The names of a schema's tables (``[]`` for an unknown schema).

    Example: ``await ListTables(db=DB, schema_name="music")`` is ``['band', 'manager']``.
    """

    def __init__(self, db: Engine, schema_name: str) -> None:
        self.db = db
        self.schema_name = schema_name

    def _query(self) -> tuple[str, list[str]]:
        dialect = self.db.dialect
        if not dialect.supports_schemas:
            raise dialect.ddl.no_schemas("list_tables()")
        return dialect.ddl.list_tables_sql(self.schema_name)

    def __str__(self) -> str:
        return self._query()[0]

    async def run(self) -> list[str]:
        """Run the query: the table names, sorted."""
        sql, params = self._query()
        return [row["table_name"] for row in await self.db.fetch_sql(sql, params)]

    def run_sync(self) -> list[str]:
        """``run()`` from synchronous code."""
        return run_sync(self.run())

    def __await__(self) -> Generator[Any, None, list[str]]:
        return self.run().__await__()


class ListSchemas:
    """The names of the database's schemas (the system ones too, as Piccolo gives them).

    Example: ``"public" in await ListSchemas(db=DB)`` is True.
    """

    def __init__(self, db: Engine) -> None:
        self.db = db

    def _query(self) -> tuple[str, list[str]]:
        dialect = self.db.dialect
        if not dialect.supports_schemas:
            raise dialect.ddl.no_schemas("list_schemas()")
        return dialect.ddl.list_schemas_sql()

    def __str__(self) -> str:
        return self._query()[0]

    async def run(self) -> list[str]:
        """Run the query: the schema names, sorted."""
        sql, params = self._query()
        return [row["schema_name"] for row in await self.db.fetch_sql(sql, params)]

    def run_sync(self) -> list[str]:
        """``run()`` from synchronous code."""
        return run_sync(self.run())

    def __await__(self) -> Generator[Any, None, list[str]]:
        return self.run().__await__()


class SchemaManager:
    """Schema operations on one engine (``db``; by default the ``DB`` of the configuration
    module, ``vivace_conf.py`` or ``$VIVACE_CONF``). PostgreSQL only.

    Example::

        manager = SchemaManager()
        await manager.create_schema(schema_name="music")
        await manager.list_schemas()     # [..., 'music', 'public']
    """

    def __init__(self, db: Engine | None = None) -> None:
        engine = db or engine_finder()
        if engine is None:
            raise ConfigurationError(
                "SchemaManager found no database engine: pass db=, or define DB in "
                "vivace_conf.py (or the module $VIVACE_CONF names)"
            )
        self.db: Engine = engine

    def create_schema(self, schema_name: str, *, if_not_exists: bool = True) -> CreateSchema:
        """Create a schema (no error if it exists, unless ``if_not_exists=False``).

        Example: ``await SchemaManager().create_schema(schema_name="music")``.
        """
        return CreateSchema(schema_name, if_not_exists=if_not_exists, db=self.db)

    def drop_schema(
        self, schema_name: str, *, if_exists: bool = True, cascade: bool = False
    ) -> DropSchema:
        """Drop a schema; ``cascade=True`` drops its tables too.

        Example: ``await SchemaManager().drop_schema("music", cascade=True)``.
        """
        return DropSchema(schema_name, if_exists=if_exists, cascade=cascade, db=self.db)

    def rename_schema(self, schema_name: str, new_schema_name: str) -> RenameSchema:
        """Rename a schema.

        Example: ``await SchemaManager().rename_schema("music", new_schema_name="music_info")``.
        """
        return RenameSchema(schema_name, new_schema_name, db=self.db)

    def move_table(
        self, table_name: str, new_schema: str, current_schema: str | None = None
    ) -> MoveTable:
        """Move a table (by name) to another existing schema; ``current_schema``: where it
        is now (by default the search path finds it: ``public``).

        Example: ``await SchemaManager().move_table("band", new_schema="music")``.
        """
        return MoveTable(table_name, new_schema, db=self.db, current_schema=current_schema)

    def list_tables(self, schema_name: str) -> ListTables:
        """The names of the tables in a schema.

        Example: ``await SchemaManager().list_tables(schema_name="music")`` is ``['band']``.
        """
        return ListTables(db=self.db, schema_name=schema_name)

    def list_schemas(self) -> ListSchemas:
        """The names of the schemas in the database.

        Example: ``"public" in await SchemaManager().list_schemas()`` is True.
        """
        return ListSchemas(db=self.db)
