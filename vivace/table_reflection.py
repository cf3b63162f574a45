"""Table classes made from a live database at run time (Piccolo's ``TableStorage``).

Built on introspection (``engine.introspect()``) and ``table_class_from_spec``: the
classes are never registered, so they never clash with the project's own tables, and
foreign keys between reflected tables point at each other's reflected classes.

Example::

    storage = TableStorage()                     # the default engine; TableStorage(DB) too
    await storage.reflect(schema_name="music", exclude=["secrets"])
    Band = storage.tables["music.band"]
    Manager = await storage.get_table("manager")  # reflected now if needed (None if absent)
    await Band.select(Band.name)

As in Piccolo, ``TableStorage()`` gives one storage (per engine): reflecting from one place
makes the tables available everywhere. Keys are the tablename, prefixed with the schema
outside ``public`` (``"music.band"``). SQLite and MariaDB have no schemas: ``schema_name``
is ignored (the connection's own database is read).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

from vivace.orm.spec_tables import SpecRegistry, table_class_from_spec
from vivace.orm.table import Table, default_engine

__all__ = ["TableStorage"]


def _as_list(names: str | Sequence[str] | None) -> list[str]:
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


def _split(key: str, schema_name: str) -> tuple[str | None, str]:
    schema, _, name = key.rpartition(".")
    schema = schema or schema_name
    return (None if schema == "public" else schema), name


class TableStorage:
    """Reflected Table classes by name: ``await TableStorage(DB).reflect()`` (see the
    module docstring)."""

    _storages: ClassVar[dict[int, TableStorage]] = {}
    _ready: bool

    def __new__(cls, engine: Any = None) -> TableStorage:
        key = id(engine)
        storage = cls._storages.get(key)
        if storage is None:
            storage = super().__new__(cls)
            storage._ready = False
            cls._storages[key] = storage
        return storage

    def __init__(self, engine: Any = None) -> None:
        if self._ready:
            return
        self._ready = True
        self._engine = engine
        self._tables: dict[str, type[Table]] = {}
        self._registry: SpecRegistry = {}

    @property
    def engine(self) -> Any:
        """The engine reflected from (the default engine unless one was given).

        Example: ``TableStorage(DB).engine is DB`` -> ``True``.
        """
        return self._engine if self._engine is not None else default_engine()

    @property
    def tables(self) -> Mapping[str, type[Table]]:
        """The reflected classes, read-only: ``storage.tables["band"]``."""
        return MappingProxyType(self._tables)

    async def reflect(
        self,
        schema_name: str = "public",
        include: str | Sequence[str] | None = None,
        exclude: str | Sequence[str] | None = None,
        keep_existing: bool = False,
    ) -> None:
        """Make classes for the tables of ``schema_name``: all of them, or those in
        ``include``, never those in ``exclude``. With ``keep_existing``, tables already
        reflected are kept as they are (and not read again); otherwise they are replaced.
        """
        # Without schemas (SQLite, MariaDB) a table is named by its name only: classes
        # made from another MariaDB database would act on the connection's own.
        no_schema = schema_name == "public" or not self.engine.dialect.supports_schemas
        schema = None if no_schema else schema_name
        included, excluded = _as_list(include), set(_as_list(exclude))
        if keep_existing:
            excluded.update(_split(key, "public")[1] for key in self._tables_in(schema))
        else:
            self._registry = {k: v for k, v in self._registry.items() if k[0] != schema}
        found = await self.engine.introspect(schema_name=schema, tablenames=included or None)
        for spec in found:
            if spec.tablename in excluded:
                continue
            table = table_class_from_spec(spec, found, registry=self._registry, db=self.engine)
            self._tables[self._key(spec.schema, spec.tablename)] = table

    async def get_table(self, tablename: str) -> type[Table] | None:
        """A reflected class by key (``"band"``, ``"music.band"``), reflected now if it
        was not yet; None when the database has no such table."""
        schema, name = _split(tablename, "public")
        key = self._key(schema, name)
        if key not in self._tables:
            await self.reflect(schema or "public", include=[name], keep_existing=True)
        return self._tables.get(key)

    def clear(self) -> None:
        """Forget every reflected class.

        Example: ``storage.clear()``, then ``len(storage.tables)`` -> ``0`` (``reflect()``
        again after the schema changed).
        """
        self._tables.clear()
        self._registry.clear()

    def _tables_in(self, schema: str | None) -> list[str]:
        return [k for k in self._tables if _split(k, "public")[0] == schema]

    @staticmethod
    def _key(schema: str | None, tablename: str) -> str:
        return tablename if schema is None else f"{schema}.{tablename}"

    def __repr__(self) -> str:
        return f"<TableStorage {sorted(self._tables)}>"
