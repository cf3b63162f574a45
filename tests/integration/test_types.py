"""Every column type round-trips exactly, with its exact Python type, on every engine.

A value is written with ``insert`` (and ``update``) and read back with ``select`` (dicts),
``objects`` (instances) and ``RETURNING``. Exactness matters: a Decimal never passes
through a float, a Timestamptz comes back aware in UTC, bytes keep their NUL bytes.
Array columns live in tables of their own: MariaDB has none (refused there, then skipped),
and it reads an updated row back with a select (it has no ``UPDATE ... RETURNING``).
"""

from __future__ import annotations

import datetime
import enum
import itertools
import json
import uuid
from decimal import Context, Decimal
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, update_returning, use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Blob,
    Boolean,
    Bytea,
    Char,
    Date,
    DoublePrecision,
    Email,
    Float,
    Integer,
    Interval,
    Numeric,
    Real,
    Secret,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.columns import Decimal as DecimalColumn
from vivace.columns.defaults import UUID4, TimestampNow
from vivace.engine import Engine
from vivace.utils.encoding import JSONDict

UTC = datetime.UTC
PLUS_2 = datetime.timezone(datetime.timedelta(hours=2))
MINUS_5 = datetime.timezone(datetime.timedelta(hours=-5))


class TypeRow(Table, tablename="types_row"):
    varchar = Varchar(length=100)
    char = Char(length=3)
    text = Text()
    email = Email()
    secret = Secret()
    integer = Integer()
    bigint = BigInt()
    smallint = SmallInt()
    boolean = Boolean()
    numeric = Numeric()
    money = Numeric(digits=(16, 2))
    decimal = DecimalColumn(digits=(10, 4))
    real = Real()
    float_ = Float()
    double = DoublePrecision()
    timestamp = Timestamp()
    timestamptz = Timestamptz()
    date = Date()
    time = Time()
    interval = Interval()
    uuid = UUID()
    json = JSON()
    jsonb = JSONB()
    bytea = Bytea()
    blob = Blob()


class TypeArrayRow(Table, tablename="types_array_row"):
    int_array = Array(base_column=Integer())
    str_array = Array(base_column=Varchar())
    date_array = Array(base_column=Date())
    null_array = Array(base_column=Integer(), null=True)


def _table_of(name: str) -> type[Table]:
    return TypeArrayRow if name in ("int_array", "str_array", "date_array") else TypeRow


async def _use_table_of(db: Engine, use_tables: UseTables, name: str) -> type[Table]:
    """The table holding column ``name``, created on ``db`` (arrays: refused on MariaDB)."""
    table = _table_of(name)
    if table is TypeArrayRow:
        await use_array_tables(db, use_tables, table)
    else:
        await use_tables(db, table)
    return table


def assert_exact(actual: Any, expected: Any) -> None:
    """Equal, of exactly the same type (element-wise for lists), Decimals with the same scale."""
    assert actual == expected, f"{actual!r} != {expected!r}"
    assert type(actual) is type(expected), f"{actual!r} is a {type(actual)}, not {type(expected)}"
    if isinstance(expected, list):
        for got, want in zip(actual, expected, strict=True):
            assert_exact(got, want)
    if isinstance(expected, Decimal):
        assert str(actual) == str(expected), f"{actual!r} does not keep the scale of {expected!r}"
    if isinstance(expected, datetime.datetime) and expected.tzinfo is not None:
        assert actual.tzinfo is not None
        assert actual.utcoffset() == datetime.timedelta(0), f"{actual!r} is not in UTC"


# (column name, value written, value read back); the value read back is the value written
# unless given.
ROUNDTRIPS: list[tuple[str, Any, Any]] = [
    ("varchar", "plain", "plain"),
    ("varchar", "héllo wörld ñ 日本語 🎸🐍", "héllo wörld ñ 日本語 🎸🐍"),
    ("varchar", 'it\'s "quoted" \\ back; DROP TABLE x; --', None),
    ("varchar", "", ""),
    ("char", "abc", "abc"),
    ("char", "日本語", "日本語"),
    ("text", "line one\nline two\ttab 🎉" * 100, None),
    ("email", "someone@example.com", None),
    ("secret", "s3cr3t-ü", None),
    ("integer", 2**31 - 1, None),
    ("integer", -(2**31), None),
    ("integer", 0, None),
    ("bigint", 2**63 - 1, None),
    ("bigint", -(2**63), None),
    ("smallint", 2**15 - 1, None),
    ("smallint", -(2**15), None),
    ("boolean", True, None),
    ("boolean", False, None),
    ("numeric", Decimal("12345678901234.56"), None),
    ("numeric", Decimal("0.10"), None),
    ("numeric", Decimal("-98765432109876543210.0123456789"), None),
    ("numeric", Decimal("0.000000000000000000001"), None),
    ("numeric", 7, Decimal("7")),
    ("money", Decimal("12345678901234.56"), None),
    ("money", Decimal("0.10"), None),
    ("money", Decimal("0.1"), Decimal("0.10")),
    ("money", Decimal("5"), Decimal("5.00")),
    ("money", 5, Decimal("5.00")),
    ("decimal", Decimal("3.1416"), None),
    ("decimal", Decimal("2.5"), Decimal("2.5000")),
    ("real", 1.5, None),
    ("real", -0.25, None),
    ("float_", 1024.125, None),
    ("double", 0.1, None),
    ("double", 1.7976931348623157e308, None),
    ("double", -2.2250738585072014e-308, None),
    ("timestamp", datetime.datetime(2024, 2, 29, 23, 59, 59, 999999), None),
    ("timestamp", datetime.datetime(1970, 1, 1), None),
    ("timestamp", datetime.datetime(9999, 12, 31, 23, 59, 59, 999999), None),
    ("timestamp", datetime.datetime(999, 3, 4, 5, 6, 7, 8), None),
    ("timestamptz", datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), None),
    (
        "timestamptz",
        datetime.datetime(2024, 3, 31, 1, 30, 0, 123, tzinfo=MINUS_5),
        datetime.datetime(2024, 3, 31, 6, 30, 0, 123, tzinfo=UTC),
    ),
    (
        "timestamptz",
        datetime.datetime(2024, 1, 1, 1, 0, tzinfo=PLUS_2),
        datetime.datetime(2023, 12, 31, 23, 0, tzinfo=UTC),
    ),
    ("timestamptz", datetime.datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=UTC), None),
    ("date", datetime.date(2024, 2, 29), None),
    ("date", datetime.date(1, 1, 1), None),
    ("date", datetime.date(9999, 12, 31), None),
    ("time", datetime.time(0, 0), None),
    ("time", datetime.time(23, 59, 59, 999999), None),
    ("time", datetime.time(12, 30, 15, 5), None),
    ("interval", datetime.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=7), None),
    ("interval", datetime.timedelta(microseconds=1), None),
    ("interval", datetime.timedelta(0), None),
    ("interval", datetime.timedelta(days=1000, seconds=1), None),
    ("interval", datetime.timedelta(days=-2, hours=3), None),
    ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678"), None),
    (
        "uuid",
        "0b6f3e4c-6a5e-4f6b-9d3a-1c2b3a4d5e6f",
        uuid.UUID("0b6f3e4c-6a5e-4f6b-9d3a-1c2b3a4d5e6f"),
    ),
    ("bytea", b"\x00binary\x00\xff\xfe\x00", None),
    ("bytea", b"", None),
    ("blob", bytes(range(256)), None),
    ("bytea", bytearray(b"\x00ab"), b"\x00ab"),
    ("int_array", [1, -2, 2**31 - 1, -(2**31)], None),
    ("int_array", [], None),
    ("int_array", [1, None, 3], None),
    ("str_array", ["a", "b,c", "ü 🎸", 'q"uote', "{x}", ""], None),
    ("date_array", [datetime.date(2024, 1, 1), datetime.date(1999, 12, 31)], None),
]


def _id(case: tuple[str, Any, Any]) -> str:
    return case[0]


@pytest.mark.parametrize(("name", "value", "expected"), ROUNDTRIPS, ids=map(_id, ROUNDTRIPS))
async def test_roundtrip(
    db: Engine, use_tables: UseTables, name: str, value: Any, expected: Any
) -> None:
    table = await _use_table_of(db, use_tables, name)
    if expected is None:
        expected = value
    if name == "numeric" and on_mariadb(db):
        # MariaDB has no unconstrained NUMERIC: a Numeric without digits is DECIMAL(65, 30),
        # read back with 30 places (the same number; PostgreSQL and SQLite keep the scale given).
        expected = Decimal(expected).quantize(Decimal("1E-30"), context=Context(prec=65))
    column = table._meta.get_column_by_name(name)
    key = table._meta.primary_key

    # insert ... RETURNING
    row = table(**{name: value})
    returned = await table.insert(row).returning(key, column)
    assert len(returned) == 1
    assert returned[0]["id"] == row.id
    assert_exact(returned[0][name], expected)

    # select: one column, and every column
    selected = await table.select(column).where(key == row.id)
    assert list(selected[0]) == [name]
    assert_exact(selected[0][name], expected)
    (whole,) = await table.select().where(key == row.id)
    assert_exact(whole[name], expected)

    # objects
    instance = await table.objects().get(key == row.id)
    assert instance is not None
    assert_exact(getattr(instance, name), expected)
    assert_exact(instance[name], expected)

    # update ... RETURNING, on another row (MariaDB: the update, then a select)
    other = table()
    await other.save()
    query = table.update({column: value}).where(key == other.id)
    updated = await update_returning(
        db, query, [column], reread=table.select(column).where(key == other.id)
    )
    assert len(updated) == 1
    assert_exact(updated[0][name], expected)

    # the value finds the rows in a where clause too (a value rounded on the way in does not)
    probes = [expected] if value != expected else [expected, value]
    for probe in probes:
        ids = await table.select(key).where(column == probe).order_by(key)
        assert [r["id"] for r in ids] == [row.id, other.id]


async def test_serial_primary_key(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeRow)
    first, second = TypeRow(), TypeRow()
    result = await TypeRow.insert(first, second)
    assert type(first.id) is int and type(second.id) is int
    assert result == [{"id": first.id}, {"id": second.id}]
    assert second.id > first.id
    rows = await TypeRow.select(TypeRow.id).order_by(TypeRow.id)
    assert rows == [{"id": first.id}, {"id": second.id}]


class TypeBigKey(Table, tablename="types_big_key"):
    id = BigSerial(primary_key=True)
    label = Varchar()


async def test_bigserial_primary_key(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeBigKey)
    explicit = TypeBigKey(id=2**40, label="explicit")
    await TypeBigKey.insert(explicit)
    automatic = TypeBigKey(label="automatic")
    result = await TypeBigKey.insert(automatic)
    assert type(automatic.id) is int
    assert result == [{"id": automatic.id}]
    rows = await TypeBigKey.select().order_by(TypeBigKey.label)
    assert rows == [
        {"id": automatic.id, "label": "automatic"},
        {"id": 2**40, "label": "explicit"},
    ]
    fetched = await TypeBigKey.objects().get(TypeBigKey.id == 2**40)
    assert fetched is not None and fetched.id == 2**40 and fetched.label == "explicit"


class TypeUUIDKey(Table, tablename="types_uuid_key"):
    id = UUID(primary_key=True)
    label = Varchar()


class TypeUUIDChild(Table, tablename="types_uuid_child"):
    parent = Varchar()
    ref = UUID(null=True)


async def test_uuid_primary_key(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeUUIDKey)
    given = uuid.UUID("a8098c1a-f86e-11da-bd1a-00112444be1e")
    first = TypeUUIDKey(id=given, label="given")
    second = TypeUUIDKey(label="generated")
    assert isinstance(second.id, uuid.UUID) and second.id.version == 4
    result = await TypeUUIDKey.insert(first, second)
    assert result == [{"id": given}, {"id": second.id}]
    assert all(type(r["id"]) is uuid.UUID for r in result)

    rows = await TypeUUIDKey.select().order_by(TypeUUIDKey.label)
    assert rows == [
        {"id": second.id, "label": "generated"},
        {"id": given, "label": "given"},
    ]
    assert all(type(r["id"]) is uuid.UUID for r in rows)
    fetched = await TypeUUIDKey.objects().get(TypeUUIDKey.id == given)
    assert fetched is not None and type(fetched.id) is uuid.UUID and fetched.label == "given"
    assert fetched == first
    # by text too
    by_text = await TypeUUIDKey.objects().get(TypeUUIDKey.id == str(given))
    assert by_text is not None and by_text.id == given

    fetched.label = "renamed"
    await fetched.save()
    assert await TypeUUIDKey.select(TypeUUIDKey.label).where(TypeUUIDKey.id == given) == [
        {"label": "renamed"}
    ]
    await fetched.remove()
    assert await TypeUUIDKey.select(TypeUUIDKey.id) == [{"id": second.id}]


class TypeNullable(Table, tablename="types_nullable"):
    varchar = Varchar(null=True)
    text = Text(null=True)
    integer = Integer(null=True)
    bigint = BigInt(null=True)
    boolean = Boolean(null=True)
    numeric = Numeric(digits=(8, 2), null=True)
    real = Real(null=True)
    double = DoublePrecision(null=True)
    timestamp = Timestamp(null=True)
    timestamptz = Timestamptz(null=True)
    date = Date(null=True)
    time = Time(null=True)
    interval = Interval(null=True)
    uuid = UUID(null=True)
    json = JSON(null=True)
    jsonb = JSONB(null=True)
    bytea = Bytea(null=True)


async def test_null_values(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeNullable)
    names = [c._meta.name for c in TypeNullable._meta.columns if c._meta.name != "id"]
    # Nullable columns keep their type's defaults (as in Piccolo): ask for NULLs.
    row = TypeNullable(**dict.fromkeys(names))
    assert all(getattr(row, n) is None for n in names)
    returned = await TypeNullable.insert(row).returning(TypeNullable.id, *names)
    assert returned == [{"id": row.id, **dict.fromkeys(names)}]
    (selected,) = await TypeNullable.select()
    assert selected == {"id": row.id, **dict.fromkeys(names)}
    (loaded,) = await TypeNullable.select().output(load_json=True)
    assert loaded == selected
    (instance,) = await TypeNullable.objects()
    assert all(getattr(instance, n) is None for n in names)
    for name in names:
        column = TypeNullable._meta.get_column_by_name(name)
        assert await TypeNullable.count().where(column.is_null()) == 1
        assert await TypeNullable.count().where(column == None) == 1  # noqa: E711

    # and back to NULL after holding a value
    await TypeNullable.update(
        {TypeNullable.integer: 5, TypeNullable.timestamptz: datetime.datetime.now(tz=UTC)}
    ).where(TypeNullable.id == row.id)
    await TypeNullable.update({TypeNullable.integer: None, TypeNullable.timestamptz: None}).where(
        TypeNullable.id == row.id
    )
    assert await TypeNullable.select(TypeNullable.integer, TypeNullable.timestamptz) == [
        {"integer": None, "timestamptz": None}
    ]


# --- time zones: naive and aware never mix ------------------------------------------------------


async def test_timestamptz_converts_to_utc(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeRow)
    moment = datetime.datetime(2024, 7, 1, 14, 0, tzinfo=PLUS_2)
    row = TypeRow(timestamptz=moment)
    await row.save()
    (value,) = await TypeRow.select(TypeRow.timestamptz).output(as_list=True)
    assert value == moment
    assert value.tzinfo is not None and value.utcoffset() == datetime.timedelta(0)
    assert value.replace(tzinfo=None) == datetime.datetime(2024, 7, 1, 12, 0)
    # the same moment given in another zone finds it
    same = moment.astimezone(MINUS_5)
    assert await TypeRow.count().where(TypeRow.timestamptz == same) == 1


async def test_naive_datetime_into_timestamptz_is_refused(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, TypeRow)
    existing = TypeRow(timestamptz=datetime.datetime(2020, 1, 1, tzinfo=UTC))
    await existing.save()
    naive = datetime.datetime(2024, 1, 1, 12, 0)

    with pytest.raises(ValueError, match=r"(?i)timezone|naive|aware"):
        await TypeRow.insert(TypeRow(timestamptz=naive))
    with pytest.raises(ValueError, match=r"(?i)timezone|naive|aware"):
        await TypeRow.update({TypeRow.timestamptz: naive}).where(TypeRow.id == existing.id)
    with pytest.raises(ValueError, match=r"(?i)timezone|naive|aware"):
        await TypeRow.select().where(TypeRow.timestamptz > naive)

    assert await TypeRow.select(TypeRow.id, TypeRow.timestamptz) == [
        {"id": existing.id, "timestamptz": datetime.datetime(2020, 1, 1, tzinfo=UTC)}
    ]


async def test_aware_datetime_into_timestamp_is_refused(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeRow)
    existing = TypeRow(timestamp=datetime.datetime(2020, 1, 1))
    await existing.save()
    aware = datetime.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)

    with pytest.raises(ValueError, match=r"(?i)naive|aware|tz"):
        await TypeRow.insert(TypeRow(timestamp=aware))
    with pytest.raises(ValueError, match=r"(?i)naive|aware|tz"):
        await TypeRow.update({TypeRow.timestamp: aware}).where(TypeRow.id == existing.id)
    with pytest.raises(ValueError, match=r"(?i)naive|aware|tz"):
        await TypeRow.select().where(TypeRow.timestamp < aware)

    assert await TypeRow.select(TypeRow.id, TypeRow.timestamp) == [
        {"id": existing.id, "timestamp": datetime.datetime(2020, 1, 1)}
    ]


async def test_date_refuses_a_datetime(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeRow)
    existing = TypeRow(date=datetime.date(2020, 1, 1))
    await existing.save()
    moment = datetime.datetime(2024, 1, 1, 23, 30)

    with pytest.raises(ValueError, match=r"(?i)date"):
        await TypeRow.insert(TypeRow(date=moment))
    with pytest.raises(ValueError, match=r"(?i)date"):
        await TypeRow.update({TypeRow.date: moment}).where(TypeRow.id == existing.id)

    assert await TypeRow.select(TypeRow.id, TypeRow.date) == [
        {"id": existing.id, "date": datetime.date(2020, 1, 1)}
    ]


async def test_date_array_refuses_a_datetime(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, TypeArrayRow)
    existing = TypeArrayRow(date_array=[datetime.date(2020, 1, 1)])
    await existing.save()
    moment = datetime.datetime(2024, 1, 1, 23, 30)

    with pytest.raises(ValueError, match=r"(?i)date"):
        await TypeArrayRow.insert(TypeArrayRow(date_array=[datetime.date(2024, 1, 1), moment]))
    with pytest.raises(ValueError, match=r"(?i)date"):
        await TypeArrayRow.update({TypeArrayRow.date_array: [moment]}).where(
            TypeArrayRow.id == existing.id
        )

    assert await TypeArrayRow.select(TypeArrayRow.id, TypeArrayRow.date_array) == [
        {"id": existing.id, "date_array": [datetime.date(2020, 1, 1)]}
    ]


async def test_null_array(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, TypeArrayRow)
    row = TypeArrayRow(null_array=None)
    returned = await TypeArrayRow.insert(row).returning(TypeArrayRow.id, TypeArrayRow.null_array)
    assert returned == [{"id": row.id, "null_array": None}]
    assert await TypeArrayRow.count().where(TypeArrayRow.null_array.is_null()) == 1
    await TypeArrayRow.update({TypeArrayRow.null_array: [1, None]}).where(TypeArrayRow.id == row.id)
    assert await TypeArrayRow.select(TypeArrayRow.null_array) == [{"null_array": [1, None]}]


# --- JSON --------------------------------------------------------------------------------------


class TypeJson(Table, tablename="types_json"):
    label = Varchar()
    data = JSON()
    datab = JSONB()


JSON_VALUES: list[Any] = [
    {"name": "Guido", "tags": ["a", "b"], "nested": {"n": 1.5, "ok": True, "none": None}},
    [1, "two", None, {"three": 3}],
    {"emoji": "🎸", "quote": 'it\'s "x"'},
    [],
    {},
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=lambda v: json.dumps(v)[:12])
async def test_json_python_values(db: Engine, use_tables: UseTables, value: Any) -> None:
    await use_tables(db, TypeJson)
    row = TypeJson(label="x", data=value, datab=value)
    returned = await TypeJson.insert(row).returning(TypeJson.id, TypeJson.data, TypeJson.datab)
    for key in ("data", "datab"):
        assert type(returned[0][key]) is str
        assert json.loads(returned[0][key]) == value

    # select gives JSON text; JSON keeps the exact text written, JSONB may normalise it
    (selected,) = await TypeJson.select(TypeJson.data, TypeJson.datab)
    assert type(selected["data"]) is str and type(selected["datab"]) is str
    assert json.loads(selected["data"]) == value
    assert json.loads(selected["datab"]) == value
    assert selected["data"] == returned[0]["data"]

    # load_json parses both
    (loaded,) = await TypeJson.select(TypeJson.data, TypeJson.datab).output(load_json=True)
    assert loaded == {"data": value, "datab": value}
    # an object at the top is Piccolo's JSONDict (a dict told apart from a nested row)
    assert type(loaded["data"]) is (JSONDict if type(value) is dict else type(value))
    (loaded_all,) = await TypeJson.select().output(load_json=True)
    assert loaded_all == {"id": row.id, "label": "x", "data": value, "datab": value}
    as_list = await TypeJson.select(TypeJson.datab).output(as_list=True, load_json=True)
    assert as_list == [value]

    # objects: text by default, parsed with load_json
    (instance,) = await TypeJson.objects()
    assert type(instance.data) is str and json.loads(instance.data) == value
    (parsed,) = await TypeJson.objects().output(load_json=True)
    assert parsed.data == value and parsed.datab == value


async def test_json_text_is_stored_as_given(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeJson)
    text = '{"a": [1, 2, {"b": null}], "c": "ü"}'
    await TypeJson.insert(TypeJson(label="text", data=text, datab=text))
    (selected,) = await TypeJson.select(TypeJson.data, TypeJson.datab)
    assert selected["data"] == text
    assert json.loads(selected["datab"]) == json.loads(text)
    (loaded,) = await TypeJson.select(TypeJson.data).output(load_json=True)
    assert loaded == {"data": {"a": [1, 2, {"b": None}], "c": "ü"}}
    # the defaults are empty objects
    await TypeJson.insert(TypeJson(label="default"))
    rows = await TypeJson.select(TypeJson.data, TypeJson.datab).where(TypeJson.label == "default")
    assert [json.loads(v) for v in rows[0].values()] == [{}, {}]


# --- defaults ----------------------------------------------------------------------------------


class Genre(enum.Enum):
    rock = "rock"
    jazz = "jazz"


class Level(enum.IntEnum):
    low = 1
    high = 10


_counter = itertools.count(1)


def next_code() -> str:
    return f"code-{next(_counter)}"


class TypeDefaults(Table, tablename="types_defaults"):
    number = Integer()
    name = Varchar()
    body = Text()
    flag = Boolean()
    amount = Numeric(digits=(6, 2))
    created = Timestamp()
    created_tz = Timestamptz()
    made = Timestamp(default=TimestampNow())
    day = Date()
    token = UUID()
    token4 = UUID(default=UUID4())
    code = Varchar(default=next_code)
    genre = Varchar(choices=Genre, default=Genre.rock)
    level = Integer(choices=Level, default=Level.high)
    fixed = Integer(default=42)
    duration = Interval(default=datetime.timedelta(hours=1, microseconds=5))


async def test_python_defaults(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypeDefaults)
    before = datetime.datetime.now()
    before_tz = datetime.datetime.now(tz=UTC)
    first, second = TypeDefaults(), TypeDefaults()
    await TypeDefaults.insert(first, second)
    after = datetime.datetime.now()
    after_tz = datetime.datetime.now(tz=UTC)

    rows = await TypeDefaults.select().order_by(TypeDefaults.id)
    assert len(rows) == 2
    for row in rows:
        assert_exact(row["number"], 0)
        assert_exact(row["name"], "")
        assert_exact(row["body"], "")
        assert_exact(row["flag"], False)
        assert_exact(row["amount"], Decimal("0.00"))
        assert_exact(row["fixed"], 42)
        assert_exact(row["genre"], "rock")
        assert_exact(row["level"], 10)
        assert_exact(row["duration"], datetime.timedelta(hours=1, microseconds=5))
        for key in ("created", "made"):
            assert type(row[key]) is datetime.datetime and row[key].tzinfo is None
            assert before <= row[key] <= after
        assert before_tz <= row["created_tz"] <= after_tz
        assert row["created_tz"].utcoffset() == datetime.timedelta(0)
        assert row["day"] in (before.date(), after.date())
        for key in ("token", "token4"):
            assert type(row[key]) is uuid.UUID and row[key].version == 4
    # computed defaults are computed per row
    assert rows[0]["token"] != rows[1]["token"]
    assert rows[0]["code"] != rows[1]["code"]
    assert rows[0]["code"].startswith("code-") and rows[1]["code"].startswith("code-")
    # the instances hold what was stored
    assert [first.token, second.token] == [r["token"] for r in rows]
    assert [first.code, second.code] == [r["code"] for r in rows]


async def test_enum_members_as_values(db: Engine, use_tables: UseTables) -> None:
    """As in Piccolo, an Enum member given for a ``choices`` column is stored as its value."""
    await use_tables(db, TypeDefaults)
    row = TypeDefaults(genre=Genre.jazz, level=Level.low)
    await row.save()
    await TypeDefaults.insert(TypeDefaults())
    assert await TypeDefaults.select(TypeDefaults.genre, TypeDefaults.level).order_by(
        TypeDefaults.id
    ) == [{"genre": "jazz", "level": 1}, {"genre": "rock", "level": 10}]
    rows = await TypeDefaults.select(TypeDefaults.id).where(TypeDefaults.genre == Genre.jazz)
    assert rows == [{"id": row.id}]
    rows = await TypeDefaults.select(TypeDefaults.id).where(TypeDefaults.genre.is_in([Genre.jazz]))
    assert rows == [{"id": row.id}]
    await TypeDefaults.update({TypeDefaults.genre: Genre.rock}).where(TypeDefaults.id == row.id)
    assert await TypeDefaults.count().where(TypeDefaults.genre == "rock") == 2


async def test_database_defaults_for_simple_types(db: Engine, use_tables: UseTables) -> None:
    """Rows written outside the ORM get the same defaults from the database itself."""
    await use_tables(db, TypeDefaults)
    await TypeDefaults.insert(TypeDefaults())
    # only the columns whose defaults Python computes are given
    await TypeDefaults.raw(
        "INSERT INTO types_defaults (created, created_tz, made, day, token, token4, code, "
        "duration) SELECT created, created_tz, made, day, token, token4, {}, duration "
        "FROM types_defaults",
        "raw",
    )
    rows = await TypeDefaults.select(
        TypeDefaults.number,
        TypeDefaults.name,
        TypeDefaults.body,
        TypeDefaults.flag,
        TypeDefaults.amount,
        TypeDefaults.genre,
        TypeDefaults.level,
        TypeDefaults.fixed,
    ).where(TypeDefaults.code == "raw")
    assert rows == [
        {
            "number": 0,
            "name": "",
            "body": "",
            "flag": False,
            "amount": Decimal("0.00"),
            "genre": "rock",
            "level": 10,
            "fixed": 42,
        }
    ]
    assert type(rows[0]["flag"]) is bool
    assert type(rows[0]["amount"]) is Decimal


class TypeArrayDefaults(Table, tablename="types_array_defaults"):
    label = Varchar()
    tags = Array(base_column=Varchar())


async def test_array_defaults(db: Engine, use_tables: UseTables) -> None:
    """An Array column's default is the empty list, from Python and from the database."""
    await use_array_tables(db, use_tables, TypeArrayDefaults)
    await TypeArrayDefaults.insert(TypeArrayDefaults(label="orm"))
    await TypeArrayDefaults.raw("INSERT INTO types_array_defaults (label) VALUES ({})", "raw")
    rows = await TypeArrayDefaults.select(TypeArrayDefaults.tags).order_by(TypeArrayDefaults.id)
    assert rows == [{"tags": []}, {"tags": []}]
    assert_exact(rows[1]["tags"], [])


# --- filtering and sorting by value, not by its storage ----------------------------------------


class TypePrice(Table, tablename="types_price"):
    label = Varchar()
    price = Numeric(digits=(12, 2))
    exact = Numeric()
    at = Timestamp()
    at_tz = Timestamptz()
    day = Date()
    ref = UUID()
    span = Interval()


async def _prices(values: list[str]) -> None:
    # ``price`` keeps 2 places: longer values are rounded here, as a user must (issue 11).
    cents = Decimal("0.01")
    await TypePrice.insert(
        *[TypePrice(label=v, price=Decimal(v).quantize(cents), exact=Decimal(v)) for v in values]
    )


async def test_numeric_comparisons_are_numeric(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypePrice)
    await _prices(["10.00", "9.99", "100.50", "2", "-3.5", "0.1"])

    async def labels(*where: Any) -> list[str]:
        rows = await TypePrice.select(TypePrice.label).where(*where).order_by(TypePrice.id)
        return [r["label"] for r in rows]

    for column in (TypePrice.price, TypePrice.exact):
        assert await labels(column > Decimal("5")) == ["10.00", "9.99", "100.50"]
        assert await labels(column >= Decimal("10")) == ["10.00", "100.50"]
        assert await labels(column < 10) == ["9.99", "2", "-3.5", "0.1"]
        assert await labels(column <= Decimal("0.10")) == ["-3.5", "0.1"]
        assert await labels(column == Decimal("10")) == ["10.00"]
        assert await labels(column == Decimal("2.000")) == ["2"]
        assert await labels(column != Decimal("10.0")) == ["9.99", "100.50", "2", "-3.5", "0.1"]
        assert await labels(column > Decimal("9.99"), column < Decimal("100.5")) == ["10.00"]
        assert await labels(column.is_in([Decimal("2"), Decimal("100.5")])) == ["100.50", "2"]


async def test_numeric_order_by_is_numeric(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypePrice)
    await _prices(["10.00", "9.99", "100.50", "2", "-3.5", "-10", "0.1"])
    expected = ["-10", "-3.5", "0.1", "2", "9.99", "10.00", "100.50"]
    for column in (TypePrice.price, TypePrice.exact):
        rows = await TypePrice.select(TypePrice.label).order_by(column)
        assert [r["label"] for r in rows] == expected
        rows = await TypePrice.select(TypePrice.label).order_by(column, ascending=False)
        assert [r["label"] for r in rows] == expected[::-1]
    prices = await TypePrice.select(TypePrice.price).order_by(TypePrice.price).output(as_list=True)
    assert prices == [Decimal(v).quantize(Decimal("0.01")) for v in expected]
    assert all(type(p) is Decimal for p in prices)


async def test_datetime_comparisons_and_order(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypePrice)
    moments = [
        datetime.datetime(2024, 1, 10, 9, 0),
        datetime.datetime(2024, 1, 2, 10, 0),
        datetime.datetime(2023, 12, 31, 23, 59, 59, 999999),
        datetime.datetime(2024, 1, 2, 9, 59, 59, 1),
        datetime.datetime(999, 1, 1),
    ]
    await TypePrice.insert(
        *[
            TypePrice(
                label=str(i),
                at=moment,
                # the same moments, given as wall-clock times at UTC+2
                at_tz=moment.replace(tzinfo=UTC).astimezone(PLUS_2),
                day=moment.date(),
                span=moment - datetime.datetime(999, 1, 1),
            )
            for i, moment in enumerate(moments)
        ]
    )
    pivot = datetime.datetime(2024, 1, 2, 9, 59, 59, 2)
    later = {str(i) for i, m in enumerate(moments) if m > pivot}
    assert later == {"0", "1"}

    async def labels(*where: Any) -> set[str]:
        return {r["label"] for r in await TypePrice.select(TypePrice.label).where(*where)}

    assert await labels(TypePrice.at > pivot) == later
    assert await labels(TypePrice.at_tz > pivot.replace(tzinfo=UTC)) == later
    assert await labels(TypePrice.at_tz > pivot.replace(tzinfo=UTC).astimezone(MINUS_5)) == later
    assert await labels(TypePrice.day > pivot.date()) == {"0"}
    assert await labels(TypePrice.day >= pivot.date()) == {"0", "1", "3"}
    assert await labels(TypePrice.span > pivot - datetime.datetime(999, 1, 1)) == later

    order = [str(i) for i, _ in sorted(enumerate(moments), key=lambda p: p[1])]
    for column in (TypePrice.at, TypePrice.at_tz, TypePrice.span):
        rows = await TypePrice.select(TypePrice.label).order_by(column)
        assert [r["label"] for r in rows] == order, column


async def test_is_in_with_dates_and_uuids(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, TypePrice)
    refs = [uuid.uuid4() for _ in range(4)]
    days = [datetime.date(2024, 1, d) for d in (1, 2, 3, 4)]
    await TypePrice.insert(*[TypePrice(label=str(i), ref=refs[i], day=days[i]) for i in range(4)])

    async def labels(*where: Any) -> list[str]:
        rows = await TypePrice.select(TypePrice.label).where(*where).order_by(TypePrice.label)
        return [r["label"] for r in rows]

    assert await labels(TypePrice.ref.is_in([refs[1], refs[3]])) == ["1", "3"]
    assert await labels(TypePrice.ref.is_in([str(refs[2])])) == ["2"]
    assert await labels(TypePrice.ref.not_in([refs[0]])) == ["1", "2", "3"]
    assert await labels(TypePrice.ref.is_in([uuid.uuid4()])) == []
    assert await labels(TypePrice.day.is_in([days[0], days[2]])) == ["0", "2"]
    assert await labels(TypePrice.day.not_in([days[0], days[2]])) == ["1", "3"]
    subquery = TypePrice.select(TypePrice.ref).where(TypePrice.day > days[1])
    assert await labels(TypePrice.ref.is_in(subquery)) == ["2", "3"]


async def test_numeric_comparisons_beyond_float_precision(
    db: Engine, use_tables: UseTables, request: pytest.FixtureRequest
) -> None:
    """Values that differ past a double's 15-17 significant digits still compare exactly."""
    if db.engine_type == "sqlite":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="SQLite compares and sorts Numeric as CAST(... AS REAL): values that "
                "differ beyond double precision compare equal",
            )
        )
    await use_tables(db, TypePrice)
    values = ["1234567890.123456789", "1234567890.123456788", "0.1000000000000000001", "0.1"]
    await _prices(values)

    async def labels(*where: Any) -> list[str]:
        rows = await TypePrice.select(TypePrice.label).where(*where).order_by(TypePrice.id)
        return [r["label"] for r in rows]

    exact = TypePrice.exact
    assert await labels(exact == Decimal("1234567890.123456789")) == ["1234567890.123456789"]
    assert await labels(exact > Decimal("1234567890.123456788")) == ["1234567890.123456789"]
    assert await labels(exact > Decimal("0.1"), exact < 1) == ["0.1000000000000000001"]
    rows = await TypePrice.select(TypePrice.label).order_by(exact)
    assert [r["label"] for r in rows] == [values[3], values[2], values[1], values[0]]
