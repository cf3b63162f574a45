"""Introspection (producer 3 of specs): what a database's catalog says, as specs.

The queries live in each dialect's introspector (``postgres_introspection.py``,
``sqlite_introspection.py``); the engine runs them (``await engine.introspect()``) by
handing its ``fetch_sql`` to ``Introspector.introspect``. This module has the shared
part: the facts read from a catalog (``CatalogTable``) assembled into ``TableSpec``s.

Normalisations (documented; ``DDLCompiler.stored_form`` applies the same to a spec made
from Table classes, so ``introspect()`` after ``create_table(T)`` equals
``stored_form(table_spec(T))``):

- class names are the tablename in CamelCase (``band_member`` -> ``BandMember``);
  attribute names are the column names (made valid Python names when needed, the real
  name kept as ``db_column_name``);
- Python-only params (choices, secret, help_text, required) have their defaults, class
  aliases their main class (``Email`` -> ``Varchar``);
- a default the database cannot compute (Python callables, most ``Default`` objects on
  SQLite) is None; ``now()``-like defaults come back as ``TimestampNow()``... objects;
- a column without an index has the ``btree`` index method;
- a single-column ``UNIQUE`` named as the database names a column's own (PostgreSQL:
  ``{table}_{column}_key``; SQLite: an unnamed one) is the column's ``unique`` param, and
  an index named ``{table}_{column}`` on one column its ``index``/``index_method``;
- what cannot be mapped is said in an ``unmapped`` text, never dropped silently: the
  column's (an unknown type, a default that is not a literal, a composite key) or the
  table's (expression or partial indexes, exclusion constraints, triggers).

Example::

    schema = await engine.introspect(tablenames=["band"])
    schema.by_tablename("band").column("name").param("length")
"""

from __future__ import annotations

import datetime
import decimal
import json
import keyword
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vivace.schema.column import IndexMethod, OnDelete, OnUpdate, derived_identifier
from vivace.schema.defaults import (
    DateCustom,
    Default,
    IntervalCustom,
    TimeCustom,
    TimeOffset,
    TimestampCustom,
    TimestampOffset,
)
from vivace.schema.spec import (
    COMMON_PARAMS,
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    IndexSpec,
    ReferenceSpec,
    SchemaSpec,
    TableSpec,
    freeze_value,
)

if TYPE_CHECKING:
    from vivace.dialects.dialect import Dialect

#: How an introspector runs a query: ``await fetch(sql, params)`` -> rows as dicts.
Fetch = Callable[[str, Sequence[Any]], Awaitable[list[dict[str, Any]]]]

_INTEGERS = {"Integer", "BigInt", "SmallInt", "Serial", "BigSerial"}
_TEXTS = {"Varchar", "Char", "Text"}
_JSON = {"JSON", "JSONB"}


@dataclass
class CatalogColumn:
    """One column as a catalog describes it: ``CatalogColumn("name", "Varchar")``."""

    db_name: str
    column_class: str
    type_params: dict[str, Any] = field(default_factory=dict)
    null: bool = True
    default: Any = None
    notes: list[str] = field(default_factory=list)


@dataclass
class CatalogForeignKey:
    """A one-column foreign key as a catalog describes it (its ``target`` is the
    referenced column's name, empty for "the primary key")."""

    column: str
    schema: str | None
    tablename: str
    target: str
    on_delete: OnDelete
    on_update: OnUpdate


@dataclass
class CatalogTable:
    """Everything a catalog says about one table: ``CatalogTable(None, "band")``."""

    schema: str | None
    tablename: str
    columns: list[CatalogColumn] = field(default_factory=list)
    primary_key: str | None = None
    unique_columns: set[str] = field(default_factory=set)
    foreign_keys: list[CatalogForeignKey] = field(default_factory=list)
    constraints: list[ConstraintSpec] = field(default_factory=list)
    indexes: list[IndexSpec] = field(default_factory=list)
    #: What the catalog shows that a spec cannot hold (expression indexes, triggers...).
    notes: list[str] = field(default_factory=list)

    def column(self, db_name: str) -> CatalogColumn | None:
        return next((c for c in self.columns if c.db_name == db_name), None)


class Introspector:
    """Base of the per-database introspectors: ``dialect.introspector.introspect(fetch)``."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    async def introspect(
        self, fetch: Fetch, schema_name: str | None = None, tablenames: Sequence[str] | None = None
    ) -> SchemaSpec:
        """The tables of ``schema_name`` (the default schema when None), all or the ones
        named in ``tablenames``, as a ``SchemaSpec`` in dependency order."""
        raise NotImplementedError


def class_name_for(tablename: str) -> str:
    """``band_member`` -> ``BandMember`` (the class name introspection gives a table)."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", tablename) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Table"
    return name if name[0].isalpha() else "T" + name


def attribute_name(db_name: str) -> str:
    """A valid Python attribute for a column name: ``"my col"`` -> ``my_col``."""
    name = re.sub(r"\W", "_", db_name)
    if not name or name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) else name


def value_from_text(column: CatalogColumn, text: str) -> Any:
    """A default written as literal text, as the Python value of the column's class.

    Raises ``ValueError`` when the text does not fit the class.
    """
    kind = column.column_class
    if kind in _INTEGERS:
        return int(text)
    if kind == "Numeric":
        return decimal.Decimal(text)
    if kind in ("Real", "DoublePrecision"):
        return float(text)
    if kind == "Boolean":
        lowered = text.lower()
        if lowered in ("true", "t", "1"):
            return True
        if lowered in ("false", "f", "0"):
            return False
        raise ValueError(text)
    if kind in _TEXTS:
        return text
    if kind in _JSON:
        return json_default(text)
    if kind == "UUID":
        return uuid.UUID(text)
    if kind == "Date":
        return datetime.date.fromisoformat(text)
    if kind == "Time":
        return datetime.time.fromisoformat(text)
    if kind in ("Timestamp", "Timestamptz"):
        return datetime.datetime.fromisoformat(text)
    if kind == "Interval":
        return interval_from_text(text)
    if kind == "Array" and text in ("{}", "[]"):
        return CallableRef("builtins", "list")
    raise ValueError(text)


_INTERVAL = re.compile(r"^(?:(-?\d+) days? ?)?(?:(-)?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?$")
_FIXED = (TimestampCustom, DateCustom, TimeCustom, IntervalCustom)


def interval_from_text(text: str) -> datetime.timedelta:
    """A duration as PostgreSQL writes it (``1 day 02:00:00``, ``-00:00:01.5``) or as
    SQLite stores it (integer microseconds). Months and years have no fixed length:
    ``ValueError``."""
    if re.fullmatch(r"-?\d+", text) and ":" not in text:
        return datetime.timedelta(microseconds=int(text))
    match = _INTERVAL.match(text.strip())
    if not match or not text.strip():
        raise ValueError(text)
    days, negative, hours, minutes, seconds, fraction = match.groups()
    clock = datetime.timedelta(
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
        microseconds=int((fraction or "0").ljust(6, "0")),
    )
    return datetime.timedelta(days=int(days or 0)) + (-clock if negative else clock)


def canonical_default(default: Any) -> Any:
    """One form for defaults that mean the same: a fixed ``...Custom`` default is its
    value (what a database stores), an offset is split into whole days, hours, minutes
    and seconds (``TimestampOffset(hours=25)`` is ``TimestampOffset(days=1, hours=1)``).

    Example: ``canonical_default(DateCustom(2020, 1, 2)) == datetime.date(2020, 1, 2)``.
    """
    if isinstance(default, _FIXED):
        return default.python()
    if isinstance(default, TimestampOffset):
        return offset_default(type(default), default._delta())
    if isinstance(default, TimeOffset):
        delta = datetime.timedelta(
            hours=default.hours, minutes=default.minutes, seconds=default.seconds
        )
        return offset_default(TimeOffset, delta)
    return default


def offset_default(kind: type[Default], delta: datetime.timedelta) -> Default:
    """The ``kind`` offset (``TimestampOffset``, ``TimeOffset``...) of ``delta``, split
    into whole units as ``canonical_default`` does."""
    seconds = int(delta.total_seconds())
    if kind is TimeOffset or not issubclass(kind, TimestampOffset):
        hours, rest = divmod(seconds, 3600)
        return kind(hours=hours, minutes=rest // 60, seconds=rest % 60)  # type: ignore[call-arg]
    days, rest = divmod(seconds, 86_400)
    return kind(days=days, hours=rest // 3600, minutes=rest % 3600 // 60, seconds=rest % 60)


def json_default(value: Any) -> Any:
    """A JSON column's default in one form: JSON text of an object or array becomes the
    frozen value (``FrozenValue``), so ``JSON(default="{}")``, ``JSON(default={})`` and
    what PostgreSQL's ``jsonb`` writes back compare equal; other text stays text."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return freeze_value(parsed) if isinstance(parsed, dict | list) else value
    return value


def literal_default(column: CatalogColumn, written: str, text: str, hex_digits: str | None) -> Any:
    """The value of a default clause ``written`` as a literal whose text is ``text`` (or,
    for bytes, ``hex_digits``); a note on the column, and None, when it does not fit."""
    try:
        if hex_digits is not None and column.column_class == "Bytea":
            return bytes.fromhex(hex_digits)
        return value_from_text(column, text)
    except ValueError:
        column.notes.append(f"default {written}")
        return None


def _column_spec(table: CatalogTable, column: CatalogColumn) -> ColumnSpec:
    name = attribute_name(column.db_name)
    params: dict[str, Any] = {
        **COMMON_PARAMS,
        **column.type_params,
        "null": column.null,
        "default": column.default,
        "db_column_name": None if name == column.db_name else column.db_name,
        "primary_key": column.db_name == table.primary_key,
        "unique": column.db_name in table.unique_columns,
    }
    if params["primary_key"]:
        params["null"] = False
    expected = derived_identifier(f"{table.tablename}_{column.db_name}", "index name")
    for index in table.indexes:
        if index.name == expected and index.columns == (column.db_name,) and not index.unique:
            params["index"] = True
            params["index_method"] = _index_method(index.method)
    unmapped = "; ".join(column.notes) or None
    return ColumnSpec(name, column.column_class, tuple(params.items()), unmapped)


def _index_method(method: str) -> Any:
    try:
        return IndexMethod(method)
    except ValueError:
        return method


def assemble(tables: Sequence[CatalogTable], known: Sequence[CatalogTable] = ()) -> SchemaSpec:
    """``TableSpec``s from catalog facts; ``known`` holds more tables (referenced ones)
    whose columns give foreign keys their key type. The result is in dependency order."""
    everything = {(t.schema, t.tablename): t for t in (*known, *tables)}
    specs: list[TableSpec] = []
    for table in tables:
        columns = {c.db_name: _column_spec(table, c) for c in table.columns}
        for fk in table.foreign_keys:
            spec = columns[fk.column]
            target_table = everything.get((fk.schema, fk.tablename))
            if target_table is not None and not fk.target:  # "REFERENCES t": its primary key
                fk.target = target_table.primary_key or ""
            target_column = target_table.column(fk.target) if target_table else None
            if target_table is None or target_column is None:
                key = ColumnSpec(fk.target, spec.column_class, spec.type_only().params)
                is_primary = True
            else:
                key = _column_spec(target_table, target_column).type_only().renamed(fk.target)
                is_primary = target_table.primary_key == fk.target
            reference = ReferenceSpec(class_name_for(fk.tablename), fk.tablename, fk.schema, key)
            params = {k: v for k, v in spec.params if k not in ("length", "digits", "base_column")}
            params.update(
                references=reference,
                on_delete=fk.on_delete,
                on_update=fk.on_update,
                target_column=None if is_primary else attribute_name(fk.target),
            )
            columns[fk.column] = ColumnSpec(
                spec.name, "ForeignKey", tuple(params.items()), spec.unmapped
            )
        column_indexes = {
            derived_identifier(f"{table.tablename}_{c.db_column_name}", "index name")
            for c in columns.values()
            if c.index
        }
        specs.append(
            TableSpec(
                class_name=class_name_for(table.tablename),
                tablename=table.tablename,
                schema=table.schema,
                columns=tuple(columns.values()),
                constraints=tuple(table.constraints),
                indexes=tuple(i for i in table.indexes if i.name not in column_indexes),
                unmapped="; ".join(table.notes) or None,
            )
        )
    return SchemaSpec(tuple(SchemaSpec(tuple(specs)).dependency_order()))


def on_delete(text: str) -> OnDelete:
    """``"SET NULL"`` -> ``OnDelete.set_null``."""
    return OnDelete(text.upper())


def on_update(text: str) -> OnUpdate:
    """``"NO ACTION"`` -> ``OnUpdate.no_action``."""
    return OnUpdate(text.upper())
