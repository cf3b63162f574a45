"""``objects``: rows as table instances, with related rows prefetched in the same query.

Example::

    band = await Band.objects(Band.manager).get(Band.name == "Pythonistas")
    band.manager.name       # a Manager instance, fetched by the same query
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any, TypeVar

from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.orm.query import Query
from vivace.orm.related import objects_with_related, split_prefetch
from vivace.orm.rows import MAP_CHUNK, RowsTo, map_in_chunks, object_factory
from vivace.orm.select import SelectBase
from vivace.schema import Column, ForeignKey
from vivace.sql import And, Condition, Expr
from vivace.sql import Select as SelectStatement
from vivace.types import JSON_TYPES

T = TypeVar("T")

#: One prefetched key's layout: (attribute path, related table, first index, end index).
PrefetchLayout = tuple[tuple[str, ...], Any, int, int]
#: The prefetch layout of a query that prefetches nothing (immutable: it is shared).
_NO_PREFETCH: tuple[PrefetchLayout, ...] = ()


class Objects(SelectBase[list[T]]):
    """``Band.objects(*prefetch)``: a list of ``Band`` instances."""

    #: Relations (``Manager.bands``, ``Band.genres``) whose lists of instances are loaded too.
    _relations: tuple[Any, ...] = ()
    _prefetch: tuple[ForeignKey[Any], ...] = ()

    _FIELDS = (*SelectBase._FIELDS, "_relations", "_prefetch")

    def __init__(self, table: type[T], prefetch: Sequence[Any] = ()) -> None:
        self.__dict__ = self._initial.copy()  # see ``SelectBase._FIELDS``
        self.table = table
        if prefetch:
            prefetch, self._relations = split_prefetch(table, prefetch)
            self._prefetch = _prefetch_paths(table, prefetch)

    def prefetch(self, *foreign_keys: Any) -> Objects[T]:
        """Load the rows these foreign keys point at, in the same query (and relations' lists)."""
        query: Objects[T] = self._copy()
        keys, relations = split_prefetch(self.table, foreign_keys)
        query._prefetch = self._prefetch + _prefetch_paths(self.table, keys)
        query._relations = self._relations + tuple(r for r in relations if r not in self._relations)
        return query

    def output(self, load_json: bool = False) -> Objects[T]:
        """``load_json=True`` parses JSON columns into Python values."""
        query: Objects[T] = self._copy()
        query._load_json = load_json
        return query

    def get(self, condition: Any) -> First[T]:
        """The one row matching ``condition``, or None."""
        return First(self.where(condition))

    def first(self) -> First[T]:
        """The first row, or None."""
        query: Objects[T] = object.__new__(type(self))  # ``_copy`` inlined: point reads
        query.__dict__ = self.__dict__.copy()
        return First(query)

    def get_or_create(
        self, where: Any, defaults: Mapping[Any, Any] | None = None
    ) -> GetOrCreate[T]:
        """The row matching ``where``; made and saved from it (and ``defaults``) if missing.

        The instance's ``_was_created`` says which happened.
        """
        return GetOrCreate(self, where, defaults or {})

    def create(self, **columns: Any) -> Create[T]:
        """Make, save and return a new row: ``await Band.objects().create(name="x")``."""
        return Create(self.table, columns)

    # running --------------------------------------------------------------------------------------
    def _layout(self) -> tuple[tuple[Expr, ...], Sequence[PrefetchLayout]]:
        if not self._prefetch:
            return self.table._meta.column_tuple, _NO_PREFETCH
        columns: list[Expr] = list(self.table._meta.columns)
        prefetch = []
        for fk in self._prefetch:
            start = len(columns)
            columns.extend(fk.all_columns())
            path = tuple(f._meta.name for f in (*fk._meta.call_chain, fk))
            prefetch.append((path, fk.resolved_references, start, len(columns)))
        return tuple(columns), prefetch

    def _statement(self) -> SelectStatement:
        if not self._prefetch:  # every column of the table (``_layout``'s common case)
            return self._select_statement(self.table._meta.column_tuple)
        return self._select_statement(self._layout()[0])

    async def _run(self, engine: Engine) -> Any:
        if self._relations:
            return await objects_with_related(self, engine)
        if self._prefetch:
            columns, prefetch = self._layout()
        else:  # the common case inlined: every column of the table, nothing prefetched
            columns, prefetch = self.table._meta.column_tuple, _NO_PREFETCH
        compiled, values = engine.compile(self._select_statement(columns))
        rows = await engine.fetch(compiled, values)
        # A plain result's factory is cached under the table alone (see ``object_factory``).
        to_objects = None if prefetch or self._load_json else compiled.cache.get(self.table)
        if to_objects is None:
            to_objects = self._factory(compiled, columns, prefetch)
        result: Any = (
            to_objects(rows) if len(rows) <= MAP_CHUNK else await map_in_chunks(to_objects, rows)
        )
        if self._callbacks:
            result = await self._after(result)
        return result

    def _factory(self, compiled: Any, columns: Sequence[Expr], prefetch: Any) -> RowsTo:
        json_keys = (
            frozenset(
                c._meta.get_default_alias()
                for c in columns
                if isinstance(c, Column) and c.value_type.name in JSON_TYPES
            )
            if self._load_json
            else frozenset()
        )
        return object_factory(compiled, self.table, prefetch, self._load_json, json_keys)

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self.run().__await__()


def _prefetch_paths(table: Any, foreign_keys: Sequence[Any]) -> tuple[ForeignKey[Any], ...]:
    """Each prefetched key, with the keys on its way (``Concert.band_1.manager`` needs band_1)."""
    paths: list[ForeignKey[Any]] = []
    for fk in foreign_keys:
        if isinstance(fk, list | tuple):
            paths.extend(_prefetch_paths(table, fk))
            continue
        if isinstance(fk, str):
            fk = table._meta.get_column_by_name(fk)
        if not isinstance(fk, ForeignKey):
            raise QueryError(f"objects() prefetches foreign keys, got {fk!r}")
        for parent in fk._meta.call_chain:
            if not any(p._shape == parent._shape for p in paths):
                paths.append(parent)
        if not any(p._shape == fk._shape for p in paths):
            paths.append(fk)
    return tuple(paths)


class First(Query[T | None]):
    """The first instance of an ``objects`` query, or None.

    It takes ``objects`` over (and limits it to one row): callers pass a fresh copy.
    """

    def __init__(self, objects: Objects[T]) -> None:
        self.table = objects.table
        objects._first = True
        self._objects = objects

    def _statement(self) -> Any:
        return self._objects._statement()

    def prefetch(self, *foreign_keys: Any) -> First[T]:
        """Load related rows too: ``Band.objects().get(...).prefetch(Band.manager)``."""
        return First(self._objects.prefetch(*foreign_keys))

    def output(self, load_json: bool = False) -> First[T]:
        """``load_json=True`` parses JSON columns into Python values."""
        return First(self._objects.output(load_json=load_json))

    # Clauses after first()/get(), as Piccolo takes them (its first() returns the query).
    def where(self, *conditions: Any) -> First[T]:
        """More conditions: ``Band.objects().first().where(Band.popularity < 5)``."""
        return First(self._objects.where(*conditions))

    def order_by(self, *columns: Any, ascending: bool = True) -> First[T]:
        """Which row is first: ``Band.objects().first().order_by(Band.id, ascending=False)``."""
        return First(self._objects.order_by(*columns, ascending=ascending))

    def offset(self, number: int) -> First[T]:
        """Skip rows before the first: ``Band.objects().order_by(Band.id).first().offset(1)``."""
        return First(self._objects.offset(number))

    def callback(self, callbacks: Any, on: str = "success") -> First[T]:
        """Functions given the row (or None), as Piccolo's: ``.get(...).callback(f)``."""
        return First(self._objects.callback(callbacks, on))

    async def _run(self, engine: Engine) -> T | None:
        objects = self._objects
        if not objects._callbacks:
            rows = await objects._run(engine)
            return rows[0] if rows else None
        # The callbacks get the row itself (as in Piccolo), not the one-row list.
        plain = objects._copy()
        plain._callbacks = ()
        rows = await plain._run(engine)
        row: T | None = await objects._after(rows[0] if rows else None)
        return row

    def _reads_only(self) -> bool:
        reads: bool = self._objects._reads_only()
        return reads

    def __await__(self) -> Generator[Any, None, T | None]:
        return self.run().__await__()


class GetOrCreate(Query[T]):
    """``Band.objects().get_or_create(Band.name == "x", defaults={...})``."""

    def __init__(self, objects: Objects[T], condition: Any, defaults: Mapping[Any, Any]) -> None:
        super().__init__(objects.table)
        self._objects, self._condition, self._defaults = objects, condition, defaults

    def prefetch(self, *foreign_keys: Any) -> GetOrCreate[T]:
        """Load related rows too, whether the row was found or made.

        Example: ``await Band.objects().get_or_create(Band.name == "x").prefetch(Band.manager)``.
        """
        return GetOrCreate(self._objects.prefetch(*foreign_keys), self._condition, self._defaults)

    def _statement(self) -> Any:
        return self._objects.where(self._condition)._statement()

    async def _run(self, engine: Engine) -> T:
        found = await First(self._objects.where(self._condition))._run(engine)
        if found is not None:
            found._was_created = False  # type: ignore[attr-defined]
            return found
        values: dict[str, Any] = {}
        _collect_equalities(self._condition, values)
        for key, value in self._defaults.items():
            values[key._meta.name if isinstance(key, Column) else key] = value
        instance: Any = self.table(**values)
        await instance.save()._run(engine)
        if self._objects._prefetch or self._objects._relations:
            # The new row read back with its related rows, as a found one would come.
            pk = self.table._meta.primary_key
            instance = await First(self._objects.where(pk == instance._pk_value()))._run(engine)
        instance._was_created = True
        return instance  # type: ignore[no-any-return]

    def __await__(self) -> Generator[Any, None, T]:
        return self.run().__await__()


def _collect_equalities(condition: Any, values: dict[str, Any]) -> None:
    """Column values implied by ``col == value`` and ``col IS NULL`` conditions (ANDed) of
    get_or_create, as Piccolo's ``And.get_column_values`` gives them; a column reached
    through a join fixes nothing on the new row."""
    if not isinstance(condition, Condition):
        return
    whole = condition if isinstance(condition, And) else And(condition)
    for column, value in whole.get_column_values().items():
        if isinstance(column, Column) and not column._meta.call_chain:
            values[column._meta.name] = value


class Create(Query[T]):
    """``Band.objects().create(name="x")``: the saved instance."""

    def __init__(self, table: type[T], values: Mapping[str, Any]) -> None:
        super().__init__(table)
        self._values = dict(values)

    def _statement(self) -> Any:
        return self.table(**self._values).save()._statement()

    async def _run(self, engine: Engine) -> T:
        instance: Any = self.table(**self._values)
        await instance.save()._run(engine)
        return instance  # type: ignore[no-any-return]

    def __await__(self) -> Generator[Any, None, T]:
        return self.run().__await__()
