"""Value round trips (plan rank 21): every column type, on SQLite, PostgreSQL and MariaDB, with
Hypothesis strategies over the whole domain (NUL bytes, emoji, extreme numbers,
infinities and NaN, every time zone, huge JSON).

Each value is written with ``insert`` and read back with ``select``. It must come back
equal, or in the type's documented normal form, or be refused before anything is sent
(``InvalidValue``, the same on every engine: docs/values.md) -- never silently changed,
and a refused write leaves no row. The oracle below states each type's contract.

What MariaDB truly cannot hold is refused there with a ``DataError`` (infinities, numbers
beyond DECIMAL(65,30)); its DOUBLE keeps no negative zero (-0.0 reads back 0.0, as on
SQLite); it has no arrays (those cases skip, with the reason).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import struct
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import UseTables
from tests.reliability.support import HYPOTHESIS
from vivace import create_table_class
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    Integer,
    Interval,
    Numeric,
    Real,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine, MySQLEngine
from vivace.exceptions import DataError, InvalidValue

UTC = datetime.UTC
MARIADB_HAS_NO_ARRAYS = "MariaDB has no array type (refused with QueryError: tests/differential)"
D = decimal.Decimal


def value_columns(arrays: bool = True) -> dict[str, Any]:
    """The round-trip table's columns, every type (``arrays=False``: all but arrays)."""
    columns: dict[str, Any] = {
        "text": Text(null=True),
        "short": Varchar(length=20, null=True),
        "integer": Integer(null=True),
        "bigint": BigInt(null=True),
        "smallint": SmallInt(null=True),
        "boolean": Boolean(null=True),
        "numeric": Numeric(null=True),
        "money": Numeric(digits=(12, 4), null=True),
        "real": Real(null=True),
        "double": DoublePrecision(null=True),
        "timestamp": Timestamp(null=True),
        "timestamptz": Timestamptz(null=True),
        "date": Date(null=True),
        "time": Time(null=True),
        "interval": Interval(null=True),
        "uuid": UUID(null=True),
        "json": JSON(null=True),
        "jsonb": JSONB(null=True),
        "bytea": Bytea(null=True),
    }
    if arrays:
        columns["int_array"] = Array(base_column=Integer(), null=True)
        columns["text_array"] = Array(base_column=Text(), null=True)
    return columns


Values: Any = create_table_class(
    "Values", class_kwargs={"tablename": "rel_roundtrip"}, class_members=value_columns()
)
#: The same without array columns, for MariaDB: it has no array type (a table with one is
#: refused with QueryError, as tests/differential checks).
ScalarValues: Any = create_table_class(
    "ScalarValues",
    class_kwargs={"tablename": "rel_roundtrip"},
    class_members=value_columns(arrays=False),
)


def values_table(engine: Engine) -> Any:
    """The round-trip table ``engine`` can hold."""
    return ScalarValues if isinstance(engine, MySQLEngine) else Values


class Refused:
    """The oracle's answer when the value must be refused: by these error types."""

    def __init__(self, *errors: type[BaseException]) -> None:
        self.errors = errors

    def __repr__(self) -> str:
        return f"Refused{tuple(e.__name__ for e in self.errors)}"


BEFORE_SENDING = (ValueError, TypeError)  # converter refusals (QueryError is a ValueError)
Expected = Any  # the value read back, or Refused(...)
Oracle = Callable[[str, Any], Expected]


def same(engine: str, value: Any) -> Expected:
    return value


def text_oracle(engine: str, value: str) -> Expected:
    if "\x00" in value:
        return Refused(InvalidValue)  # PostgreSQL text cannot hold NUL: refused everywhere
    return value


def short_oracle(engine: str, value: str) -> Expected:
    if "\x00" in value or len(value) > 20:
        return Refused(InvalidValue)  # never cut short, on SQLite too
    return value


def int_oracle(bits: int) -> Oracle:
    def oracle(engine: str, value: int) -> Expected:
        if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            return Refused(InvalidValue)  # the type's range, on SQLite too
        return value

    return oracle


def within_numeric_limits(value: D) -> bool:
    """PostgreSQL NUMERIC's limits: 131,072 digits before the point, 16,383 after."""
    whole = 0 if value.is_zero() else max(value.adjusted() + 1, 0)
    fraction = max(-int(value.as_tuple().exponent), 0)
    return whole <= 131_072 and fraction <= 16_383


def numeric_oracle(engine: str, value: D) -> Expected:
    if not value.is_finite() or not within_numeric_limits(value):
        return Refused(InvalidValue)  # NaN (signalling too) and infinity are not stored
    if engine == "mysql" and not value.is_zero() and value.adjusted() >= 35:
        return Refused(DataError)  # beyond DECIMAL(65,30): MariaDB's out of range error
    return value


def money_oracle(engine: str, value: D) -> Expected:
    """Numeric(12, 4): at most 8 digits before the point and 4 after, never rounded: a
    value that needs rounding (or more digits) is refused, on both engines."""
    if not value.is_finite() or not within_numeric_limits(value):
        return Refused(InvalidValue)
    if not value.is_zero() and value.adjusted() >= 8:
        return Refused(InvalidValue)
    with decimal.localcontext() as context:
        context.prec = 200
        if value.quantize(D("0.0001")) != value:
            return Refused(InvalidValue)
    return value


def real_oracle(engine: str, value: float) -> Expected:
    """Real is float4 on every engine: the value is rounded to single precision (SQLite
    too); beyond its range, and NaN, it is refused."""
    if math.isnan(value):
        return Refused(InvalidValue)
    try:
        single = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return Refused(InvalidValue)
    if math.isinf(single) and not math.isinf(value):
        return Refused(InvalidValue)
    return double_oracle(engine, single)


def double_oracle(engine: str, value: float) -> Expected:
    if math.isnan(value):
        return Refused(InvalidValue)  # SQLite would store NULL: refused everywhere
    if math.isinf(value) and engine == "mysql":
        return Refused(DataError)  # MariaDB's DOUBLE holds no infinity
    if value == 0 and engine in ("sqlite", "mysql"):
        # SQLite stores an integral REAL as an integer, MariaDB keeps no negative zero:
        # -0.0 reads back 0.0
        return 0.0
    return value


def interval_oracle(engine: str, value: datetime.timedelta) -> Expected:
    if abs(value // datetime.timedelta(microseconds=1)) >= 2**63:
        return Refused(InvalidValue)  # SQLite keeps 64-bit microseconds: the limit everywhere
    return value


def aware_oracle(engine: str, value: datetime.datetime) -> Expected:
    if value.tzinfo is None or value.utcoffset() is None:
        return Refused(*BEFORE_SENDING)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # the moment in UTC falls outside years 1..9999
        return Refused(*BEFORE_SENDING)


def naive_oracle(engine: str, value: Any) -> Expected:
    if getattr(value, "tzinfo", None) is not None:
        return Refused(*BEFORE_SENDING)  # naive and aware never mix
    return value


class JSONText(str):
    """The oracle's answer for a str given to a JSON column: it is JSON text, stored as
    given (it must be JSON, on every engine)."""


def json_oracle(engine: str, value: Any) -> Expected:
    # None is SQL NULL (not JSON null); json keeps \u0000 as text; a str is JSON text.
    if isinstance(value, str):
        if "\x00" in value:
            return Refused(InvalidValue)
        try:
            json.loads(value)
        except ValueError:
            return Refused(InvalidValue)
        return JSONText(value)
    return value


def jsonb_oracle(engine: str, value: Any) -> Expected:
    text = value if isinstance(value, str) else json.dumps(value)
    if "\\u0000" in text:
        return Refused(InvalidValue)  # jsonb cannot hold \u0000 in a string
    return json_oracle(engine, value)


def text_array_oracle(engine: str, value: list[str | None]) -> Expected:
    if any(v is not None and "\x00" in v for v in value):
        return Refused(InvalidValue)
    return value


def json_numbers(value: Any) -> Any:
    """JSON as parsed with exact numbers (jsonb writes 1e16 as 10000000000000000)."""
    return json.loads(json.dumps(value), parse_float=D, parse_int=D)


def json_equal(stored: str, expected: Any) -> bool:
    return json.loads(stored, parse_float=D, parse_int=D) == json_numbers(expected)


def float_equal(got: Any, expected: float) -> bool:
    if math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    return got == expected and math.copysign(1, got) == math.copysign(1, expected)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)
HUGE_JSON = {
    f"key {i} ✓": [i, str(i) * 10, {"nested": [True, None, 1.5e300]}] for i in range(20000)
}

#: column -> (strategy, oracle, how to compare)
CASES: dict[str, tuple[st.SearchStrategy[Any], Oracle]] = {
    "text": (
        st.text() | st.sampled_from(["\x00", "a\x00b", "🎸" * 100, "x" * 100_000]),
        text_oracle,
    ),
    "short": (st.text(max_size=30), short_oracle),
    "integer": (st.integers(min_value=-(2**31) - 5, max_value=2**31 + 5), int_oracle(32)),
    "bigint": (st.integers(min_value=-(2**63) - 5, max_value=2**63 + 5), int_oracle(64)),
    "smallint": (st.integers(min_value=-(2**15) - 5, max_value=2**15 + 5), int_oracle(16)),
    "boolean": (st.booleans(), same),
    "numeric": (st.decimals(allow_nan=True, allow_infinity=True), numeric_oracle),
    "money": (st.decimals(allow_nan=True, allow_infinity=True), money_oracle),
    "real": (st.floats(), real_oracle),
    "double": (st.floats(), double_oracle),
    "timestamp": (st.datetimes() | st.datetimes(timezones=st.timezones()), naive_oracle),
    "timestamptz": (st.datetimes(timezones=st.timezones()) | st.datetimes(), aware_oracle),
    "date": (st.dates(), same),
    "time": (st.times() | st.times(timezones=st.timezones()), naive_oracle),
    "interval": (st.timedeltas(), interval_oracle),
    "uuid": (st.uuids(), same),
    "json": (json_values, json_oracle),
    "jsonb": (json_values | st.just(HUGE_JSON), jsonb_oracle),
    "bytea": (st.binary(max_size=2000), same),
    "int_array": (st.lists(st.none() | st.integers(-(2**31), 2**31 - 1), max_size=20), same),
    "text_array": (st.lists(st.none() | st.text(max_size=10), max_size=10), text_array_oracle),
}


def check(column: str, engine: str, value: Any, expected: Expected, got: Any) -> None:
    """``got`` (read back) must be ``expected`` exactly."""
    if column in ("json", "jsonb"):
        if expected is None:
            assert got is None, got
        elif isinstance(expected, JSONText):
            # JSON text: as given (json, SQLite), or the same JSON value (jsonb).
            assert got == expected or json_equal(got, json.loads(expected)), (value, got)
        else:
            assert isinstance(got, str) and json_equal(got, expected), (value, got)
    elif column in ("real", "double"):
        assert float_equal(got, expected), (value, expected, got)
    elif column == "timestamptz":
        assert got == expected and got.utcoffset() == datetime.timedelta(0), (value, got)
    elif column in ("numeric", "money"):
        assert isinstance(got, D), got
        if expected.is_nan():
            assert got.is_nan(), (value, got)
        else:
            assert got == expected, (value, expected, got)
    else:
        assert got == expected and type(got) is type(expected), (value, expected, got)


@pytest.fixture
def typed_db(engine_kind: str, request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{engine_kind}_db")
    return engine


outcomes: Counter[str] = Counter()


async def roundtrip(engine: Engine, column_name: str, value: Any) -> None:
    """Write ``value`` into ``column_name`` and read it back; check it against the oracle."""
    oracle = CASES[column_name][1]
    kind = engine.engine_type
    expected = oracle(kind, value)
    table = values_table(engine)
    column = table._meta.get_column_by_name(column_name)
    await table.delete(force=True)
    try:
        await table.insert(table(**{column_name: value}))
    except Exception as error:
        assert isinstance(expected, Refused), f"{value!r} refused with {error!r}"
        assert isinstance(error, expected.errors), f"{value!r}: {error!r} is not {expected}"
        assert await table.count() == 0
        outcomes[f"{kind} {column_name}: refused"] += 1
        return
    assert not isinstance(expected, Refused), f"{value!r} was stored; expected {expected}"
    rows = await table.select(column)
    assert len(rows) == 1
    check(column_name, kind, value, expected, rows[0][column_name])
    outcomes[f"{kind} {column_name}: equal"] += 1


@pytest.mark.parametrize("column_name", list(CASES))
@hypothesis_settings(HYPOTHESIS, max_examples=40)
@given(data=st.data())
async def test_roundtrip(
    typed_db: Engine, use_tables: UseTables, column_name: str, data: st.DataObject
) -> None:
    table = values_table(typed_db)
    if column_name not in table._meta.column_by_name:  # (MariaDB: arrays)
        pytest.skip(MARIADB_HAS_NO_ARRAYS)
    if table._meta._db is not typed_db or not await table.table_exists():
        await use_tables(typed_db, table)
    value = data.draw(CASES[column_name][0], label=column_name)
    await roundtrip(typed_db, column_name, value)


@pytest.mark.parametrize(
    ("column_name", "value"),
    [
        ("text", "a\ud800b"),  # a lone surrogate: not text in any encoding
        ("text", "\u0000"),
        ("double", -0.0),
        ("double", float("nan")),
        ("double", float("-inf")),
        ("double", 5e-324),
        ("real", 3.4028235e38),
        ("real", 3.5e38),
        ("real", 1e-46),
        ("numeric", D("-0")),
        ("numeric", D("1E+400")),
        ("numeric", D("NaN")),
        ("money", D("99999999.99995")),
        ("money", D("-1.00005")),
        (
            "timestamptz",
            datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
        ),
        (
            "timestamptz",
            datetime.datetime(
                9999, 12, 31, 23, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
            ),
        ),
        ("time", datetime.time(12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))),
        ("interval", datetime.timedelta.max),
        ("interval", datetime.timedelta.min),
        ("bigint", 2**63),
        ("json", {"\u0000": "nul key"}),
        ("jsonb", {"big": 2**70, "tiny": 5e-324, "max": 1.7976931348623157e308}),
        ("jsonb", HUGE_JSON),
        ("int_array", [None, 1, None]),
        ("text_array", ["a", None, "", "🎸", 'q"uote', "{x}"]),
    ],
)
async def test_edge_values(
    typed_db: Engine, use_tables: UseTables, column_name: str, value: Any
) -> None:
    table = values_table(typed_db)
    if column_name not in table._meta.column_by_name:
        pytest.skip(MARIADB_HAS_NO_ARRAYS)
    await use_tables(typed_db, table)
    if column_name == "text" and "\ud800" in value:
        with pytest.raises((DataError, *BEFORE_SENDING)):
            await table.insert(table(text=value))
        return
    await roundtrip(typed_db, column_name, value)
