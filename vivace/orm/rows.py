"""Row factories: driver rows to dicts, flat lists or table instances, built once per statement.

A factory is cached on the ``Compiled`` it reads, so a query shape pays for working
out its layout once; afterwards mapping is one comprehension per result.

Example::

    to_dicts = dict_factory(compiled)
    to_dicts(rows)        # [{"id": 1, "name": "Pythonistas"}, ...]
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from vivace.dialects import Compiled
from vivace.orm.row_code import dict_mapper, object_mapper
from vivace.types import adapters

RowsTo = Callable[[Sequence[Any]], list[Any]]

#: Rows mapped between two yields to the event loop (a few ms of work). Mapping a large
#: result in one go would stall every other task on the loop for as long as it takes.
MAP_CHUNK = 5000


async def map_in_chunks(to_values: RowsTo, rows: Sequence[Any]) -> list[Any]:
    """``to_values(rows)`` for a large result, letting other tasks run between chunks.

    Callers use it only when ``len(rows) > MAP_CHUNK``; smaller results are mapped in one call.
    """
    result = to_values(rows[:MAP_CHUNK])
    for start in range(MAP_CHUNK, len(rows), MAP_CHUNK):
        await asyncio.sleep(0)
        result.extend(to_values(rows[start : start + MAP_CHUNK]))
    return result


def _converters(compiled: Compiled, load_json: bool, json_keys: frozenset[str]) -> list[Any]:
    converters = list(compiled.result_converters) or [None] * len(compiled.result_names)
    if load_json:
        for index, name in enumerate(compiled.result_names):
            if name in json_keys:
                converters[index] = adapters.compose(converters[index], adapters.load_json)
    return converters


def dict_factory(
    compiled: Compiled, load_json: bool = False, json_keys: frozenset[str] = frozenset()
) -> RowsTo:
    """Rows to dicts keyed by the result names (``"manager.name"`` for joined columns)."""
    # Plain dicts (the common case) are keyed "dicts", which ``Select`` can look up itself.
    key: Any = ("dicts", True, json_keys) if load_json else "dicts"
    factory: RowsTo | None = compiled.cache.get(key)
    if factory is not None:
        return factory
    to_dicts = dict_mapper(compiled.result_names, _converters(compiled, load_json, json_keys))
    compiled.cache[key] = to_dicts
    return to_dicts


def list_factory(
    compiled: Compiled, load_json: bool = False, json_keys: frozenset[str] = frozenset()
) -> RowsTo:
    """Rows of one column to a flat list: ``output(as_list=True)``."""
    key = ("list", load_json, json_keys)
    factory: RowsTo | None = compiled.cache.get(key)
    if factory is not None:
        return factory
    convert = _converters(compiled, load_json, json_keys)[0] if compiled.result_names else None
    if convert is None:

        def to_list(rows: Sequence[Any]) -> list[Any]:
            return [row[0] for row in rows]

    else:

        def to_list(rows: Sequence[Any]) -> list[Any]:
            return [None if row[0] is None else convert(row[0]) for row in rows]

    compiled.cache[key] = to_list
    return to_list


def attribute_names(table: Any, keys: Sequence[str]) -> list[str]:
    """The attribute names of result keys, which hold database column names (``db_column_name``).

    A key that is no column (a related list) stays as it is.
    """
    by_db_name = table._meta.column_by_db_name
    names = []
    for key in keys:
        column = by_db_name.get(key.rsplit(".", 1)[-1])
        names.append(key if column is None else column._meta.name)
    return names


def row_attributes(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A result dict keyed by database column names, keyed by attribute names instead."""
    return dict(zip(attribute_names(table, list(row)), row.values()))


def object_factory(
    compiled: Compiled,
    table: Any,
    prefetch: Sequence[tuple[tuple[str, ...], Any, int, int]] = (),
    load_json: bool = False,
    json_keys: frozenset[str] = frozenset(),
) -> RowsTo:
    """Rows to instances of ``table`` without an intermediate dict per row.

    ``prefetch`` lists (attribute path, related table, first index, end index) for
    related rows selected in the same query; each becomes an instance on its parent,
    also when the foreign key is NULL (then every value of the instance is None).
    """
    # A plain result (the common case) is keyed by the table alone, which ``Objects`` can
    # look up itself; no other key of ``Compiled.cache`` is a class.
    key: Any = table
    if prefetch or load_json:
        paths = tuple([(p[0], p[1]) for p in prefetch])
        key = ("objects", table, paths, load_json, json_keys)
    factory: RowsTo | None = compiled.cache.get(key)
    if factory is not None:
        return factory
    converters = _converters(compiled, load_json, json_keys)
    root_end = prefetch[0][2] if prefetch else len(compiled.result_names)
    root_attrs = attribute_names(table, compiled.result_names[:root_end])
    root_converted = [(i, root_attrs[i], c) for i, c in enumerate(converters[:root_end]) if c]
    new = object.__new__

    def build(
        cls: Any,
        attrs: Sequence[str],
        conv: Sequence[Any],
        row: Sequence[Any],
        start: int,
        end: int,
    ) -> Any:
        values = dict(zip(attrs, row[start:end]))
        for index, name, convert in conv:
            value = row[index]
            if value is not None:
                values[name] = convert(value)
        instance = new(cls)
        instance.__dict__ = values
        return instance

    to_objects: RowsTo
    if not prefetch:
        # The common case: one generated loop, no Python call per row.
        to_objects = object_mapper(table, root_attrs, converters[:root_end])

    else:
        related = []
        for path, cls, start, end in prefetch:
            attrs = attribute_names(cls, compiled.result_names[start:end])
            conv = [
                (i, attrs[i - start], c) for i, c in enumerate(converters) if c and start <= i < end
            ]
            related.append((path, cls, attrs, conv, start, end))

        def to_objects(rows: Sequence[Any]) -> list[Any]:
            result = []
            for row in rows:
                instance = build(table, root_attrs, root_converted, row, 0, root_end)
                for path, cls, attrs, conv, start, end in related:
                    owner = instance
                    for step in path[:-1]:
                        owner = owner.__dict__.get(step)
                        if not hasattr(owner, "__dict__"):
                            break
                    else:
                        # A NULL key still gets an instance, its values all None (Piccolo's
                        # rows do the same, so `band.manager.name` reads None).
                        owner.__dict__[path[-1]] = build(cls, attrs, conv, row, start, end)
                result.append(instance)
            return result

    compiled.cache[key] = to_objects
    return to_objects


def nest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dotted keys become nested dicts: ``{"manager.name": x}`` -> ``{"manager": {"name": x}}``.

    Keys come in sorted order at every level, as in Piccolo's nested output (its JSON
    text too)."""
    result = []
    for row in rows:
        nested: dict[str, Any] = {}
        for key, value in sorted(row.items()):
            *parents, last = key.split(".")
            target = nested
            for part in parents:
                child = target.get(part)
                if not isinstance(child, dict):
                    child = {}
                    target[part] = child
                target = child
            if isinstance(target.get(last), dict):
                continue  # the nested dict of this key's related row wins over its id
            target[last] = value
        result.append(nested)
    return result


def to_json(value: Any) -> str:
    """Results as JSON text: ``output(as_json=True)``."""
    return json.dumps(value, default=str, ensure_ascii=False)
