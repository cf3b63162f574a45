"""MariaDB/MySQL introspection from ``information_schema``: ``COLUMNS``, ``STATISTICS``
(every index, the primary key and ``UNIQUE`` ones included), ``KEY_COLUMN_USAGE`` with
``REFERENTIAL_CONSTRAINTS`` (foreign keys) and ``CHECK_CONSTRAINTS``.

Types are read as ``mysql_ddl`` writes them: ``LONGTEXT`` is ``Text``, ``TINYINT(1)``
``Boolean``, ``DECIMAL(65,30)`` a ``Numeric`` without digits, ``DATETIME(6)``
``Timestamp``; the classes sharing a MySQL type with a commoner one come back from the
column comment that marks them (``vivace:Timestamptz``, ``vivace:Interval``, ...). MariaDB
keeps ``JSON`` as ``LONGTEXT`` with a ``CHECK (json_valid(col))`` named after the column:
that check makes the column a ``JSON`` and is no constraint of the spec. ``AUTO_INCREMENT``
integers are ``Serial``/``BigSerial``. A ``CHECK`` keeps MariaDB's rendering of its
condition, its names in Vivace's double quotes (the sessions run with ``ANSI_QUOTES``;
backticks, from a session without it, are turned into them). The index MySQL adds for
a foreign key is not listed; a ``UNIQUE`` on unbounded text (MariaDB's hash "long
unique") is a ``UNIQUE``; prefix, full-text and spatial indexes, ``ON UPDATE`` clauses
and triggers are said in ``unmapped`` texts.

``schema_name`` names another database of the server (the connection's own by default);
specs have no schema either way.

Example::

    schema = await MySQLIntrospector(dialect).introspect(engine.fetch_sql)
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
from vivace.dialects.mysql_ddl import MARK_PREFIX, MARKED_TYPES, owned_name
from vivace.schema.defaults import DateNow, Default, TimeNow, TimestampNow, TimestamptzNow
from vivace.schema.spec import ConstraintSpec, IndexSpec, SchemaSpec

_SIMPLE_TYPES = {
    "int": "Integer",
    "integer": "Integer",
    "bigint": "BigInt",
    "smallint": "SmallInt",
    "tinyint(1)": "Boolean",
    "double": "DoublePrecision",
    "double precision": "DoublePrecision",
    "real": "DoublePrecision",
    "float": "Real",
    "datetime": "Timestamp",
    "timestamp": "Timestamp",
    "date": "Date",
    "time": "Time",
    "uuid": "UUID",
    "json": "JSON",
    "longtext": "Text",
    "mediumtext": "Text",
    "text": "Text",
    "tinytext": "Text",
    "longblob": "Bytea",
    "mediumblob": "Bytea",
    "blob": "Bytea",
    "tinyblob": "Bytea",
}
#: Types Vivace never writes, read as the nearest class (with a note saying so).
_NEAR_TYPES = {
    "tinyint": "SmallInt",
    "mediumint": "Integer",
    "binary": "Bytea",
    "varbinary": "Bytea",
    "year": "SmallInt",
}
#: Types MySQL writes with a display width or a fraction digits count Vivace ignores.
_WIDTH = re.compile(r"^(int|integer|bigint|smallint|datetime|timestamp|time)\(\d+\)$")
_SIZED = re.compile(r"^(varchar|char|decimal|numeric)\((\d+)(?:,\s*(\d+))?\)$")
#: Vivace's ``Numeric()`` without digits, as ``mysql_ddl`` writes it.
_WIDEST_DECIMAL = (65, 30)
_QUOTED = re.compile(r"^'((?:[^'\\]|''|\\.)*)'$", re.DOTALL)
_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
_NOW = re.compile(r"^current_timestamp(\(\d*\))?$|^now\(\d*\)$", re.IGNORECASE)
_TODAY = re.compile(r"^\(?(curdate\(\)|current_date(\(\))?)\)?$", re.IGNORECASE)
_TIME_NOW = re.compile(r"^\(?(curtime\(\d*\)|current_time(\(\d*\))?)\)?$", re.IGNORECASE)
# The check MariaDB adds to a JSON column, in either quoting (``ANSI_QUOTES`` or not).
_JSON_CHECK = re.compile(r"^json_valid\(([`\"])((?:(?!\1).|\1\1)+)\1\)$", re.IGNORECASE)

_DATABASE = "COALESCE(%s, DATABASE())"
#: Where the table names are listed (``IN (%s, ...)``, filled in by ``_fetch``): MariaDB then
#: opens those tables only, not every table of the database.
_ONLY = "AND {} IN (/*tables*/)"
_TABLES = f"""
SELECT table_name AS tablename FROM information_schema.tables
WHERE table_schema = {_DATABASE} AND table_type = 'BASE TABLE'
ORDER BY table_name
"""
_COLUMNS = f"""
SELECT table_name AS tablename, column_name AS name, column_type AS type,
       is_nullable AS nullable, column_default AS default_text, extra,
       column_comment AS comment
FROM information_schema.columns
WHERE table_schema = {_DATABASE} {_ONLY.format("table_name")}
ORDER BY table_name, ordinal_position
"""
_INDEXES = f"""
SELECT table_name AS tablename, index_name AS name, non_unique, column_name,
       sub_part, index_type
FROM information_schema.statistics
WHERE table_schema = {_DATABASE} {_ONLY.format("table_name")}
ORDER BY table_name, index_name, seq_in_index
"""
_FOREIGN_KEYS = f"""
SELECT k.table_name AS tablename, k.constraint_name AS name, k.column_name,
       k.referenced_table_schema AS target_schema, k.referenced_table_name AS target_table,
       k.referenced_column_name AS target_column, r.update_rule, r.delete_rule,
       k.table_schema = k.referenced_table_schema AS same_database
FROM information_schema.key_column_usage k
JOIN information_schema.referential_constraints r
  ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
 AND r.table_name = k.table_name
WHERE k.table_schema = {_DATABASE} AND k.referenced_table_name IS NOT NULL
  {_ONLY.format("k.table_name")}
ORDER BY k.table_name, k.constraint_name, k.ordinal_position
"""
# MariaDB names the table of each check (MySQL 8 would join TABLE_CONSTRAINTS instead).
_CHECKS = f"""
SELECT table_name AS tablename, constraint_name AS name, check_clause AS clause
FROM information_schema.check_constraints
WHERE constraint_schema = {_DATABASE} {_ONLY.format("table_name")}
ORDER BY table_name, constraint_name
"""
_TRIGGERS = f"""
SELECT event_object_table AS tablename, trigger_name AS name
FROM information_schema.triggers
WHERE event_object_schema = {_DATABASE} {_ONLY.format("event_object_table")}
ORDER BY trigger_name
"""


def parse_type(text: str) -> tuple[str, dict[str, Any], list[str]]:
    """``(column class, type params, notes)`` of a ``COLUMN_TYPE`` text; a type Vivace
    does not write maps to the nearest class with a note (``tinyint(4)`` is a
    ``SmallInt``, ``int(10) unsigned`` a ``BigInt``), or to ``Text`` with one.

    Example: ``parse_type("decimal(7,2)") == ("Numeric", {"digits": (7, 2)}, [])``.
    """
    lowered = text.lower().strip()
    if lowered.endswith((" unsigned", " zerofill")):
        kind, params, notes = parse_type(lowered.split(" ")[0])
        wider = {"SmallInt": "Integer", "Integer": "BigInt"}.get(kind, kind)
        return wider, params, [*notes, f"type {text}"]
    near = _NEAR_TYPES.get(lowered.split("(")[0])
    if near is not None and lowered != "tinyint(1)":
        return near, {}, [f"type {text}"]
    if lowered in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[lowered], {}, []
    width = _WIDTH.match(lowered)
    if width:
        return _SIMPLE_TYPES[width.group(1)], {}, []
    sized = _SIZED.match(lowered)
    if sized:
        name, first, second = sized.groups()
        if name in ("decimal", "numeric"):
            digits = (int(first), int(second or 0))
            return "Numeric", {"digits": None if digits == _WIDEST_DECIMAL else digits}, []
        return ("Char" if name == "char" else "Varchar"), {"length": int(first)}, []
    return "Text", {}, [f"type {text}"]


def unquote_default(text: str) -> str | None:
    """The text of a quoted ``COLUMN_DEFAULT`` (``'it''s'`` -> ``it's``), else None."""
    quoted = _QUOTED.match(text)
    if quoted is None:
        return None
    inner = quoted.group(1).replace("''", "'")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), inner)


def parse_default(column: CatalogColumn, text: str | None) -> Any:
    """The Python default of a ``COLUMN_DEFAULT`` text (MariaDB quotes literal text and
    writes ``NULL`` for a nullable column without one); a note when not a literal."""
    if text is None or text.upper() == "NULL":
        return None
    kind = column.column_class
    if _NOW.match(text) and kind in ("Timestamp", "Timestamptz"):
        now: Default = TimestamptzNow() if kind == "Timestamptz" else TimestampNow()
        return now
    if _TODAY.match(text) and kind == "Date":
        return DateNow()
    if _TIME_NOW.match(text) and kind == "Time":
        return TimeNow()
    hex_digits = text[2:-1] if text[:2].upper() == "X'" and text.endswith("'") else None
    value = unquote_default(text)
    if value is not None and kind == "Char":
        # CHAR keeps its default padded, and drops trailing spaces from what it gives back.
        value = value.rstrip(" ")
    return literal_default(column, text, text if value is None else value, hex_digits)


def ansi_quoted(clause: str) -> str:
    """A condition as MariaDB renders it, with `backtick` names in "double quotes" (what
    Vivace writes; string literals are left alone)."""
    out: list[str] = []
    i = 0
    while i < len(clause):
        char = clause[i]
        if char in "'`":
            end = i + 1
            while end < len(clause):
                if clause[end] == "\\" and char == "'":
                    end += 2
                    continue
                if clause[end] == char:
                    if end + 1 < len(clause) and clause[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            token = clause[i : end + 1]
            if char == "`":
                name = token[1:-1].replace("``", "`")
                token = '"' + name.replace('"', '""') + '"'
            out.append(token)
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


class MySQLIntrospector(Introspector):
    """Reads a MariaDB/MySQL database (the connection's own unless ``schema_name``)."""

    async def introspect(
        self, fetch: Fetch, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        names = [r["tablename"] for r in await fetch(_TABLES, [schema_name])]
        chosen = [n for n in names if tablenames is None or n in tablenames]
        if not chosen:
            return SchemaSpec(())
        only = None if tablenames is None else chosen
        foreign = await _fetch(fetch, _FOREIGN_KEYS, schema_name, only)
        if only is not None:  # the tables their keys point at give the keys' types
            wanted = {r["target_table"] for r in foreign if r["same_database"]}
            only = sorted(set(chosen) | (wanted & set(names)))
        tables = {name: CatalogTable(None, name) for name in only or names}
        # Views have columns too (and are no tables): rows of other names are skipped.
        for row in await _fetch(fetch, _COLUMNS, schema_name, only):
            if row["tablename"] in tables:
                tables[row["tablename"]].columns.append(_column(row))
        _add_foreign_keys(tables, foreign)
        for row in await _fetch(fetch, _CHECKS, schema_name, only):
            if row["tablename"] in tables:
                _add_check(tables[row["tablename"]], row["name"], row["clause"])
        _add_indexes(tables, await _fetch(fetch, _INDEXES, schema_name, only), foreign)
        for row in await _fetch(fetch, _TRIGGERS, schema_name, only):
            if row["tablename"] in tables:
                tables[row["tablename"]].notes.append(f"trigger {row['name']}")
        for table in tables.values():
            table.constraints.sort(key=lambda c: c.name)
        picked = [tables[n] for n in chosen]
        wanted = {fk.tablename for t in picked for fk in t.foreign_keys}
        known = [tables[n] for n in sorted(wanted - set(chosen)) if n in tables]
        return assemble(picked, known)


async def _fetch(
    fetch: Fetch, sql: str, schema_name: str | None, only: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Rows of a catalog query, for the tables ``only`` names (all when None)."""
    if only is None:
        sql = re.sub(r"AND \S+ IN \(/\*tables\*/\)", "", sql)
        return await fetch(sql, [schema_name])
    marks = ", ".join("%s" for _ in only)
    return await fetch(sql.replace("/*tables*/", marks), [schema_name, *only])


def _column(row: dict[str, Any]) -> CatalogColumn:
    kind, params, notes = parse_type(row["type"])
    mark = (row["comment"] or "").removeprefix(MARK_PREFIX)
    if row["comment"] and row["comment"].startswith(MARK_PREFIX) and mark in MARKED_TYPES.values():
        kind, params = mark, {}
    column = CatalogColumn(row["name"], kind, params, row["nullable"] == "YES", None, notes)
    extra = (row["extra"] or "").lower()
    if "auto_increment" in extra and kind in ("Integer", "BigInt"):
        column.column_class = "Serial" if kind == "Integer" else "BigSerial"
    else:
        column.default = parse_default(column, row["default_text"])
    for part in ("on update", "virtual", "stored", "persistent"):
        if part in extra:
            column.notes.append(f"extra {row['extra']}")
            break
    return column


def _add_foreign_keys(tables: dict[str, CatalogTable], rows: list[dict[str, Any]]) -> None:
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_name.setdefault((row["tablename"], row["name"]), []).append(row)
    for (tablename, name), parts in by_name.items():
        table = tables.get(tablename)
        if table is None:
            continue
        first = parts[0]
        column = table.column(first["column_name"])
        if len(parts) > 1 or not first["same_database"]:
            if column is not None:
                target = f"{first['target_schema']}.{first['target_table']}"
                column.notes.append(f"foreign key {name} to {target}")
            continue
        table.foreign_keys.append(
            CatalogForeignKey(
                first["column_name"],
                None,
                first["target_table"],
                first["target_column"],
                on_delete(first["delete_rule"]),
                on_update(first["update_rule"]),
            )
        )


def _add_check(table: CatalogTable, name: str, clause: str) -> None:
    json_check = _JSON_CHECK.match(clause.strip())
    column = table.column(name)
    quote = json_check.group(1) if json_check else ""
    if json_check and column is not None and json_check.group(2).replace(quote * 2, quote) == name:
        # MariaDB's JSON: LONGTEXT with this check, named after the column.
        if column.column_class == "Text" and not column.notes:
            column.column_class = "JSON"
        if column.column_class == "JSON" and isinstance(column.default, str):
            column.default = parse_json_text(column, column.default)
        return
    table.constraints.append(ConstraintSpec(name, "check", check=ansi_quoted(clause)))


def parse_json_text(column: CatalogColumn, text: str) -> Any:
    """A text default read before the column was known to hold JSON, as JSON."""
    return literal_default(column, text, text, None)


def _add_indexes(
    tables: dict[str, CatalogTable], rows: list[dict[str, Any]], foreign: list[dict[str, Any]]
) -> None:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["tablename"], row["name"]), []).append(row)
    foreign_columns = {(r["tablename"], r["column_name"]): r["name"] for r in foreign}
    for (tablename, name), parts in grouped.items():
        table = tables.get(tablename)
        if table is None:
            continue
        columns = tuple(p["column_name"] for p in parts)
        first = parts[0]
        # MariaDB keeps a UNIQUE on unbounded text as a hash ("long unique"): still unique.
        kind = "BTREE" if first["index_type"] == "HASH" and not first["non_unique"] else None
        if (
            any(p["sub_part"] is not None for p in parts)
            or (kind or first["index_type"]) != "BTREE"
        ):
            table.notes.append(f"{first['index_type'].lower()} index {name} on {columns}")
            continue
        if name == "PRIMARY":
            if len(columns) == 1:
                table.primary_key = columns[0]
            else:
                table.columns[0].notes.append("composite primary key " + ", ".join(columns))
            continue
        single = columns[0] if len(columns) == 1 else None
        if not first["non_unique"]:
            own = owned_name(tablename, single, "key") if single else None
            if single and name in (own, single):
                table.unique_columns.add(single)
            else:
                table.constraints.append(ConstraintSpec(name, "unique", columns))
            continue
        fkey = foreign_columns.get((tablename, single)) if single else None
        if fkey is not None and (name in (fkey, single) or name.endswith("_fkey")):
            continue  # the index MySQL keeps for a foreign key
        table.indexes.append(IndexSpec(name, columns, "btree"))
