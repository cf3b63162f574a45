"""``insert``, ``update`` and ``delete``.

Example::

    await Band.insert(Band(name="Pythonistas"), Band(name="Rustaceans"))
    await Band.update({Band.popularity: Band.popularity + 1}).where(Band.name == "Pythonistas")
    await Band.delete().where(Band.popularity < 10)
"""

from __future__ import annotations

import asyncio
import enum
import operator
from collections.abc import Callable, Mapping, Sequence
from itertools import chain, repeat
from typing import Any, NamedTuple

from vivace.engine import Engine
from vivace.exceptions import InvalidValue, NotSupportedError, QueryError
from vivace.orm.query import Query, WhereMixin, check_force, resolve_column
from vivace.orm.rows import dict_factory
from vivace.orm.select import flatten
from vivace.schema import Column, ForeignKey, Serial, TableBase
from vivace.schema.foreign_key import key_value
from vivace.schema.row_init import IMMUTABLE_VALUE_TYPES
from vivace.sql import Delete as DeleteStatement
from vivace.sql import Expr, OnConflict
from vivace.sql import Insert as InsertStatement
from vivace.sql import Update as UpdateStatement
from vivace.sql.insert_arrays import InsertArrays
from vivace.sql.nodes import Condition, Param, to_expr
from vivace.types.choices import member_value


def storable(value: Any, column: Any = None) -> Any:
    """A related instance is stored as its primary key (or the key ``column`` points at),
    an Enum member as its value."""
    if isinstance(value, TableBase):
        if isinstance(column, ForeignKey) and column._target_column is not None:
            return key_value(column, value)
        return value._pk_value()
    if isinstance(value, enum.Enum):
        return member_value(value)
    return value


#: Value types stored as they are: a row made only of these needs no conversion.
_PLAIN_TYPES = IMMUTABLE_VALUE_TYPES | {list, dict}


def _column_values(columns: Sequence[Column[Any]], rows: Sequence[Any]) -> list[list[Any]]:
    """Each column's values in row order (what ``_row_values`` gives, transposed)."""
    dicts = [row.__dict__ for row in rows]
    plain = _PLAIN_TYPES.issuperset
    arrays = []
    for column in columns:
        name = column._meta.name
        try:
            values = list(map(operator.itemgetter(name), dicts))
        except KeyError:
            values = [d.get(name) for d in dicts]
        if not plain(map(type, values)):
            values = [storable(v, column) for v in values]
        arrays.append(values)
    return arrays


#: No column left out of an insert.
_NONE_OMITTED: frozenset[str] = frozenset()


def _serials(meta: Any) -> tuple[tuple[str, ...], frozenset[str]]:
    """The ``Serial`` columns of a table whose value the database makes when a new row
    has none (the primary key first), and the set of them all (what a row giving none
    leaves out of its insert). Worked out once per table."""
    cached: tuple[tuple[str, ...], frozenset[str]] | None = meta.__dict__.get("_serials")
    if cached is None:
        pk = meta.primary_key
        serials = [c for c in meta.columns if isinstance(c, Serial)]
        serials.sort(key=lambda c: c is not pk)
        names = tuple(c._meta.name for c in serials)
        cached = meta.__dict__["_serials"] = (names, frozenset(names))
    return cached


def _omitted(
    serials: tuple[str, ...], every: frozenset[str], values: dict[str, Any]
) -> frozenset[str]:
    """The ``Serial`` columns a row (its ``__dict__``) leaves to the database, its value
    None (``serials``, ``every``: what ``_serials`` gives); one set object per layout."""
    if len(serials) > 1:
        return frozenset(name for name in serials if values.get(name) is None)
    if serials and values.get(serials[0]) is None:  # the common case: a new Serial key
        return every
    return _NONE_OMITTED


class _Layout(NamedTuple):
    """The columns an insert writes, and how a row's values are picked in that order."""

    columns: list[Column[Any]]
    names: list[str]
    #: ``itemgetter`` of the names (a value, not a tuple, for one name); None for none.
    pick: Callable[[dict[str, Any]], Any] | None


def _layout(columns: list[Column[Any]]) -> _Layout:
    names = [c._meta.name for c in columns]
    return _Layout(columns, names, operator.itemgetter(*names) if names else None)


#: A row's ``__dict__`` (in ``map``: no Python call per row).
_DICT_OF = operator.attrgetter("__dict__")


def _row_values(
    columns: Sequence[Column[Any]], rows: Sequence[Any], layout: _Layout | None = None
) -> list[tuple[Any, ...]]:
    """Each row's values in column order; related rows and Enum members become keys/values.

    ``layout`` (of ``columns``) saves working out the names and their getter again."""
    if layout is None:
        layout = _layout(list(columns))
    names, pick = layout.names, layout.pick
    if pick is None:
        return [() for _ in rows]
    single = len(names) == 1
    plain = _PLAIN_TYPES.issuperset
    if not single and len(rows) > 1:
        # The common case first, in C loops: every row has every column, every value is
        # plain. Then the picked tuples are the rows' values as they are.
        try:
            picked_all: list[tuple[Any, ...]] = list(map(pick, map(_DICT_OF, rows)))
        except KeyError:
            pass
        else:
            if plain(map(type, chain.from_iterable(picked_all))):
                return picked_all
    values = []
    for row in rows:
        try:
            picked = pick(row.__dict__)
        except KeyError:
            picked = tuple(row.__dict__.get(n) for n in names)
        if single:
            picked = (picked,)
        if not plain(map(type, picked)):
            picked = tuple(storable(v, c) for v, c in zip(picked, columns))
        values.append(picked)
    return values


#: Inserts of at least this many rows go as one array per column where the engine has
#: that form (PostgreSQL). Measured (issue 15): below about 100 rows a VALUES list is as
#: fast or faster (its statement is cached per row count); from there arrays win, by
#: about 2x at 10,000 rows, with one statement for every count.
ARRAY_INSERT_MIN_ROWS = 100
#: Rows per array statement: bounds one message's size (a VALUES list is bounded by the
#: parameter limit instead) and the time the loop spends on one statement without
#: yielding (the driver encodes the arrays in one go): measured 115-125 ms of one stall
#: for 50,000 rows of ~200 bytes, 35-60 ms at 10,000 (tests/reliability/test_load.py).
ARRAY_INSERT_MAX_ROWS = 10_000


#: Inserts of at least this many rows, on an engine that can tell the new keys from the
#: last insert rowid (SQLite), go without ``RETURNING`` (see ``_run_batch_by_rowid``).
#: Measured (issue 15): ``RETURNING`` costs SQLite about 0.3 µs a row, the check that
#: replaces it about 30 µs a statement.
ROWID_INSERT_MIN_ROWS = 100


def _write_back(
    rows: Sequence[Any], returned: list[dict[str, Any]], pk_name: str, pk_key: str
) -> None:
    """Each row takes its returned primary key (when returned) and counts as saved."""
    # A plain loop: measured faster than ``map`` over ``dict.__setitem__``.
    if returned and pk_key in returned[0]:
        for row, one in zip(rows, returned):
            values = row.__dict__
            values[pk_name] = one[pk_key]
            values["_exists_in_db"] = True
    else:
        for row, _ in zip(rows, returned):
            row.__dict__["_exists_in_db"] = True


class _Batch(NamedTuple):
    """Rows inserted by one statement; ``types``: sent as arrays of these element types."""

    columns: list[Column[Any]]
    rows: Sequence[Any]
    types: list[str] | None


def _element_types(
    columns: Sequence[Column[Any]], array_types: Mapping[str, str] | None
) -> list[str] | None:
    """The array element type of each column, or None unless every column has one."""
    if not array_types or not columns:
        return None
    types = []
    for column in columns:
        element = array_types.get(column._meta.db_column_name)
        if element is None:
            return None
        types.append(element)
    return types


class Insert(Query[list[dict[str, Any]]]):
    """``Band.insert(*rows)``; primary keys are written back onto the rows."""

    def __init__(self, table: Any, rows: Sequence[Any] = ()) -> None:
        super().__init__(table)
        self._rows: tuple[Any, ...] = ()
        self._returning: tuple[Expr, ...] = ()
        self._on_conflict: tuple[OnConflict, ...] = ()
        self._rows = self._checked(rows)

    def _checked(self, rows: Sequence[Any]) -> tuple[Any, ...]:
        if len(rows) == 1 and type(rows[0]) is self.table:  # the most common case
            return tuple(rows)
        if set(map(type, rows)) <= {self.table}:  # the common case, checked in C
            return tuple(rows)
        rows = tuple(flatten(rows))
        for row in rows:
            if not isinstance(row, self.table):
                raise TypeError(  # Piccolo's message first: users match on it
                    f"Incompatible type added. insert() takes {self.table.__name__} "
                    f"instances, got {row!r}"
                )
        return rows

    def add(self, *rows: Any) -> Insert:
        """More rows to insert."""
        query: Insert = self._copy()
        query._rows = self._rows + self._checked(rows)
        return query

    def returning(self, *columns: Any) -> Insert:
        """Which columns of the new rows to return (the primary key by default)."""
        query: Insert = self._copy()
        query._returning = tuple(resolve_column(self.table, c) for c in flatten(columns))
        return query

    def on_conflict(
        self,
        target: Any = None,
        action: str = "DO NOTHING",
        values: Sequence[Any] | None = (),
        where: Condition | None = None,
    ) -> Insert:
        """``ON CONFLICT (target) DO NOTHING | DO UPDATE SET ...``.

        ``values`` lists columns to take from the proposed row, or ``(column, value)`` pairs
        (``DO UPDATE`` needs at least one). Called again, it adds a clause where the database
        takes several (SQLite: each but the last with a target); elsewhere (PostgreSQL,
        MariaDB) the second call raises ``NotSupportedError``, a ``NotImplementedError``.

        Example: ``Band.insert(band).on_conflict(Band.name, "DO UPDATE", [Band.popularity])``.
        """
        # Piccolo's errors, raised when called; a second clause where the database takes
        # one is refused first, whatever the clause says.
        if self._on_conflict:
            dialect = self._engine().dialect
            if not dialect.supports_many_on_conflict:
                raise NotSupportedError(dialect.many_on_conflict_error())
        if not isinstance(action, str):
            raise QueryError("Unrecognised `on conflict` action.")
        action = action.upper().replace("_", " ")
        if action not in ("DO NOTHING", "DO UPDATE"):
            raise QueryError(f"{action!r} is not a valid OnConflictAction")
        if target is None and action == "DO UPDATE":
            raise QueryError("The `target` option must be provided with DO UPDATE.")
        if action == "DO UPDATE" and not values:
            raise QueryError("No values specified for `on conflict`")  # a ValueError too
        if where is not None and action == "DO NOTHING":
            raise QueryError("The `where` option can only be used with DO NOTHING.")
        if target is None or isinstance(target, str):
            targets: Any = target
        else:
            targets = [resolve_column(self.table, t) for t in flatten([target])]
        assignments: list[tuple[Column[Any], Expr | None]] = []
        for item in values or ():
            if isinstance(item, tuple):
                column = resolve_column(self.table, item[0])
                assignments.append((column, to_expr(storable(item[1], column), column.value_type)))
            else:
                assignments.append((resolve_column(self.table, item), None))
        query: Insert = self._copy()
        query._on_conflict = (*self._on_conflict, OnConflict(targets, action, assignments, where))
        return query

    def _columns_for(self, omitted: frozenset[str]) -> list[Column[Any]]:
        """The columns written for rows that all leave out the same ``Serial`` columns."""
        return self._layout_for(omitted).columns

    def _layout_for(self, omitted: frozenset[str]) -> _Layout:
        meta = self.table._meta
        # A few possible layouts per table: worked out once, then shared by every insert.
        cached: dict[frozenset[str], _Layout] = meta.__dict__.setdefault("_insert_layouts", {})
        layout = cached.get(omitted)
        if layout is None:
            layout = _layout([c for c in meta.columns if c._meta.name not in omitted])
            cached[omitted] = layout
        return layout

    def _batches(self, array_types: Mapping[str, str] | None = None) -> list[_Batch]:
        """Rows grouped so each statement has one column list and fits the parameter limit.

        With ``array_types`` (the engine's ``insert_array_types``), a group whose columns
        all have one is sent as arrays (``_Batch.types`` set), in statements of at most
        ``ARRAY_INSERT_MAX_ROWS`` rows.
        """
        batches = []
        for omitted, group in self._groups():
            columns = self._columns_for(omitted)
            types = _element_types(columns, array_types) if len(group) > 1 else None
            if types is not None:
                size = ARRAY_INSERT_MAX_ROWS
            elif columns:
                size = max(1, self._engine().dialect.max_parameters // len(columns))
            else:
                size = 1
            for start in range(0, len(group), size):
                batches.append(_Batch(columns, group[start : start + size], types))
        return batches

    def _groups(self) -> list[tuple[frozenset[str], Sequence[Any]]]:
        """The rows, grouped by the ``Serial`` columns they leave to the database (each
        group a statement): those with a primary key given first."""
        rows = self._rows
        serials, every = _serials(self.table._meta)
        if not serials:
            return [(_NONE_OMITTED, rows)] if rows else []
        if len(serials) > 1:
            groups: dict[frozenset[str], list[Any]] = {}
            for row in rows:
                groups.setdefault(_omitted(serials, every, row.__dict__), []).append(row)
            return sorted(groups.items(), key=lambda item: serials[0] in item[0])
        name = serials[0]
        keys = list(map(dict.get, map(_DICT_OF, rows), repeat(name)))  # C loops, no Python call
        missing = keys.count(None)
        if missing == len(rows):
            return [(every, rows)] if rows else []
        if not missing:
            return [(_NONE_OMITTED, rows)]
        with_pk = [row for row, key in zip(rows, keys) if key is not None]
        without_pk = [row for row, key in zip(rows, keys) if key is None]
        return [(_NONE_OMITTED, with_pk), (every, without_pk)]

    def _statement_for(
        self, columns: list[Column[Any]], rows: Sequence[Any], returning: bool = True
    ) -> InsertStatement:
        values = _row_values(columns, rows)
        wanted = (self._returning or (self.table._meta.primary_key,)) if returning else ()
        return InsertStatement(self.table, columns, values, wanted, self._on_conflict)

    def _statement(self) -> InsertStatement:
        batches = self._batches()
        if not batches:
            raise QueryError("insert() has no rows")
        return self._statement_for(batches[0].columns, batches[0].rows)

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        rows = self._rows
        if len(rows) == 1 and engine.dialect.supports_returning:
            return await self._run_single(engine, rows[0])
        array_types = None
        if len(rows) >= ARRAY_INSERT_MIN_ROWS and not self._on_conflict:
            array_types = await engine.insert_array_types(self.table)
        batches = self._batches(array_types)
        if not batches:
            return []
        if len(batches) == 1:
            return await self._run_one(engine, batches[0])
        results: list[dict[str, Any]] = []
        async with engine.transaction():
            for batch in batches:
                # Let other tasks run before each big statement is built: building and
                # compiling thousands of rows' placeholders takes milliseconds.
                await asyncio.sleep(0)
                results.extend(await self._run_one(engine, batch))
        return results

    async def _run_one(self, engine: Engine, batch: _Batch) -> list[dict[str, Any]]:
        if batch.types is None:
            return await self._run_batch(engine, batch.columns, batch.rows)
        return await self._run_arrays(engine, batch.columns, batch.rows, batch.types)

    async def _run_arrays(
        self, engine: Engine, columns: list[Column[Any]], rows: Sequence[Any], types: list[str]
    ) -> list[dict[str, Any]]:
        """Rows sent as one array per column (``InsertArrays``): same checks, same result."""
        pk_meta = self.table._meta.primary_key._meta
        pk_name, pk_key = pk_meta.name, pk_meta.db_column_name
        wanted = self._returning or (self.table._meta.primary_key,)
        statement = InsertArrays(self.table, columns, _column_values(columns, rows), types, wanted)
        compiled, values = engine.compile(statement)
        try:
            fetched = await engine.fetch(compiled, values)
        except InvalidValue as error:
            if error.__cause__ is None:  # refused before sending, as a VALUES list would be
                self._refuse_as_values(engine, columns, rows)
            raise
        result: list[dict[str, Any]] = dict_factory(compiled)(fetched)
        _write_back(rows, result, pk_name, pk_key)  # no ON CONFLICT: a row per row, in order
        return result

    def _refuse_as_values(
        self, engine: Engine, columns: list[Column[Any]], rows: Sequence[Any]
    ) -> None:
        """Raise the ``InvalidValue`` a ``VALUES`` insert of ``rows`` raises: the first
        refused value row by row (the arrays are checked column by column)."""
        statement = self._statement_for(columns, rows)
        values: list[Any] = []
        statement._key(values)
        engine.dialect.compile(statement).bind(values)

    async def _run_single(self, engine: Engine, row: Any) -> list[dict[str, Any]]:
        """One row, the most common insert: what ``_run_batch`` does, in fewer calls."""
        meta = self.table._meta
        pk_meta = meta.primary_key._meta
        pk_name = pk_meta.name
        values = row.__dict__
        layout = self._layout_for(_omitted(*_serials(meta), values))
        wanted = self._returning or (meta.primary_key,)
        picked = _row_values(layout.columns, (row,), layout)
        statement = InsertStatement(self.table, layout.columns, picked, wanted, self._on_conflict)
        compiled, params = engine.compile(statement)
        result: list[dict[str, Any]] = dict_factory(compiled)(await engine.fetch(compiled, params))
        if result:  # none: ON CONFLICT DO NOTHING skipped the row
            returned = result[0]
            if pk_meta.db_column_name in returned:
                values[pk_name] = returned[pk_meta.db_column_name]
            values["_exists_in_db"] = True
        return result

    async def _run_batch(
        self, engine: Engine, columns: list[Column[Any]], rows: Sequence[Any]
    ) -> list[dict[str, Any]]:
        pk_meta = self.table._meta.primary_key._meta
        pk_name, pk_key = pk_meta.name, pk_meta.db_column_name
        if not engine.dialect.supports_returning:
            return await self._run_batch_without_returning(engine, columns, rows, pk_name, pk_key)
        values = _row_values(columns, rows)
        if len(rows) >= ROWID_INSERT_MIN_ROWS and not self._returning and not self._on_conflict:
            by_rowid = await self._run_batch_by_rowid(engine, columns, values, pk_key)
            if by_rowid is not None:
                _write_back(rows, by_rowid, pk_name, pk_key)
                return by_rowid
        wanted = self._returning or (self.table._meta.primary_key,)
        statement = InsertStatement(self.table, columns, values, wanted, self._on_conflict)
        compiled, params = engine.compile(statement)
        result: list[dict[str, Any]] = dict_factory(compiled)(await engine.fetch(compiled, params))
        if not self._on_conflict or len(result) == len(rows):
            # RETURNING gives one row per inserted row, in order (a conflict may skip some).
            _write_back(rows, result, pk_name, pk_key)
        return result

    async def _run_batch_by_rowid(
        self,
        engine: Engine,
        columns: list[Column[Any]],
        values: list[tuple[Any, ...]],
        pk_key: str,
    ) -> list[dict[str, Any]] | None:
        """The new keys without ``RETURNING``, where the engine can tell them from the last
        insert rowid (``SQLiteEngine.insert_rowids``, which says when it cannot: keys
        given, not a ``Serial`` key, not worth it): rows (``values``, from ``_row_values``).
        None: nothing was inserted, insert with ``RETURNING``."""
        insert_rowids = getattr(engine, "insert_rowids", None)
        if insert_rowids is None:
            return None
        statement = InsertStatement(self.table, columns, values)
        ids: list[int] | None = await insert_rowids(statement)
        if ids is None:
            return None
        return [{pk_key: new_id} for new_id in ids]

    async def _run_batch_without_returning(
        self,
        engine: Engine,
        columns: list[Column[Any]],
        rows: Sequence[Any],
        pk_name: str,
        pk_key: str,
    ) -> list[dict[str, Any]]:
        """No RETURNING: the new primary keys come from the engine's last-insert-id."""
        if self._returning:
            raise QueryError(f"insert().returning() is not supported on {engine.dialect.name}")
        compiled, values = engine.compile(self._statement_for(columns, rows, returning=False))
        ids = await engine.fetch_insert_ids(compiled, values, len(rows))
        result = [{pk_key: new_id} for new_id in ids]
        if len(result) == len(rows):
            for row, returned in zip(rows, result):
                if row.__dict__.get(pk_name) is None:
                    row.__dict__[pk_name] = returned[pk_key]
                else:
                    returned[pk_key] = row.__dict__[pk_name]
                row.__dict__["_exists_in_db"] = True
        return result


def _assignments(table: Any, given: Mapping[Any, Any]) -> dict[str, tuple[Column[Any], Expr]]:
    """``{column name: (column, value expression)}`` for update values keyed by column or name."""
    assignments: dict[str, tuple[Column[Any], Expr]] = {}
    for key, value in given.items():
        if type(value) in _PLAIN_TYPES and isinstance(key, Column) and not key._meta.call_chain:
            # The common case (a column of its own table, a plain value): one Param.
            assignments[key._meta.name] = (key, Param(value, key.value_type))
            continue
        column = resolve_column(table, key)
        if not isinstance(column, Column):
            raise QueryError(
                f"Unrecognised key - {key!r} is neither a Column or the name of a Column."
            )
        if column._meta.call_chain:
            raise QueryError("Related values can't be updated via an update.")
        assignments[column._meta.name] = (
            column,
            to_expr(storable(value, column), column.value_type),
        )
    return assignments


class Update(Query[list[dict[str, Any]]], WhereMixin):
    """``Band.update({Band.popularity: 0}, force=False)`` or ``Band.update(popularity=0)``."""

    def __init__(
        self,
        table: Any,
        values: Mapping[Any, Any] | None = None,
        force: bool = False,
        use_auto_update: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(table)
        self._where: tuple[Condition, ...] = ()
        self._returning: tuple[Expr, ...] = ()
        self._force = force
        assignments = _assignments(table, {**(values or {}), **kwargs})
        if use_auto_update:
            for column in table._meta.auto_update_columns:
                if column._meta.name not in assignments:
                    value = column._meta.auto_update
                    value = value() if callable(value) else value
                    assignments[column._meta.name] = (column, to_expr(value, column.value_type))
        self._assignments = tuple(assignments.values())

    def values(self, values: Mapping[Any, Any] | None = None, **kwargs: Any) -> Update:
        """More columns to set: ``.values({Band.popularity: 0})``, ``.values(popularity=0)``
        or ``.values({"popularity": 0})``; a later value for a column replaces the earlier."""
        query: Update = self._copy()
        assignments = {column._meta.name: (column, e) for column, e in self._assignments}
        assignments.update(_assignments(self.table, {**(values or {}), **kwargs}))
        query._assignments = tuple(assignments.values())
        return query

    def returning(self, *columns: Any) -> Update:
        """Return these columns of the updated rows."""
        query: Update = self._copy()
        query._returning = tuple(resolve_column(self.table, c) for c in flatten(columns))
        return query

    def _statement(self) -> UpdateStatement:
        return UpdateStatement(self.table, self._assignments, self._where_node(), self._returning)

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        if not self._assignments:
            raise QueryError("No values were specified to update.")
        if not self._where:
            check_force(self, "update()")
        compiled, values = engine.compile(self._statement())
        rows = await engine.fetch(compiled, values)
        return dict_factory(compiled)(rows) if self._returning else []


class Delete(Query[list[dict[str, Any]]], WhereMixin):
    """``Band.delete(force=False).where(...)``."""

    def __init__(self, table: Any, force: bool = False) -> None:
        super().__init__(table)
        self._where: tuple[Condition, ...] = ()
        self._returning: tuple[Expr, ...] = ()
        self._force = force

    def returning(self, *columns: Any) -> Delete:
        """Return these columns of the deleted rows."""
        query: Delete = self._copy()
        query._returning = tuple(resolve_column(self.table, c) for c in flatten(columns))
        return query

    def _statement(self) -> DeleteStatement:
        return DeleteStatement(self.table, self._where_node(), self._returning)

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        check_force(self, "delete()")
        compiled, values = engine.compile(self._statement())
        rows = await engine.fetch(compiled, values)
        return dict_factory(compiled)(rows) if self._returning else []
