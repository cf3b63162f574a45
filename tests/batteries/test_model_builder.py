"""ModelBuilder and RandomBuilder: rows valid for every column type, saved and read back
on every engine; FK parents built first; unique columns never repeat. Arrays are built in
a table of their own (MariaDB has none: refused there, then skipped)."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import pathlib
import uuid

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table, create_table_class, run_sync
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Char,
    Date,
    DoublePrecision,
    Email,
    ForeignKey,
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
from vivace.engine import Engine, SQLiteEngine
from vivace.testing import ModelBuilder, RandomBuilder


class Size(str, enum.Enum):
    small = "s"
    large = "l"


class BuiltManager(Table):
    name = Varchar(length=8, unique=True)


class BuiltStudio(Table):
    owner = ForeignKey(BuiltManager, null=False)


class Everything(Table):
    code = Varchar(length=3, unique=True)
    char = Char(length=2)
    email = Email(length=20)
    secret = Secret()
    text = Text()
    flag = Boolean()
    small = SmallInt()
    number = Integer(unique=True)
    big = BigInt()
    price = Numeric(digits=(5, 2))
    ratio = Real()
    double = DoublePrecision()
    moment = Timestamp()
    aware = Timestamptz()
    day = Date()
    clock = Time()
    span = Interval()
    token = UUID()
    data = JSON()
    binary_data = JSONB()
    raw = Bytea()
    size = Varchar(length=1, choices=Size)
    studio = ForeignKey(BuiltStudio, null=False)
    helper = ForeignKey(BuiltManager)
    parent = ForeignKey("self")


class BuiltArrays(Table):
    counts = Array(Integer())
    words = Array(Varchar(length=4))
    owner = ForeignKey(BuiltManager)


TABLES = (BuiltManager, BuiltStudio, Everything)


async def test_every_column_type_saved_and_read_back(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, *TABLES)
    built = [await ModelBuilder.build(Everything) for _ in range(3)]
    rows = await Everything.select().order_by(Everything.id)
    assert [row["id"] for row in rows] == [row.id for row in built]
    for made, row in zip(built, rows):
        assert row == made.to_dict()
        assert len(row["code"]) <= 3 and len(row["char"]) == 2
        assert len(row["email"]) <= 20 and row["email"].endswith("@example.com")
        assert row["size"] in {"s", "l"}
        assert abs(row["price"]) < 1000 and row["price"].as_tuple().exponent == -2
        assert -32768 <= row["small"] <= 32767
        assert row["aware"].tzinfo is not None and row["moment"].tzinfo is None
        assert isinstance(row["token"], uuid.UUID) and isinstance(row["span"], datetime.timedelta)
        assert isinstance(json.loads(row["data"]), dict)
        assert isinstance(row["raw"], bytes)
        assert row["parent"] is None  # a key to its own table is left empty
        # The parents were built and saved first; the nullable key got one too.
        studio = await BuiltStudio.objects().get(BuiltStudio.id == row["studio"])
        assert studio is not None
        assert await BuiltManager.exists().where(BuiltManager.id == studio.owner)
        assert await BuiltManager.exists().where(BuiltManager.id == row["helper"])
    assert len({row["code"] for row in rows}) == 3 and len({row["number"] for row in rows}) == 3


async def test_array_columns_saved_and_read_back(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, BuiltManager, BuiltArrays)
    built = [await ModelBuilder.build(BuiltArrays) for _ in range(3)]
    rows = await BuiltArrays.select().order_by(BuiltArrays.id)
    assert rows == [made.to_dict() for made in built]
    for row in rows:
        assert len(row["counts"]) == 2 and all(type(n) is int for n in row["counts"])
        assert all(type(w) is str and len(w) <= 4 for w in row["words"])
        assert await BuiltManager.exists().where(BuiltManager.id == row["owner"])


async def test_defaults_persist_and_minimal(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, *TABLES)
    manager = await ModelBuilder.build(BuiltManager, defaults={"name": "Guido"})
    studio = await ModelBuilder.build(BuiltStudio, defaults={BuiltStudio.owner: manager.id})
    assert await BuiltManager.count() == 1 and studio.owner == manager.id

    draft = await ModelBuilder.build(Everything, persist=False, minimal=True)
    assert await Everything.count() == 0  # nothing saved, not even the parents
    assert draft.helper is None and draft.parent is None  # nullable: left empty
    assert isinstance(draft.studio, BuiltStudio)  # the unsaved parent row itself
    assert await BuiltStudio.count() == 1

    with pytest.raises(ValueError, match="no column"):
        await ModelBuilder.build(BuiltManager, defaults={"nickname": "x"}, persist=False)


def test_build_sync(tmp_path: pathlib.Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "sync.sqlite"))
    manager_table = create_table_class(
        "SyncManager", class_kwargs={"db": engine}, class_members={"name": Varchar(length=8)}
    )
    manager_table.create_table().run_sync()
    row = ModelBuilder.build_sync(manager_table)
    assert manager_table.select(manager_table.name).run_sync() == [{"name": row.name}]
    run_sync(engine.close_connection_pool())


def test_unique_values_run_out_loudly() -> None:
    class Tiny(Table):
        flag = Boolean(unique=True)

    values = {ModelBuilder._value(Tiny, Tiny.flag) for _ in range(2)}
    assert values == {True, False}
    with pytest.raises(ValueError, match="no unused value"):
        ModelBuilder._value(Tiny, Tiny.flag)


def test_non_nullable_self_reference_is_refused() -> None:
    class Node(Table):
        up = ForeignKey("self", null=False)

    with pytest.raises(ValueError, match="its own table"):
        ModelBuilder.build_sync(Node, persist=False)


def test_random_builder_ranges() -> None:
    for _ in range(50):
        assert 3 <= RandomBuilder.next_int(3, 5) <= 5
        assert len(RandomBuilder.next_str(7)) == 7
        assert len(RandomBuilder.next_bytes(4)) == 4
        assert 2.0 <= RandomBuilder.next_float(2, 3, 1) <= 3.0
        value = RandomBuilder.next_decimal(4, 1)
        assert isinstance(value, decimal.Decimal) and value < 1000
        assert RandomBuilder.next_enum(Size) in {"s", "l"}
        assert isinstance(RandomBuilder.next_bool(), bool)
        assert datetime.date(2000, 1, 1) <= RandomBuilder.next_date() <= datetime.date(2050, 1, 1)
        assert RandomBuilder.next_datetime(tz_aware=True).tzinfo is datetime.UTC
        assert isinstance(RandomBuilder.next_time(), datetime.time)
        assert RandomBuilder.next_timedelta() >= datetime.timedelta(days=1)
        assert RandomBuilder.next_uuid().version == 4
        assert RandomBuilder.next_email(14).endswith("@example.com")
