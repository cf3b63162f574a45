"""``row.save(columns)`` of a stored row, without building the UPDATE each time.

A web app's write path is ``row = await T.objects().get(...)``, a change, then
``await row.save([T.column])``: the same UPDATE shape on every request, only the values
differ. ``Save`` builds an ``Update`` query, its statement and the statement's shape key
for every call (~40k instructions, a fifth of the call's client CPU on PostgreSQL). Here
the shape is named by the saved columns alone, so a call looks its ``Compiled`` up in the
engine's cache under that name and binds the row's values, in the order the statement's
placeholders take them (``SET`` columns in the order given, then the primary key).

The shortcut is taken only where it gives what the general path gives: plain values (the
types ``orm.write`` binds as they are), columns of the row's own table, no
``auto_update`` column (its value is computed per call), a primary key value. Anything
else goes the general way. The first call of a shape builds the statement the general way
and keeps its ``Compiled`` only after checking that the statement's placeholders take
exactly these values in this order (told apart by identity, so only when no two values
are the same object), which ties the shortcut to the general path's SQL.
The entry lives in the engine's ``CompiledCache``, so it is evicted, and forgotten when a
table is renamed, with the rest.

Example::

    band = await Band.objects().get(Band.id == 1)
    band.popularity += 1
    await band.save([Band.popularity])   # from the second call on: no statement built
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from vivace.engine import Engine
from vivace.orm.write import _PLAIN_TYPES
from vivace.schema import Column

if TYPE_CHECKING:
    from vivace.orm.query import Query


class _SaveShape:
    """Marks a cache key as a save's (no statement's shape key starts with it)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<save shape>"


_SAVE = _SaveShape()


def saved_columns(table: Any, columns: Sequence[Any] | None) -> Sequence[Column[Any]] | None:
    """The columns a save updates, when the shortcut may take them: every column but the
    key (``columns=None``), or the given ``Column`` objects of ``table`` itself; None
    otherwise (names, related columns, a table with ``auto_update`` columns, nothing).

    Example: ``saved_columns(Band, [Band.popularity])`` -> ``[Band.popularity]``;
    ``saved_columns(Band, ["popularity"])`` -> None.
    """
    meta = table._meta
    if meta.auto_update_columns:
        return None
    if columns is None:
        pk = meta.primary_key
        return [c for c in meta.columns if c is not pk] or None
    if type(columns) is not list and type(columns) is not tuple:
        return None  # read once only (a generator): the general path reads it
    for column in columns:
        if not isinstance(column, Column):
            return None
        column_meta = column._meta
        if column_meta.table is not table or column_meta.call_chain:
            return None
    return columns or None


def saved_update(
    query_of: Any, table: Any, row: Any, chosen: Sequence[Column[Any]], engine: Engine
) -> Coroutine[Any, Any, Any] | None:
    """The UPDATE of ``chosen`` for ``row`` through the shortcut, to await (the engine's
    ``fetch`` itself: no coroutine of its own between the query and the driver); None
    when the values do not allow it (the caller then takes the general path).
    ``query_of()`` gives the general path's ``Update`` query, built on the first call of a
    shape.

    Example (what ``Save`` does)::

        update = saved_update(save._query, Band, band, [Band.popularity], engine)
        if update is not None:
            await update
    """
    state = row.__dict__
    pk_value = state.get(table._meta.primary_key._meta.name)
    if pk_value is None or type(pk_value) not in _PLAIN_TYPES:
        return None
    values = [state.get(column._meta.name) for column in chosen]
    if not _PLAIN_TYPES.issuperset(map(type, values)):
        return None
    values.append(pk_value)
    key = (_SAVE, tuple([column._shape for column in chosen]))
    cache = engine.compiled_cache
    compiled = cache.entries.get(key)
    if compiled is not None:
        cache.hits += 1
        compiled.recent = True
    else:
        query: Query[Any] = query_of()
        statement = query._statement()
        template: list[Any] = []
        statement._key(template)
        if not _same_objects(template, values):
            return None
        compiled = cache.add(engine.dialect, statement, key, template)
    return engine.fetch(compiled, values)


def _same_objects(template: list[Any], values: list[Any]) -> bool:
    """Whether the statement's placeholders take ``values`` in this order: the same
    objects, and no object twice (two equal small ints would hide a swapped order)."""
    if len(template) != len(values):
        return False
    if len({id(value) for value in values}) != len(values):
        return False
    return all(a is b for a, b in zip(template, values, strict=True))
