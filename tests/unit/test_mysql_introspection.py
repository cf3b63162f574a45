"""How MariaDB/MySQL catalog texts read as specs (no database: the round trips against a
live MariaDB are in tests/integration/test_introspection.py)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest

from vivace.dialects.introspection import CatalogColumn
from vivace.dialects.mysql_introspection import ansi_quoted, parse_default, parse_type
from vivace.schema.defaults import TimestampNow, TimestamptzNow
from vivace.schema.spec import FrozenValue


@pytest.mark.parametrize(
    ("text", "kind", "params", "noted"),
    [
        ("int(11)", "Integer", {}, False),
        ("int", "Integer", {}, False),  # MySQL 8.0.19+ writes no display width
        ("bigint(20)", "BigInt", {}, False),
        ("smallint(6)", "SmallInt", {}, False),
        ("tinyint(1)", "Boolean", {}, False),
        ("double", "DoublePrecision", {}, False),
        ("float", "Real", {}, False),
        ("decimal(7,2)", "Numeric", {"digits": (7, 2)}, False),
        ("decimal(65,30)", "Numeric", {"digits": None}, False),  # Numeric() as written
        ("varchar(50)", "Varchar", {"length": 50}, False),
        ("char(36)", "Char", {"length": 36}, False),
        ("longtext", "Text", {}, False),
        ("mediumtext", "Text", {}, False),
        ("datetime(6)", "Timestamp", {}, False),
        ("timestamp", "Timestamp", {}, False),
        ("time(6)", "Time", {}, False),
        ("date", "Date", {}, False),
        ("longblob", "Bytea", {}, False),
        ("uuid", "UUID", {}, False),  # MariaDB 10.7+'s own type
        ("json", "JSON", {}, False),  # MySQL 8's own type
        ("tinyint(4)", "SmallInt", {}, True),
        ("mediumint(9)", "Integer", {}, True),
        ("int(10) unsigned", "BigInt", {}, True),
        ("varbinary(16)", "Bytea", {}, True),
        ("enum('a','b')", "Text", {}, True),
        ("point", "Text", {}, True),
    ],
)
def test_types(text: str, kind: str, params: dict[str, Any], noted: bool) -> None:
    found_kind, found_params, notes = parse_type(text)
    assert (found_kind, found_params) == (kind, params)
    assert bool(notes) is noted
    if noted:
        assert notes[-1] == f"type {text}"


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("Varchar", None, None),  # NOT NULL without a default
        ("Varchar", "NULL", None),  # MariaDB's "no default" of a nullable column
        ("Varchar", "'it''s'", "it's"),
        ("Varchar", "'a\\\\b\\nc'", "a\\b\nc"),
        ("Char", "'   '", ""),  # CHAR keeps its default padded
        ("Integer", "-5", -5),
        ("Boolean", "1", True),
        ("Numeric", "1.50", decimal.Decimal("1.50")),
        ("Date", "'2020-01-02'", datetime.date(2020, 1, 2)),
        ("Bytea", "X'01ff'", b"\x01\xff"),
        ("JSON", "'{\"a\": [1]}'", FrozenValue("dict", (("a", FrozenValue("list", (1,))),))),
        ("Timestamp", "current_timestamp(6)", TimestampNow()),
        ("Timestamptz", "current_timestamp()", TimestamptzNow()),
    ],
)
def test_defaults(kind: str, text: str | None, value: Any) -> None:
    column = CatalogColumn("c", kind)
    assert parse_default(column, text) == value
    assert column.notes == []


def test_a_default_that_is_no_literal_is_said() -> None:
    column = CatalogColumn("c", "Integer")
    assert parse_default(column, "(1 + 1)") is None
    assert column.notes == ["default (1 + 1)"]


def test_checks_read_with_double_quoted_names() -> None:
    assert (
        ansi_quoted("`a``b` > 0 and `c` <> 'it''s `x`'") == "\"a`b\" > 0 and \"c\" <> 'it''s `x`'"
    )
    assert ansi_quoted('"a" > 0') == '"a" > 0'
