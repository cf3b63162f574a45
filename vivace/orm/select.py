"""``select``, ``count`` and ``exists``.

Example::

    await Band.select(Band.name, Band.manager.name).where(Band.popularity > 100).order_by(Band.name)
    # [{"name": "Pythonistas", "manager.name": "Guido"}, ...]
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Self, overload

from vivace.dialects import result_key
from vivace.engine import Engine
from vivace.exceptions import DistinctOnError, NotSupportedError, QueryError
from vivace.functions import Count as CountFunction
from vivace.orm.batch import Batch
from vivace.orm.query import Query, WhereMixin, resolve_column
from vivace.orm.related import find_relations, select_with_related
from vivace.orm.rows import (
    MAP_CHUNK,
    dict_factory,
    list_factory,
    map_in_chunks,
    nest,
    to_json,
)
from vivace.schema import Column
from vivace.sql import And, Expr, FunctionCall, OrderItem, Star
from vivace.sql import Select as SelectStatement
from vivace.sql.nodes import Alias, ColumnNode, Condition
from vivace.types import JSON_TYPES

if TYPE_CHECKING:
    # TypeVar defaults (PEP 696): read by type checkers from typing_extensions' stub.
    from typing_extensions import TypeVar

    #: What a query builder gives when awaited.
    ResultT = TypeVar("ResultT", default=Any)
    #: What a ``select`` gives: dicts, unless ``output()`` reshapes them.
    RowsT = TypeVar("RowsT", default=list[dict[str, Any]])
    #: The value type of a select's one column (``Band.select(Band.name)``: ``str``), which
    #: ``output(as_list=True)`` lists; ``Any`` for anything else.
    ColumnT = TypeVar("ColumnT", default=Any)
else:
    from typing import TypeVar

    ResultT = TypeVar("ResultT")
    RowsT = TypeVar("RowsT")
    ColumnT = TypeVar("ColumnT")
ValueT = TypeVar("ValueT")


def flatten(items: Sequence[Any]) -> list[Any]:
    """Accept ``select(a, [b, c])`` as ``select(a, b, c)``."""
    result: list[Any] = []
    for item in items:
        if isinstance(item, list | tuple):
            result.extend(item)
        else:
            result.append(item)
    return result


_new = object.__new__

#: What ``select()`` takes as is: plain columns and aliases (no lists, names or relations).
_PLAIN_COLUMNS = (ColumnNode, Alias)


class LockStrength(str, enum.Enum):
    """How strongly ``lock_rows()`` locks (PostgreSQL's ``FOR ...`` clauses)."""

    update = "UPDATE"
    no_key_update = "NO KEY UPDATE"
    share = "SHARE"
    key_share = "KEY SHARE"


class SelectBase(Query[ResultT], WhereMixin):
    """Clauses shared by ``select`` and ``objects``."""

    # Defaults live on the class: a new builder sets only what differs, and every clause's
    # copy (one C-level dict copy) carries fewer entries.
    _columns: tuple[Expr, ...] = ()
    _where: tuple[Condition, ...] = ()
    _order: tuple[OrderItem, ...] = ()
    _limit: int | None = None
    _offset: int | None = None
    _distinct = False
    _distinct_on: tuple[Expr, ...] = ()
    _group_by: tuple[Expr, ...] = ()
    _having: Condition | None = None
    _lock: tuple[str, bool, bool, tuple[Any, ...]] | None = None
    _callbacks: tuple[Callable[[Any], Any], ...] = ()
    _load_json = False
    _first = False

    #: The clause fields above. A new builder's dict starts as a copy of their defaults
    #: (``_initial``, made per class): on CPython 3.11 reading an attribute that falls
    #: through to a class default is ~4x slower than one found in the instance's dict,
    #: and ``_statement()`` and ``_run()`` read a dozen, most at their defaults.
    _FIELDS: ClassVar[tuple[str, ...]] = (
        *("_columns", "_where", "_order", "_limit", "_offset", "_distinct", "_distinct_on"),
        *("_group_by", "_having", "_lock", "_callbacks", "_load_json", "_first"),
    )
    _initial: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._initial = {name: getattr(cls, name) for name in cls._FIELDS}

    def __init__(self, table: Any, columns: Sequence[Any] = ()) -> None:
        self.__dict__ = self._initial.copy()
        self.table = table
        if columns:
            self._columns = tuple(
                [table._meta.get_column_by_name(c) if isinstance(c, str) else c for c in columns]
            )

    def order_by(self, *columns: Any, ascending: bool = True) -> Self:
        """Sort by columns (or expressions); repeated calls add sort keys."""
        if not columns:
            raise QueryError("At least one column must be passed to order_by.")
        query: Self = object.__new__(type(self))  # the copy inlined, as in where()
        query.__dict__ = self.__dict__.copy()
        if len(columns) == 1 and isinstance(columns[0], ColumnNode):  # the common one column
            item = _new(OrderItem)  # no __init__ call: the two slots set here
            item.expr, item.ascending = columns[0], ascending
            # Concatenated, not unpacked: the first sort key is ``(item,)`` itself, no list.
            query._order = self._order + (item,)  # noqa: RUF005
            return query
        items = []
        for column in flatten(columns):
            if isinstance(column, OrderItem):
                items.append(column)
            else:
                items.append(OrderItem(resolve_column(self.table, column), ascending))
        query._order = self._order + tuple(items)
        return query

    def limit(self, number: int) -> Self:
        """At most ``number`` rows."""
        if type(number) is not int or number < 0:  # one check on the common path
            _check_count(number, "limit")
        query: Self = object.__new__(type(self))  # the copy inlined, as in where()
        query.__dict__ = self.__dict__.copy()
        query._limit = number
        return query

    def offset(self, number: int) -> Self:
        """Skip the first ``number`` rows."""
        if type(number) is not int or number < 0:
            _check_count(number, "offset")
        query: Self = self._copy()
        query._offset = number
        return query

    def first(self) -> Any:
        """Only the first row, or None: ``await Band.select().first()``."""
        return self._first_copy()

    def _first_copy(self) -> Self:
        query: Self = self._copy()
        query._first = True
        return query

    def lock_rows(
        self,
        lock_strength: LockStrength | str = LockStrength.update,
        nowait: bool = False,
        skip_locked: bool = False,
        of: tuple[Any, ...] = (),
    ) -> Self:
        """``FOR UPDATE`` (PostgreSQL): lock the selected rows until the transaction ends.

        ``lock_strength`` is a ``LockStrength`` or its text (``"NO KEY UPDATE"``); ``of``
        names the tables whose rows are locked.
        """
        strength = LockStrength(
            lock_strength.upper() if isinstance(lock_strength, str) else lock_strength
        )
        if not isinstance(nowait, bool) or not isinstance(skip_locked, bool):
            raise TypeError("nowait and skip_locked must be bools")
        if not isinstance(of, tuple) or not all(hasattr(t, "_meta") for t in of):
            raise TypeError("of must be a tuple of Table")
        if nowait and skip_locked:
            raise TypeError("The nowait option cannot be used with skip_locked")
        query: Self = self._copy()
        query._lock = (strength.value, nowait, skip_locked, tuple(of))
        return query

    def callback(self, callbacks: Any, on: str = "success") -> Self:
        """Functions (or coroutines) that get, and may replace, the results."""
        query: Self = self._copy()
        more = tuple(callbacks) if isinstance(callbacks, list | tuple) else (callbacks,)
        query._callbacks = self._callbacks + more
        return query

    def _reads_only(self) -> bool:
        # FOR UPDATE/SHARE takes locks: only the primary can, and only it should.
        return self._lock is None

    async def _after(self, result: Any) -> Any:
        for callback in self._callbacks:
            value = callback(result)
            if hasattr(value, "__await__"):
                value = await value
            result = value
        return result

    def _select_statement(self, columns: Sequence[Expr]) -> SelectStatement:
        # The joins are worked out by the compiler, and only on a cache miss.
        if self._distinct_on:
            _check_distinct_on(self._distinct_on, self._order)
        where = self._where
        # ``select_of`` inlined (the builder's parts are tuples already): every query's
        # statement is built here.
        node: SelectStatement = _new(SelectStatement)
        node.table, node.joins = self.table, ()
        node.columns = columns if type(columns) is tuple else tuple(columns)
        node.where = (where[0] if len(where) == 1 else And(*where)) if where else None
        node.group_by, node.having, node.order_by = self._group_by, self._having, self._order
        node.limit = 1 if self._first else self._limit
        node.offset, node.distinct = self._offset, self._distinct
        node.distinct_on, node.lock = self._distinct_on, self._lock
        return node

    def _as_subquery(self) -> SelectStatement:
        statement = self._statement()
        assert isinstance(statement, SelectStatement)
        return statement

    async def batch(self, batch_size: int = 100, node: str | None = None) -> Batch[ResultT]:
        """The results in chunks (see ``vivace.orm.batch``).

        Example: ``async with await Band.select().batch(batch_size=100) as batch:``
        then ``async for rows in batch: ...``.
        """
        return Batch(self, batch_size, node)


def _check_count(number: object, clause: str) -> None:
    """Refuse what ``limit()``/``offset()`` cannot take, as before their fast check: Piccolo's
    ``TypeError`` for a non-int (a bool too), ``QueryError`` for a negative number; an int
    subclass that is neither passes."""
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"{clause.capitalize()} must be an integer")  # Piccolo's error
    if number < 0:
        raise QueryError(f"{clause}() takes a non-negative int, got {number!r}")


def _check_distinct_on(on: Sequence[Expr], order: Sequence[OrderItem]) -> None:
    """``DISTINCT ON`` needs the first ``order_by`` column to be the first ``on`` column."""
    first = order[0].expr if order else None
    if first is None or (isinstance(first, Column) and first._shape != getattr(on[0], "_shape", 0)):
        raise DistinctOnError(
            "The first `order_by` column must match the first column passed to `on`."
        )


class Select(SelectBase[RowsT], Generic[RowsT, ColumnT]):
    """``Band.select(*columns, exclude_secrets=False)``: rows as dicts.

    For type checkers a ``Select[list[dict[str, Any]]]`` (written ``Select``);
    ``output(as_list=True)`` makes it a list of the one column's values
    (``Band.select(Band.name)``: ``list[str]``; ``list[Any]`` if the checkers cannot tell
    the column's type, or with ``load_json``), ``output(as_json=True)`` a ``Select[str]``,
    and ``first()`` gives one item of the list, or None.
    """

    #: The related-rows items (``Band.genres(...)``) among the columns.
    _relations: tuple[Any, ...] = ()

    if not TYPE_CHECKING:

        def __class_getitem__(cls, params: Any) -> Any:
            # ``Select[list[str]]`` read at run time: the column type has a default for type
            # checkers only (TypeVar defaults need Python 3.13).
            if not isinstance(params, tuple):
                params = (params, Any)
            return super().__class_getitem__(params)

    @overload
    def first(self: Select[list[ValueT], Any]) -> Query[ValueT | None]: ...
    @overload
    def first(self: Select[str, Any]) -> Query[str | None]: ...
    def first(self) -> Query[Any]:
        """Only the first row as a dict, or None; shaped by ``output()`` as a whole result
        is, whichever is called first: ``output(as_list=True)`` gives the one value,
        ``output(as_json=True)`` the row's JSON text (None, not ``"null"``, when no row
        matches).

        Example: ``await Band.select(Band.name).output(as_list=True).first()`` ->
        ``"Pythonistas"``."""
        # The copy inlined (see ``Query._copy``): first() is on the path of most point reads.
        query: Select[Any] = object.__new__(type(self))
        query.__dict__ = self.__dict__.copy()
        query._first = True
        return query

    def __await__(self) -> Generator[Any, None, RowsT]:
        return self.run().__await__()

    _exclude_secrets = False
    _as_list = False
    _as_json = False
    _nested = False

    _FIELDS = (*SelectBase._FIELDS, "_relations", "_exclude_secrets")
    _FIELDS += ("_as_list", "_as_json", "_nested")

    def __init__(self, table: Any, columns: Sequence[Any] = (), exclude_secrets: bool = False):
        self.__dict__ = self._initial.copy()  # see ``SelectBase._FIELDS``
        self.table = table
        if columns:
            plain = True
            for column in columns:
                if not isinstance(column, _PLAIN_COLUMNS):
                    plain = False
                    break
            if plain:  # columns and aliases only: nothing to flatten, resolve or look into
                self._columns = tuple(columns)
            else:
                super().__init__(table, flatten(columns))
                self._relations = find_relations(self._columns)
        if exclude_secrets:
            self._exclude_secrets = True

    @classmethod
    def _of(cls, table: Any, columns: tuple[Any, ...]) -> Select[Any, Any]:
        """``Select(table, columns)`` without ``type.__call__``: ``Table.select()``, the
        start of most reads, builds its query here (the keyword call through
        ``type.__call__`` and ``__init__`` cost ~0.2 µs of a ~4.9 µs cached compile).

        Example: ``Select._of(Band, (Band.name,))`` is ``Band.select(Band.name)``."""
        for column in columns:
            if not isinstance(column, _PLAIN_COLUMNS):
                return cls(table, columns)
        query: Select[Any, Any] = _new(cls)
        fields = query.__dict__ = cls._initial.copy()  # see ``SelectBase._FIELDS``
        fields["table"] = table
        if columns:
            fields["_columns"] = columns
        return query

    def columns(self, *columns: Any) -> Self:
        """Add columns to select."""
        query: Self = self._copy()
        query._columns = self._columns + tuple(
            resolve_column(self.table, c) for c in flatten(columns)
        )
        query._relations = find_relations(query._columns)
        return query

    def distinct(self, on: Sequence[Any] | None = None) -> Self:
        """Drop duplicate rows; ``on=[...]`` keeps the first row per value (PostgreSQL), and
        then the first ``order_by`` column must be the first ``on`` column (as in Piccolo)."""
        query: Self = self._copy()
        if on is not None:
            dialect = self._engine().dialect
            if not dialect.supports_distinct_on:
                raise NotSupportedError(f"{dialect.title} doesn't support DISTINCT ON")
            if not isinstance(on, list | tuple):
                raise DistinctOnError("`on` must be a sequence of `Column` instances")
        if on:
            query._distinct_on = tuple(resolve_column(self.table, c) for c in on)
        else:
            query._distinct = True
        return query

    def group_by(self, *columns: Any) -> Self:
        """``GROUP BY`` columns or expressions."""
        query: Self = self._copy()
        query._group_by = self._group_by + tuple(resolve_column(self.table, c) for c in columns)
        return query

    def having(self, *conditions: Condition) -> Self:
        """Conditions on groups: ``.having(Count() > 1)``."""
        query: Self = self._copy()
        combined = ((self._having,) if self._having is not None else ()) + tuple(conditions)
        query._having = combined[0] if len(combined) == 1 else And(*combined)
        return query

    # JSON text stays JSON text unless ``as_json=False`` is given (first: it is narrower).
    @overload
    def output(  # type: ignore[overload-overlap]
        self: Select[str, ColumnT],
        as_list: bool | None = ...,
        as_json: Literal[True] | None = ...,
        load_json: bool | None = ...,
        nested: bool | None = ...,
    ) -> Select[str, ColumnT]: ...
    @overload
    def output(
        self,
        as_list: bool | None = ...,
        *,
        as_json: Literal[True],
        load_json: bool | None = ...,
        nested: bool | None = ...,
    ) -> Select[str, ColumnT]: ...
    @overload
    def output(
        self,
        as_list: Literal[True],
        as_json: Literal[False] | None = ...,
        load_json: Literal[False] | None = ...,
        nested: bool | None = ...,
    ) -> Select[list[ColumnT], ColumnT]: ...
    @overload
    def output(
        self,
        as_list: Literal[True],
        as_json: Literal[False] | None = ...,
        load_json: bool | None = ...,
        nested: bool | None = ...,
    ) -> Select[list[Any], Any]: ...
    @overload
    def output(
        self,
        as_list: Literal[False],
        as_json: Literal[False] | None = ...,
        load_json: bool | None = ...,
        nested: bool | None = ...,
    ) -> Select[list[dict[str, Any]], ColumnT]: ...
    @overload
    def output(
        self,
        as_list: None = ...,
        as_json: Literal[False] | None = ...,
        *,
        load_json: Literal[True],
        nested: bool | None = ...,
    ) -> Select[RowsT, Any]: ...
    @overload
    def output(
        self,
        as_list: None = ...,
        as_json: Literal[False] | None = ...,
        load_json: bool | None = ...,
        nested: bool | None = ...,
    ) -> Self: ...
    def output(
        self,
        as_list: bool | None = None,
        as_json: bool | None = None,
        load_json: bool | None = None,
        nested: bool | None = None,
    ) -> Any:
        """Shape the result: a flat list, JSON text, parsed JSON columns, or nested dicts.

        Calls add up, as in Piccolo: a flag not given keeps its value from an earlier
        ``output()``, one given sets it (``False`` turns it off). Example:
        ``Band.select(Band.facts).output(as_list=True).output(load_json=True)`` lists the
        parsed JSON values.

        For type checkers ``as_list=True`` gives a list of the one column's values
        (``list[str]`` for a ``Varchar``; ``list[Any]`` once ``load_json`` is given, which
        parses a JSON column's) and ``as_json=True`` a ``Select[str]``. ``load_json`` given
        after ``as_list`` keeps the list typed: say it first, or in the same call, for a
        JSON column.
        """
        query: Select[Any] = self._copy()
        if as_list is not None:
            query._as_list = bool(as_list)
        if as_json is not None:
            query._as_json = bool(as_json)
        if load_json is not None:
            query._load_json = bool(load_json)
        if nested is not None:
            query._nested = bool(nested)
        return query

    def _selected(self) -> tuple[Expr, ...]:
        if self._columns:
            return self._columns
        meta = self.table._meta
        if self._exclude_secrets:
            return tuple(c for c in meta.columns if not c._meta.secret)
        # A table's shared tuple (a CTE's meta has none): one key for every such select.
        shared: tuple[Expr, ...] | None = getattr(meta, "column_tuple", None)
        return shared if shared is not None else tuple(meta.columns)

    def _statement(self) -> SelectStatement:
        columns = self._columns
        if not columns:  # Band.select(): the table's shared tuple, inlined from _selected()
            columns = getattr(self.table._meta, "column_tuple", ())
            if not columns or self._exclude_secrets:
                columns = self._selected()
        if self._exclude_secrets:
            columns = tuple(c for c in columns if not (isinstance(c, Column) and c._meta.secret))
        return self._select_statement(columns)

    def _json_keys(self) -> frozenset[str]:
        """The result keys ``load_json`` parses: JSON columns (joined ones too), their
        aliases and the values reached into them (``Band.facts["a"]``), as in Piccolo."""
        return frozenset(
            result_key(c)
            for c in self._selected()
            if (vtype := c.value_type) is not None and vtype.name in JSON_TYPES
        )

    async def _run(self, engine: Engine) -> Any:
        if self._relations and not engine.dialect.supports_row_aggregation:
            return await select_with_related(self, engine)
        compiled, values = engine.compile(self._statement())
        rows = await engine.fetch(compiled, values)
        to_values = None
        if not (self._load_json or self._as_list):
            to_values = compiled.cache.get("dicts")  # see ``dict_factory``
        if to_values is not None:
            pass
        elif self._as_list:
            if len(compiled.result_names) != 1:
                raise QueryError("output(as_list=True) needs exactly one selected column")
            json_keys = self._json_keys() if self._load_json else frozenset()
            to_values = list_factory(compiled, self._load_json, json_keys)
        else:
            json_keys = self._json_keys() if self._load_json else frozenset()
            to_values = dict_factory(compiled, self._load_json, json_keys)
        if len(rows) <= MAP_CHUNK:
            result: Any = to_values(rows)
        else:
            result = await map_in_chunks(to_values, rows)
        if self._nested and not self._as_list:
            result = nest(result)
        if self._first:
            result = result[0] if result else None
        if self._as_json and result is not None:  # None: first() found no row
            result = to_json(result)
        if self._callbacks:
            result = await self._after(result)
        return result


class Count(Query[int], WhereMixin):
    """``Band.count()``: the number of matching rows."""

    def __init__(self, table: Any, column: Any = None, distinct: Sequence[Any] | None = None):
        super().__init__(table)
        self._where: tuple[Condition, ...] = ()
        self._column = None if column is None else resolve_column(table, column)
        self._distinct = tuple(resolve_column(table, c) for c in distinct or ())
        if self._distinct and column is not None:
            raise QueryError("Only specify `column` or `distinct`")

    def distinct(self, columns: Sequence[Any] | None) -> Count:
        """Count distinct values of one column, or distinct rows of several columns."""
        query: Count = self._copy()
        query._distinct = tuple(resolve_column(self.table, c) for c in columns or ())
        return query

    def _statement(self) -> SelectStatement:
        if self._distinct:
            function: Expr = CountFunction(distinct=self._distinct)
        elif self._column is not None:
            function = FunctionCall("COUNT", (self._column,), default_alias="count")
        else:
            function = FunctionCall("COUNT", (Star(),), default_alias="count")
        return SelectStatement(self.table, (function,), where=self._where_node())

    async def _run(self, engine: Engine) -> int:
        compiled, values = engine.compile(self._statement())
        rows = await engine.fetch(compiled, values)
        return int(rows[0][0])

    def _reads_only(self) -> bool:
        return True


class Exists(Query[bool], WhereMixin):
    """``Band.exists().where(...)``: whether any row matches."""

    def __init__(self, table: Any) -> None:
        super().__init__(table)
        self._where: tuple[Condition, ...] = ()

    def _statement(self) -> SelectStatement:
        pk = self.table._meta.primary_key
        return SelectStatement(self.table, (pk,), where=self._where_node(), limit=1)

    async def _run(self, engine: Engine) -> bool:
        compiled, values = engine.compile(self._statement())
        return bool(await engine.fetch(compiled, values))

    def _reads_only(self) -> bool:
        return True
