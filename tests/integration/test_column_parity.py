"""Columns and values as Piccolo has them, on every engine where the database matters.

- defaults are checked when the column is made, not only when its table is defined
  (Piccolo's ``test_timestamp.py``, ``test_json.py``, ``test_bytea.py``);
- ``ForeignKey._foreign_key_meta`` (Piccolo's ``ForeignKeyMeta``), read from the key;
- ``Array._get_dimensions()`` / ``_get_inner_value_type()``, and ``overlap()`` with a list,
  another array column or an expression;
- a ``Case`` mixing dates and timestamps (or kinds of numbers) reads back as the type
  PostgreSQL gives it, on SQLite too (it raised "Invalid isoformat string");
- a second ``on_conflict()`` where the database takes one is refused before anything else.
"""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    Array,
    Bytea,
    Char,
    ForeignKey,
    Integer,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.columns.base import ForeignKeyMeta
from vivace.columns.defaults import TimestampNow, TimestamptzNow
from vivace.columns.reference import LazyTableReference
from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.functions import ArrayOverlap, Case, When
from vivace.functions.conditional import common_type
from vivace.querystring import QueryString
from vivace.types import ValueType

UTC = datetime.UTC


# defaults, checked when the column is made -------------------------------------------------


def test_an_aware_default_of_a_timestamp_is_refused_when_the_column_is_made() -> None:
    with pytest.raises(ValueError, match=r"Timestamp column does not fit.*naive datetime"):
        Timestamp(default=datetime.datetime.now(tz=UTC))
    with pytest.raises(ValueError, match="Timestamptz column does not fit"):
        Timestamptz(default=datetime.datetime(2020, 1, 1))
    # Vivace's own computed defaults are checked by the value they make.
    with pytest.raises(ValueError, match="Timestamptz column does not fit"):
        Timestamptz(default=TimestampNow())
    with pytest.raises(ValueError, match="Timestamp column does not fit"):
        Timestamp(default=TimestamptzNow())
    assert isinstance(Timestamp(default=TimestampNow()).default, TimestampNow)
    assert Timestamp(default=datetime.datetime.now).default == datetime.datetime.now


@pytest.mark.parametrize("value", ["a", 1, 1.5, True, ("x", "y", "z")])
def test_a_json_default_is_json_text_a_dict_or_a_list(value: Any) -> None:
    for column_class in (JSON, JSONB):
        with pytest.raises(ValueError, match=r"default of the JSONB? column"):
            column_class(default=value)


def test_good_json_defaults_are_kept_as_text() -> None:
    assert JSON(default={"a": 1}).default == '{"a": 1}'
    assert JSON(default=[]).default == "[]"
    assert JSON(default='{"b": 2}').default == '{"b": 2}'
    assert JSON(default=None, null=True).default is None
    assert JSON(default=dict).default is dict


@pytest.mark.parametrize("value", ["a", 1, ("x", "y", "z"), [1]])
def test_a_bytea_default_that_is_not_bytes_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="default of the Bytea column does not fit"):
        Bytea(default=value)


def test_sizes_and_choices_are_checked_when_the_column_is_made() -> None:
    with pytest.raises(ValueError, match=r"Varchar column .* at most 2"):
        Varchar(length=2, default="abc")
    with pytest.raises(ValueError, match=r"Char column .* at most 2"):
        Char(length=2, default="abc")
    assert Char(length=3).value_type == ValueType("char", (3,))

    class Number(int, enum.Enum):
        one = 1

    with pytest.raises(ValueError, match="one doesn't have the correct type"):
        Varchar(choices=Number)


class CpToken(Table, tablename="cp_token"):
    token = Bytea()
    token_bytes = Bytea(default=b"my-token")
    token_bytearray = Bytea(default=bytearray(b"my-token"))
    token_none = Bytea(default=None, null=True)


async def test_a_bytearray_default_is_stored_as_bytes(db: Engine, use_tables: UseTables) -> None:
    """It raised ``TypeError: unhashable type: 'bytearray'`` when the table was created."""
    assert CpToken.token_bytearray.default == b"my-token"
    assert type(CpToken.token_bytearray.default) is bytes
    await use_tables(db, CpToken)
    row = CpToken()
    await row.save()
    assert (row.token, row.token_bytes, row.token_bytearray) == (b"", b"my-token", b"my-token")
    assert row.token_none is None
    assert await CpToken.select(CpToken.token_bytearray, CpToken.token_none).first() == {
        "token_bytearray": b"my-token",
        "token_none": None,
    }


# ForeignKey._foreign_key_meta --------------------------------------------------------------


class CpManager(Table, tablename="cp_manager"):
    name = Varchar()


class CpBand(Table, tablename="cp_band"):
    name = Varchar(unique=True)
    manager = ForeignKey(CpManager)
    popularity = Integer()


class CpConcert(Table, tablename="cp_concert"):
    band_1 = ForeignKey(CpBand, target_column="name")
    band_2 = ForeignKey(
        LazyTableReference("CpBand", module_path=__name__), target_column=CpBand.name
    )
    parent = ForeignKey("self", null=True)


def test_the_foreign_key_meta_is_read_from_the_key() -> None:
    meta = CpBand.manager._foreign_key_meta
    assert isinstance(meta, ForeignKeyMeta)
    assert meta.references is CpManager
    assert meta.resolved_references is CpManager
    assert meta.on_delete is CpBand.manager.on_delete
    assert meta.on_update is CpBand.manager.on_update
    assert meta.target_column is None
    assert meta.resolved_target_column is CpManager.id
    assert [c._meta.name for c in meta.proxy_columns] == ["id", "name"]

    lazy = CpConcert.band_2._foreign_key_meta
    assert isinstance(lazy.references, LazyTableReference)
    assert lazy.resolved_references is CpBand
    assert lazy.target_column is CpBand.name
    assert lazy.resolved_target_column is CpBand.name
    assert CpConcert.band_1._foreign_key_meta.target_column == "name"
    assert CpConcert.band_1._foreign_key_meta.resolved_target_column is CpBand.name
    assert CpConcert.parent._foreign_key_meta.references is CpConcert


def test_proxy_columns_do_not_grow() -> None:
    """Piccolo's TestProxyColumns (its issue 691: queries got slower as they grew)."""
    for _ in range(2):
        assert len(CpConcert.band_1._.manager._foreign_key_meta.proxy_columns) == 2
        assert len(CpConcert.band_1._foreign_key_meta.proxy_columns) == 4
    proxy = CpConcert.band_1._foreign_key_meta.proxy_columns
    assert proxy[1] is CpConcert.band_1.name  # the joined columns themselves, made once
    assert proxy[1]._meta.call_chain == (CpConcert.band_1,)


# arrays -------------------------------------------------------------------------------------


def test_array_dimensions_and_inner_type() -> None:
    assert Array(Integer())._get_dimensions() == 1
    assert Array(Array(Integer()))._get_dimensions() == 2
    assert Array(Array(Array(Varchar())))._get_dimensions() == 3
    assert Array(Integer())._get_inner_value_type() is int
    assert Array(Array(Array(Integer())))._get_inner_value_type() is int
    inner = Varchar(length=5)
    assert Array(Array(inner))._get_inner_column() is inner


class CpNumbers(Table, tablename="cp_numbers"):
    value = Array(Integer())
    other = Array(Integer(), default=list)


async def test_overlap_takes_a_list_a_column_or_an_expression(
    db: Engine, use_tables: UseTables
) -> None:
    await use_array_tables(db, use_tables, CpNumbers)
    if db.engine_type == "sqlite":
        for operand in ([2], CpNumbers.other, QueryString("{}::INTEGER[]", [2])):
            with pytest.raises(QueryError, match="support array overlap"):
                CpNumbers.value.overlap(operand)
            with pytest.raises(QueryError, match="support array overlap"):
                ArrayOverlap(CpNumbers.value, operand)
        return
    await CpNumbers.insert(
        CpNumbers(value=[1, 2, 3], other=[9]), CpNumbers(value=[4, 5, 6], other=[6])
    )
    query = CpNumbers.select(CpNumbers.value).order_by(CpNumbers.id)
    both = [{"value": [1, 2, 3]}, {"value": [4, 5, 6]}]
    cases: list[tuple[Any, list[dict[str, Any]]]] = [
        (QueryString("{}::INTEGER[]", [3, 99]), both[:1]),
        (QueryString("{}::INTEGER[]", [1, 6]), both),
        (QueryString("{}::INTEGER[]", [99]), []),
        ([3, 99], both[:1]),
        ((6,), both[1:]),
        (CpNumbers.value, both),
        (CpNumbers.other, both[1:]),
        (CpNumbers.other.cat([1]), both),
    ]
    for operand, expected in cases:
        assert await query.where(CpNumbers.value.overlap(operand)) == expected, operand
        assert await query.where(ArrayOverlap(CpNumbers.value, operand)) == expected, operand
    assert await query.where(ArrayOverlap([5], CpNumbers.value)) == both[1:]
    with pytest.raises(TypeError, match="overlap\\(\\) takes a list"):
        CpNumbers.value.overlap(3)


async def test_array_operations_take_expressions(db: Engine, use_tables: UseTables) -> None:
    """``any``, ``cat``, ``append``... take a column or a ``QueryString`` as Piccolo's do."""
    await use_array_tables(db, use_tables, CpNumbers)
    if db.engine_type == "sqlite":
        with pytest.raises(QueryError, match="support array concatenation"):
            CpNumbers.value.cat(CpNumbers.other)
        return
    await CpNumbers.insert(CpNumbers(value=[1, 2], other=[2]))
    one = QueryString("{}::INTEGER", 1)
    assert await CpNumbers.count().where(CpNumbers.value.any(one)) == 1
    assert await CpNumbers.count().where(CpNumbers.value.not_any(one)) == 0
    assert await CpNumbers.select(
        CpNumbers.value.cat(CpNumbers.other),
        CpNumbers.value.append(one),
        CpNumbers.value.remove(QueryString("{}::INTEGER", 2)),
    ).first() == {"array_cat": [1, 2, 2], "array_append": [1, 2, 1], "array_remove": [1]}


# Case over mixed types ------------------------------------------------------------------------


class CpTicket(Table, tablename="cp_ticket"):
    price = Integer()


async def case_values(then: Any, default: Any) -> list[Any]:
    rows = await CpTicket.select(
        Case(When(CpTicket.price >= 100, then=then), default=default, alias="value")
    ).order_by(CpTicket.price)
    return [row["value"] for row in rows]


async def test_a_case_of_dates_and_timestamps_reads_timestamps(
    db: Engine, use_tables: UseTables
) -> None:
    """On SQLite the date branch's type was taken for both, and the timestamp's text failed
    to parse as a date (``Invalid isoformat string``). PostgreSQL gives such a CASE the
    type timestamp (timestamptz when a branch is aware); every engine reads that now."""
    await use_tables(db, CpTicket)
    await CpTicket.insert(CpTicket(price=50), CpTicket(price=150))
    day, moment = datetime.date(2021, 1, 1), datetime.datetime(2022, 1, 1, 10, 0)
    midnight = datetime.datetime(2021, 1, 1)
    assert await case_values(day, moment) == [moment, midnight]
    assert await case_values(moment, day) == [midnight, moment]
    aware = moment.replace(tzinfo=UTC)
    expected = [aware, midnight.replace(tzinfo=UTC)]
    assert await case_values(day, aware) == expected
    assert all(value.tzinfo is not None for value in await case_values(day, aware))
    assert await case_values(moment, aware) == [aware, aware]
    # One type alone reads as it always did.
    assert await case_values(day, datetime.date(2020, 5, 6)) == [datetime.date(2020, 5, 6), day]
    times = await case_values(datetime.time(10, 0), datetime.time(11, 30, 0, 5))
    assert times == [datetime.time(11, 30, 0, 5), datetime.time(10, 0)]


async def test_a_case_of_numbers_reads_their_common_type(db: Engine, use_tables: UseTables) -> None:
    """SQLite returned a Decimal branch of a float CASE as its stored text ('1.25')."""
    await use_tables(db, CpTicket)
    await CpTicket.insert(CpTicket(price=50), CpTicket(price=150))
    half = decimal.Decimal("1.5")
    for values in (await case_values(1, half), await case_values(half, 1)):
        assert values in ([half, 1], [1, half])
        assert all(isinstance(value, decimal.Decimal) for value in values)
    floats = await case_values(2.5, decimal.Decimal("1.25"))
    assert floats == [1.25, 2.5] and all(type(value) is float for value in floats)
    floats = await case_values(1, 2.5)
    assert floats == [2.5, 1.0] and all(type(value) is float for value in floats)


def test_common_type_follows_postgresql() -> None:
    date, timestamp, aware = ValueType("date"), ValueType("timestamp"), ValueType("timestamptz")
    integer, bigint, numeric = ValueType("integer"), ValueType("bigint"), ValueType("numeric")
    double, text = ValueType("double"), ValueType("text")
    assert common_type([]) is None
    assert common_type([date, timestamp]) == timestamp
    assert common_type([aware, date]) == aware
    assert common_type([integer, bigint]) == bigint
    assert common_type([numeric, integer]) == numeric
    assert common_type([integer, double, numeric]) == double
    assert common_type([text, date]) == text  # no common type: the first, as before
    assert common_type([ValueType("time"), timestamp]) == ValueType("time")


# on_conflict ---------------------------------------------------------------------------------


class CpUnique(Table, tablename="cp_unique"):
    name = Varchar(unique=True)


async def test_a_second_on_conflict_is_refused_first(db: Engine, use_tables: UseTables) -> None:
    """PostgreSQL (and MariaDB) take one ON CONFLICT clause: a second is refused with
    Piccolo's NotImplementedError, before its own arguments are looked at (a DO UPDATE
    without target raised the target error instead)."""
    await use_tables(db, CpUnique)
    query = CpUnique.insert(CpUnique(name="a")).on_conflict(action="DO NOTHING")
    if db.engine_type == "sqlite":  # SQLite takes several; the second must name a target
        with pytest.raises(QueryError, match="`target` option must be provided"):
            query.on_conflict(action="DO UPDATE")
        return
    with pytest.raises(NotImplementedError) as caught:
        query.on_conflict(action="DO UPDATE")
    if on_mariadb(db):
        assert "single ON CONFLICT clause" in str(caught.value)
    else:
        assert str(caught.value) == (
            "Postgres and Cockroach only support a single ON CONFLICT clause."
        )
    with pytest.raises(NotImplementedError):
        query.on_conflict(CpUnique.name, "DO UPDATE", [CpUnique.name])
