"""PostgreSQL introspection from the system catalogs (``pg_class``, ``pg_attribute``,
``pg_constraint``, ``pg_index``): types through ``format_type``, defaults through
``pg_get_expr``, constraints through ``pg_get_constraintdef``.

``integer``/``bigint`` columns numbered by a sequence (``nextval(...)``) or an identity
are ``Serial``/``BigSerial``. A ``CHECK`` keeps PostgreSQL's own rendering of its
condition (``(popularity >= 0)``), which differs in form from the text Vivace wrote:
compare checks by name. Expression and partial indexes, exclusion constraints and
triggers are named in the table's ``unmapped`` text.

Example::

    schema = await PostgresIntrospector(dialect).introspect(engine.fetch_sql, "music")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from vivace.dialects.introspection import (
    CatalogColumn,
    CatalogForeignKey,
    CatalogTable,
    Fetch,
    Introspector,
    assemble,
    interval_from_text,
    literal_default,
    offset_default,
)
from vivace.dialects.postgres_ddl import postgres_object_name
from vivace.schema.column import OnDelete, OnUpdate
from vivace.schema.defaults import (
    UUID4,
    DateNow,
    DateOffset,
    Default,
    TimeNow,
    TimeOffset,
    TimestampNow,
    TimestampOffset,
    TimestamptzNow,
    TimestamptzOffset,
)
from vivace.schema.spec import ColumnSpec, ConstraintSpec, IndexSpec, SchemaSpec

_TYPES = {
    "integer": "Integer",
    "bigint": "BigInt",
    "smallint": "SmallInt",
    "boolean": "Boolean",
    "real": "Real",
    "double precision": "DoublePrecision",
    "timestamp without time zone": "Timestamp",
    "timestamp with time zone": "Timestamptz",
    "date": "Date",
    "time without time zone": "Time",
    "interval": "Interval",
    "uuid": "UUID",
    "json": "JSON",
    "jsonb": "JSONB",
    "bytea": "Bytea",
    "text": "Text",
}
_SIZED = re.compile(r"^(character varying|character|numeric)(?:\((\d+)(?:,(\d+))?\))?$")
_CAST_LITERAL = re.compile(r"^'((?:[^']|'')*)'::[\w\s\[\]\".]+$", re.DOTALL)
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
#: The defaults PostgreSQL computes itself, per column class: recognised by their SQL.
_COMPUTED: dict[str, Default] = {
    "Timestamp": TimestampNow(),
    "Timestamptz": TimestamptzNow(),
    "Date": DateNow(),
    "Time": TimeNow(),
    "UUID": UUID4(),
}

_TABLES = """
SELECT c.oid, n.nspname AS schema, c.relname AS tablename
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
ORDER BY c.relname
"""
_TRIGGERS = """
SELECT t.tgrelid AS oid, t.tgname AS name FROM pg_trigger t
WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal
ORDER BY t.tgname
"""
_TABLES_BY_OID = """
SELECT c.oid, n.nspname AS schema, c.relname AS tablename
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY($1::oid[])
"""
_COLUMNS = """
SELECT a.attrelid AS oid, a.attname AS name, a.attnotnull AS not_null,
       format_type(a.atttypid, a.atttypmod) AS type, a.attidentity::text AS identity,
       pg_get_expr(d.adbin, d.adrelid) AS default_text
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""
_CONSTRAINTS = """
SELECT con.conrelid AS oid, con.conname AS name, con.contype::text AS kind,
       con.confrelid AS target_oid, con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       pg_get_constraintdef(con.oid) AS definition,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
             ORDER BY k.i) AS columns,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
             ORDER BY k.i) AS target_columns
FROM pg_constraint con
WHERE con.conrelid = ANY($1::oid[])
ORDER BY con.conname
"""
_INDEXES = """
SELECT i.indrelid AS oid, ic.relname AS name, i.indisunique AS is_unique, am.amname AS method,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             ORDER BY k.o) AS columns,
       i.indnatts AS column_count,
       i.indexprs IS NOT NULL OR i.indpred IS NOT NULL AS special,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY ic.relname
"""


def parse_type(text: str) -> tuple[str, dict[str, Any], list[str]]:
    """``(column class, type params, notes)`` of a ``format_type`` text."""
    if text.endswith("[]"):
        base, params, notes = parse_type(text[:-2])
        return "Array", {"base_column": ColumnSpec("", base, tuple(params.items()))}, notes
    if text in _TYPES:
        return _TYPES[text], {}, []
    sized = _SIZED.match(text)
    if sized:
        name, first, second = sized.groups()
        if name == "numeric":
            digits = (int(first), int(second or 0)) if first else None
            return "Numeric", {"digits": digits}, []
        length = int(first) if first else None
        if name == "character":
            return "Char", {"length": length or 1}, []
        return "Varchar", {"length": length}, []
    return "Text", {}, [f"type {text}"]


def parse_default(column: CatalogColumn, text: str | None) -> Any:
    """The Python default of a ``pg_get_expr`` default (a note when not a literal)."""
    if text is None or text.upper().startswith("NULL"):
        return None
    kind = column.column_class
    computed = _COMPUTED.get(kind)
    if computed is not None and computed.postgres is not None:
        lowered = text.lower()
        if lowered == computed.postgres.lower() or (lowered == "now()" and "Timestamp" in kind):
            return computed
    offset = _offset(kind, text)
    if offset is not None:
        return offset
    literal = _CAST_LITERAL.match(text)
    value = literal.group(1).replace("''", "'") if literal else text
    hex_digits = value[2:] if literal and value.startswith("\\x") else None
    return literal_default(column, text, value, hex_digits)


_PLUS_INTERVAL = re.compile(
    r"^\(?(CURRENT_TIMESTAMP|LOCALTIME) \+ '([^']*)'::interval\)?$", re.IGNORECASE
)
_PLUS_DAYS = re.compile(r"^\(?CURRENT_DATE \+ (-?\d+)\)?$", re.IGNORECASE)
_OFFSETS: dict[str, type[Default]] = {
    "Timestamp": TimestampOffset,
    "Timestamptz": TimestamptzOffset,
    "Time": TimeOffset,
}


def _offset(kind: str, text: str) -> Default | None:
    """``now() + interval``-like defaults as Vivace's offset defaults."""
    plus = _PLUS_INTERVAL.match(text)
    if plus and kind in _OFFSETS:
        try:
            return offset_default(_OFFSETS[kind], interval_from_text(plus.group(2)))
        except ValueError:
            return None
    days = _PLUS_DAYS.match(text)
    if days and kind == "Date":
        return DateOffset(days=int(days.group(1)))
    return None


class PostgresIntrospector(Introspector):
    """Reads a PostgreSQL schema (``public`` unless ``schema_name`` is given)."""

    async def introspect(
        self, fetch: Fetch, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        rows = await fetch(_TABLES, [schema_name or "public"])
        rows = [r for r in rows if tablenames is None or r["tablename"] in tablenames]
        tables = {row["oid"]: _catalog_table(row) for row in rows}
        constraints = await fetch(_CONSTRAINTS, [list(tables)])
        wanted = {r["target_oid"] for r in constraints if r["kind"] == "f"} - set(tables)
        known = {}
        if wanted:
            known = {
                r["oid"]: _catalog_table(r) for r in await fetch(_TABLES_BY_OID, [list(wanted)])
            }
        everything = {**tables, **known}
        for row in await fetch(_COLUMNS, [list(everything)]):
            _add_column(everything[row["oid"]], row)
        for row in constraints:
            _add_constraint(tables[row["oid"]], row, everything)
        for row in await fetch(_INDEXES, [list(tables)]):
            columns = tuple(row["columns"])
            if row["special"] or len(columns) != row["column_count"]:
                tables[row["oid"]].notes.append(f"index {row['definition']}")
                continue
            index = IndexSpec(row["name"], columns, row["method"], row["is_unique"])
            tables[row["oid"]].indexes.append(index)
        for row in await fetch(_TRIGGERS, [list(tables)]):
            tables[row["oid"]].notes.append(f"trigger {row['name']}")
        for row in await fetch(_CONSTRAINTS, [list(known)]) if known else []:
            if row["kind"] == "p":
                known[row["oid"]].primary_key = row["columns"][0]
        return assemble(list(tables.values()), list(known.values()))


def _catalog_table(row: dict[str, Any]) -> CatalogTable:
    schema = None if row["schema"] == "public" else row["schema"]
    return CatalogTable(schema, row["tablename"])


def _add_column(table: CatalogTable, row: dict[str, Any]) -> None:
    kind, params, notes = parse_type(row["type"])
    column = CatalogColumn(row["name"], kind, params, not row["not_null"], None, notes)
    default = row["default_text"]
    numbered = row["identity"] in ("a", "d") or (default or "").startswith("nextval(")
    if numbered and kind in ("Integer", "BigInt"):
        column.column_class = "Serial" if kind == "Integer" else "BigSerial"
    else:
        column.default = parse_default(column, default)
    table.columns.append(column)


def _add_constraint(
    table: CatalogTable, row: dict[str, Any], tables: dict[Any, CatalogTable]
) -> None:
    kind, name, columns = row["kind"], row["name"], tuple(row["columns"])
    if kind == "p":
        if len(columns) == 1:
            table.primary_key = columns[0]
        else:
            table.columns[0].notes.append("composite primary key " + ", ".join(columns))
    elif kind == "u":
        nulls_distinct = "NULLS NOT DISTINCT" not in row["definition"]
        own = len(columns) == 1 and name == postgres_object_name(table.tablename, columns[0], "key")
        if own and nulls_distinct:
            table.unique_columns.add(columns[0])
        else:
            table.constraints.append(
                ConstraintSpec(name, "unique", columns, nulls_distinct=nulls_distinct)
            )
    elif kind == "c":
        definition: str = row["definition"]
        inner = definition[definition.index("(") + 1 : definition.rindex(")")]
        table.constraints.append(ConstraintSpec(name, "check", check=inner))
    elif kind != "f":  # exclusion constraints, constraint triggers
        table.notes.append(f"constraint {name} {row['definition']}")
    else:
        target = tables.get(row["target_oid"])
        if len(columns) != 1 or target is None:
            note = f"foreign key {name} ({row['definition']})"
            column = table.column(columns[0])
            if column is not None:
                column.notes.append(note)
            return
        table.foreign_keys.append(
            CatalogForeignKey(
                columns[0],
                target.schema,
                target.tablename,
                row["target_columns"][0],
                OnDelete(_ACTIONS[row["on_delete"]]),
                OnUpdate(_ACTIONS[row["on_update"]]),
            )
        )
