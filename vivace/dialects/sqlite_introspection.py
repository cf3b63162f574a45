"""SQLite introspection: ``pragma_table_xinfo``, ``pragma_foreign_key_list``,
``pragma_index_list``/``pragma_index_info``, and the ``CREATE TABLE`` text kept in
``sqlite_master`` for what the pragmas do not list (named ``UNIQUE`` and ``CHECK``
constraints).

Declared types are read as Vivace writes them (``VARCHAR(50)``, ``NUMERIC_TEXT(5, 2)``,
``ARRAY_TEXT OF INTEGER``); the common names other tools write (``INT``, ``VARCHAR``,
``FLOAT``...) are understood too. ``INTEGER PRIMARY KEY`` is a ``Serial`` (it is SQLite's
rowid, numbered automatically). Expression and partial indexes and triggers are named in
the table's ``unmapped`` text (a table rebuild would not keep triggers).

Example::

    schema = await SQLiteIntrospector(dialect).introspect(engine.fetch_sql)
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
    literal_default,
    on_delete,
    on_update,
)
from vivace.schema.column import derived_identifier
from vivace.schema.spec import ColumnSpec, ConstraintSpec, IndexSpec, SchemaSpec

_SIMPLE_TYPES = {
    "INTEGER": "Integer",
    "INT": "Integer",
    "BIGINT": "BigInt",
    "SMALLINT": "SmallInt",
    "BOOLEAN": "Boolean",
    "REAL": "Real",
    "FLOAT": "Real",
    "DOUBLE PRECISION": "DoublePrecision",
    "DOUBLE": "DoublePrecision",
    "TIMESTAMP": "Timestamp",
    "DATETIME": "Timestamp",
    "TIMESTAMPTZ": "Timestamptz",
    "DATE": "Date",
    "TIME": "Time",
    "INTERVAL": "Interval",
    "UUID": "UUID",
    "JSON_TEXT": "JSON",
    "JSON": "JSON",
    "JSONB_TEXT": "JSONB",
    "JSONB": "JSONB",
    "BLOB": "Bytea",
    "BYTEA": "Bytea",
    "TEXT": "Text",
}
_SIZED = re.compile(
    r"^(VARCHAR|CHAR|CHARACTER VARYING|NUMERIC_TEXT|NUMERIC|DECIMAL)\s*(?:\((.*)\))?$"
)
_QUOTED = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)
_CONSTRAINT = re.compile(
    r'^CONSTRAINT\s+("(?:[^"]|"")*"|\S+)\s+(UNIQUE|CHECK)\s*(.*)$', re.IGNORECASE | re.DOTALL
)


def parse_type(declared: str) -> tuple[str, dict[str, Any], list[str]]:
    """``(column class, type params, notes)`` of a declared type."""
    text = " ".join(declared.upper().split())
    if text.startswith("ARRAY_TEXT OF "):
        base, params, notes = parse_type(text[len("ARRAY_TEXT OF ") :])
        element = ColumnSpec("", base, tuple(params.items()))
        return "Array", {"base_column": element}, notes
    if text == "ARRAY_TEXT":
        element = ColumnSpec("", "Text")
        return "Array", {"base_column": element}, ["array element type not recorded"]
    if text in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[text], {}, []
    sized = _SIZED.match(text)
    if sized:
        name, args = sized.group(1), sized.group(2)
        numbers = [int(a) for a in args.split(",")] if args else []
        if name.startswith("NUMERIC") or name == "DECIMAL":
            digits = (numbers[0], numbers[1] if len(numbers) > 1 else 0) if numbers else None
            return "Numeric", {"digits": digits}, []
        length = numbers[0] if numbers else None
        kind = "Char" if name == "CHAR" else "Varchar"
        return kind, {"length": length}, []
    return "Text", {}, [f"type {declared!r}"]


def unquote(name: str) -> str:
    """``"a""b"`` -> ``a"b``; other names as they are."""
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"`'":
        return name[1:-1].replace(name[0] * 2, name[0])
    if len(name) >= 2 and name[0] == "[" and name[-1] == "]":
        return name[1:-1]
    return name


def split_top_level(text: str) -> list[str]:
    """``a, b (c, d), 'e,f'`` -> ``["a", "b (c, d)", "'e,f'"]``."""
    items, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
    items.append(text[start:].strip())
    return [item for item in items if item]


def table_constraints(create_sql: str) -> list[ConstraintSpec]:
    """The named ``UNIQUE``/``CHECK`` constraints written in a ``CREATE TABLE``."""
    body = create_sql[create_sql.index("(") + 1 : create_sql.rindex(")")]
    found: list[ConstraintSpec] = []
    for item in split_top_level(body):
        match = _CONSTRAINT.match(item)
        if not match:
            continue
        name, kind, rest = unquote(match.group(1)), match.group(2).upper(), match.group(3).strip()
        inner = rest[rest.index("(") + 1 : rest.rindex(")")]
        if kind == "UNIQUE":
            columns = tuple(unquote(c) for c in split_top_level(inner))
            found.append(ConstraintSpec(name, "unique", columns))
        else:
            found.append(ConstraintSpec(name, "check", check=inner))
    return found


def parse_default(column: CatalogColumn, text: str | None) -> Any:
    """The Python default of a ``DEFAULT`` clause's text (a note when not a literal)."""
    if text is None or text.upper() == "NULL":
        return None
    quoted = _QUOTED.match(text)
    value = quoted.group(1).replace("''", "'") if quoted else text
    hex_digits = text[2:-1] if text[:2].upper() == "X'" else None
    return literal_default(column, text, value, hex_digits)


class SQLiteIntrospector(Introspector):
    """Reads an SQLite database's schema (``schema_name`` is ignored: SQLite has none)."""

    async def introspect(
        self, fetch: Fetch, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        rows = await fetch(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "AND name NOT LIKE '\\_vivace\\_%' ESCAPE '\\' ORDER BY name",
            [],
        )
        sources = {row["name"]: row["sql"] for row in rows}
        chosen = [name for name in sources if tablenames is None or name in tablenames]
        tables = [await self._table(fetch, name, sources[name]) for name in chosen]
        wanted = {fk.tablename for t in tables for fk in t.foreign_keys} - set(chosen)
        known = [await self._table(fetch, n, sources[n]) for n in sorted(wanted) if n in sources]
        return assemble(tables, known)

    async def _table(self, fetch: Fetch, name: str, create_sql: str) -> CatalogTable:
        table = CatalogTable(None, name)
        rows = await fetch(
            'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?) '
            "WHERE hidden = 0 ORDER BY cid",
            [name],
        )
        keys = [row for row in rows if row["pk"]]
        for row in rows:
            kind, params, notes = parse_type(row["type"] or "")
            column = CatalogColumn(row["name"], kind, params, not row["notnull"], None, notes)
            column.default = parse_default(column, row["dflt_value"])
            table.columns.append(column)
        if len(keys) == 1:
            table.primary_key = keys[0]["name"]
            key = table.column(keys[0]["name"])
            if key is not None and key.column_class == "Integer":
                key.column_class = "Serial"  # INTEGER PRIMARY KEY: SQLite numbers it
        elif keys:
            table.columns[0].notes.append(
                "composite primary key " + ", ".join(k["name"] for k in keys)
            )
        table.constraints = table_constraints(create_sql)
        triggers = await fetch(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
            [name],
        )
        table.notes.extend(f"trigger {row['name']}" for row in triggers)
        await self._foreign_keys(fetch, table)
        await self._indexes(fetch, table)
        return table

    async def _foreign_keys(self, fetch: Fetch, table: CatalogTable) -> None:
        rows = await fetch(
            'SELECT id, seq, "table", "from", "to", on_update, on_delete '
            "FROM pragma_foreign_key_list(?) ORDER BY id, seq",
            [table.tablename],
        )
        by_id: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_id.setdefault(row["id"], []).append(row)
        for parts in by_id.values():
            first = parts[0]
            if len(parts) > 1:
                column = table.column(first["from"])
                if column is not None:
                    column.notes.append(f"part of a composite foreign key to {first['table']}")
                continue
            table.foreign_keys.append(
                CatalogForeignKey(
                    first["from"],
                    None,
                    first["table"],
                    first["to"] or "",
                    on_delete(first["on_delete"]),
                    on_update(first["on_update"]),
                )
            )

    async def _indexes(self, fetch: Fetch, table: CatalogTable) -> None:
        name = table.tablename
        rows = await fetch(
            'SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name',
            [name],
        )
        named_unique = {c.columns for c in table.constraints if c.kind == "unique"}
        for row in rows:
            if row["origin"] == "pk":
                continue
            if row["partial"]:
                table.notes.append(f"partial index {row['name']}")
                continue
            info = await fetch(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [row["name"]]
            )
            columns = tuple(r["name"] for r in info)
            if any(c is None for c in columns):
                table.notes.append(f"expression index {row['name']}")
                continue
            if row["origin"] == "u":
                if columns not in named_unique and len(columns) == 1:
                    table.unique_columns.add(columns[0])
                continue
            own_unique = derived_identifier(f"{name}_{columns[0]}_key", "index name")
            if row["unique"] and len(columns) == 1 and row["name"] == own_unique:
                table.unique_columns.add(columns[0])  # made by alter().set_unique()
                continue
            table.indexes.append(IndexSpec(row["name"], columns, "btree", bool(row["unique"])))
