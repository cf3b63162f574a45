"""Related rows for ``select`` and ``objects``: reverse foreign keys, M2M and ``get_related``.

Where the database aggregates rows (``Dialect.supports_row_aggregation``, PostgreSQL) the
related lists come back inside the one statement. Elsewhere (SQLite) the outer rows are
fetched first, then every relation costs exactly one more query, ``WHERE fk IN (keys)``,
whose rows are spliced in: never one query per outer row.

Example::

    await Manager.select(Manager.name, Manager.bands(Band.name, as_list=True))
    managers = await Manager.objects(Manager.bands)     # manager.bands: [Band, ...]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.orm.rows import nest, object_factory, to_json
from vivace.schema import Column, ForeignKey, JoinOn, RelatedSpec, Relation
from vivace.schema.foreign_key import key_value
from vivace.sql import Alias, And, OrderItem, RelatedRows
from vivace.sql import Select as SelectStatement
from vivace.types import JSON_TYPES

if TYPE_CHECKING:
    from vivace.orm.objects import First, Objects
    from vivace.orm.select import Select


def find_relations(columns: Iterable[Any]) -> tuple[RelatedRows, ...]:
    """The related-rows items among a select's columns (a plain loop: selects build often)."""
    found: tuple[RelatedRows, ...] = ()
    for column in columns:
        if isinstance(column, RelatedRows):
            found += (column,)
        elif isinstance(column, Relation):
            raise QueryError(
                f"call the relation to select it: {column.name}() or {column.name}(columns...)"
            )
    return found


def split_prefetch(table: Any, items: Sequence[Any]) -> tuple[list[Any], tuple[Relation, ...]]:
    """``objects(...)`` arguments: (foreign keys to join, relations to list)."""
    keys: list[Any] = []
    relations: list[Relation] = []
    for item in items:
        if isinstance(item, list | tuple):
            more_keys, more_relations = split_prefetch(table, item)
            keys.extend(more_keys)
            relations.extend(more_relations)
            continue
        if isinstance(item, RelatedRows):
            item = item.spec.relation
        if isinstance(item, str) and isinstance(getattr(table, item, None), Relation):
            item = getattr(table, item)
        if isinstance(item, Relation):
            if item.table is not table:
                raise QueryError(f"objects() of {table.__name__} cannot list {item!r}")
            if item not in relations:
                relations.append(item)
        else:
            keys.append(item)
    return keys, tuple(relations)


# fetching related rows with a second query -------------------------------------------------------
def related_select(spec: RelatedSpec, keys: Sequence[Any]) -> SelectStatement:
    """``SELECT fk, columns FROM source WHERE fk IN (keys) ORDER BY ...``: one shape for any
    number of keys (the list is one parameter)."""
    relation = spec.relation
    fk = relation.source_fk
    condition: Any = fk.is_in(tuple(keys))
    _, extra = relation._where()
    if extra is not None:
        condition = And(condition, extra)
    return SelectStatement(
        relation.source_table,
        columns=(fk, *spec.columns),
        where=condition,
        order_by=tuple(OrderItem(column, ascending) for column, ascending in spec.order),
    )


async def fetch_related(
    engine: Engine, spec: RelatedSpec, keys: Sequence[Any]
) -> dict[Any, list[Any]]:
    """Each key's related items (values, or dicts keyed by ``spec.names``), in one query."""
    if not keys:
        return {}
    compiled, values = engine.compile(related_select(spec, keys))
    rows = await engine.fetch(compiled, values)
    converters = list(enumerate(compiled.result_converters or [None] * (len(spec.columns) + 1)))
    converting = [(i, c) for i, c in converters if c is not None]
    if spec.load_json:
        json_fields = {i + 1 for i, c in enumerate(spec.columns) if c.value_type.name in JSON_TYPES}
    else:
        json_fields = set()
    names = spec.names
    grouped: dict[Any, list[Any]] = {}
    for raw in rows:
        row = list(raw)
        for index, convert in converting:
            if row[index] is not None:
                row[index] = convert(row[index])
        for index in json_fields:
            if isinstance(row[index], str):
                row[index] = json.loads(row[index])
        item = row[1] if spec.as_list else dict(zip(names, row[1:]))
        grouped.setdefault(row[0], []).append(item)
    return grouped


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v is not None))


async def select_with_related(query: Select[Any], engine: Engine) -> Any:
    """A select with related-rows items, where the database cannot aggregate rows."""
    hidden: dict[str, RelatedRows] = {}
    columns: list[Any] = []
    for column in query._columns:
        if isinstance(column, RelatedRows):
            name = f"__vivace_related_{len(hidden)}"
            hidden[name] = column
            columns.append(Alias(column.spec.relation.parent_key, name))
        else:
            columns.append(column)
    main = query._copy()
    main._columns, main._relations = tuple(columns), ()
    main._as_list = main._as_json = main._nested = main._first = False
    main._callbacks = ()
    if query._first:
        main._limit = 1
    rows: list[dict[str, Any]] = await main._run(engine)
    lists = {
        name: await fetch_related(engine, node.spec, _unique(r[name] for r in rows))
        for name, node in hidden.items()
    }
    result: Any = [
        {
            (hidden[k].name if k in hidden else k): (lists[k].get(v, []) if k in hidden else v)
            for k, v in row.items()
        }
        for row in rows
    ]
    # The same finishing steps as a one-statement select.
    if query._as_list:
        if len(query._columns) != 1:
            raise QueryError("output(as_list=True) needs exactly one selected column")
        result = [next(iter(row.values())) for row in result]
    elif query._nested:
        result = nest(result)
    if query._first:
        result = result[0] if result else None
    if query._as_json:
        result = to_json(result)
    if query._callbacks:
        result = await query._after(result)
    return result


def _instance(table: Any, values: dict[str, Any]) -> Any:
    instance = object.__new__(table)
    instance.__dict__ = values
    return instance


async def objects_with_related(query: Objects[Any], engine: Engine) -> Any:
    """``objects()`` with lists of related instances: one statement, or one more per relation."""
    nodes = [relation._objects_node(query._load_json) for relation in query._relations]
    columns, prefetch = query._layout()
    aggregate = engine.dialect.supports_row_aggregation
    if aggregate:
        # Related lists sit right after the table's own columns, before the prefetched ones.
        root = len(query.table._meta.columns)
        count = len(nodes)
        columns = (*columns[:root], *nodes, *columns[root:])
        prefetch = [(path, cls, start + count, end + count) for path, cls, start, end in prefetch]
    compiled, values = engine.compile(query._select_statement(columns))
    rows = await engine.fetch(compiled, values)
    json_keys = (
        frozenset(
            c._meta.get_default_alias()
            for c in columns
            if isinstance(c, Column) and c.value_type.name in JSON_TYPES
        )
        if query._load_json
        else frozenset()
    )
    result: Any = object_factory(compiled, query.table, prefetch, query._load_json, json_keys)(rows)
    for node in nodes:
        relation = node.spec.relation
        far, name = relation.far_table, relation.name
        if aggregate:
            for instance in result:
                items = instance.__dict__[name]
                instance.__dict__[name] = [_instance(far, item) for item in items]
            continue
        key = relation.parent_key._meta.name
        lists = await fetch_related(engine, node.spec, _unique(i.__dict__[key] for i in result))
        for instance in result:
            items = lists.get(instance.__dict__[key], [])
            instance.__dict__[name] = [_instance(far, item) for item in items]
    if query._callbacks:
        result = await query._after(result)
    return result


# one row's relations ---------------------------------------------------------------------------
def related_objects(row: Any, relation: Relation) -> Objects[Any]:
    """The rows a relation lists for ``row``: ``await manager.get_related(Manager.bands)``."""
    if relation.table is not type(row):
        raise QueryError(f"{relation!r} is not a relation of {type(row).__name__}")
    key = row.__dict__.get(relation.parent_key._meta.name)
    if key is None:
        raise QueryError(f"{row!r} has no key value yet: save it first")
    fk, via, far = relation.source_fk, relation.via, relation.far_table
    if via is None:
        pk = far._meta.primary_key
        return far.objects().where(fk == key).order_by(pk)  # type: ignore[no-any-return]
    back: ForeignKey[Any] = via.target_column.join_on(via)
    joining_pk = relation.source_table._meta.primary_key._meta.name
    return (  # type: ignore[no-any-return]
        far.objects().where(back._column(fk._meta.name) == key).order_by(back._column(joining_pk))
    )


def related_row(row: Any, fk: ForeignKey[Any]) -> First[Any]:
    """The row a key (or a path of keys, or a reversed key) leads to from ``row``, or None."""
    table = type(row)
    target = fk.resolved_references
    chain = fk._meta.call_chain
    if not chain:
        source = fk._left if isinstance(fk, JoinOn) else fk
        if source._meta.table is not table:
            raise QueryError(f"{fk!r} does not start at {table.__name__}")
        value = key_value(fk, row.__dict__.get(source._meta.name))
        return target.objects().get(fk.target_column == value)  # type: ignore[no-any-return]
    if chain[0]._meta.table is not table:
        raise QueryError(f"{fk!r} does not start at {table.__name__}")
    if not row._exists_in_db:
        # A path is followed in the database from this row's key: for a row not saved, that
        # would read another row's keys (or none), not this object's (Piccolo's error).
        raise QueryError("The object doesn't exist in the database.")
    pk = table._meta.primary_key
    reached = table.select(fk).where(pk == row._pk_value())
    return target.objects().get(fk.target_column.is_in(reached))  # type: ignore[no-any-return]
