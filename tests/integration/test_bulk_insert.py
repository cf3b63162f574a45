"""Issue 15: on PostgreSQL an insert of many rows goes as one array per column
(``INSERT ... SELECT * FROM unnest($1::type[], ...) RETURNING``) and behaves exactly as the
``VALUES`` list it replaces: the same ids written back and returned, the same stored values
and defaults, values checked first with the same message, driver errors mapped with the
driver's error as ``__cause__``, atomic, and inside the caller's transaction.

Each test runs the same rows through both forms where it compares them (``as_values``
forces the ``VALUES`` list) and watches the SQL the engine sends (``sent``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from tests.conftest import UseTables
from tests.integration.test_values import REFUSED, STORED
from vivace import Table
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
    ForeignKey,
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
from vivace.engine import PostgresEngine
from vivace.exceptions import ForeignKeyViolation, InvalidValue, UniqueViolation
from vivace.orm import write

N = 120  # above ARRAY_INSERT_MIN_ROWS
assert write.ARRAY_INSERT_MIN_ROWS <= N


class BulkManager(Table, tablename="bulk_manager"):
    name = Varchar(length=50)


class BulkBand(Table, tablename="bulk_band"):
    name = Varchar(length=10)
    popularity = Integer(default=7)
    manager = ForeignKey(BulkManager, null=True)


class BulkValues(Table, tablename="bulk_values"):
    small = SmallInt(null=True)
    big = BigInt(null=True)
    flag = Boolean(null=True)
    code = Char(length=3, null=True)
    body = Text(null=True)
    price = Numeric(digits=(5, 2), null=True)
    ratio = Real(null=True)
    double = DoublePrecision(null=True)
    local = Timestamp(null=True)
    moment = Timestamptz(null=True)
    day = Date(null=True)
    at = Time(null=True)
    span = Interval(null=True)
    ident = UUID(null=True)
    doc = JSON(null=True)
    docb = JSONB(null=True)
    blob = Bytea(null=True)


class BulkKeyed(Table, tablename="bulk_keyed"):
    key = UUID(primary_key=True)  # filled in Python (uuid4): every row has its key
    name = Varchar(length=10)


class BulkArrays(Table, tablename="bulk_arrays"):
    name = Varchar(length=10)
    counts = Array(base_column=Integer())


@pytest.fixture
def sent(postgres_db: PostgresEngine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the engine sends, in order (the real driver still runs them)."""
    statements: list[str] = []
    driver_fetch = postgres_db._driver_fetch

    async def spy(connection: Any, sql: str, params: Any) -> list[Any]:
        statements.append(sql)
        return await driver_fetch(connection, sql, params)

    monkeypatch.setattr(postgres_db, "_driver_fetch", spy)
    return statements


@pytest.fixture
def as_values(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inserts go as a ``VALUES`` list whatever their size (the form before issue 15)."""
    monkeypatch.setattr(write, "ARRAY_INSERT_MIN_ROWS", 10**9)
    yield


def _inserts(sent: list[str]) -> list[str]:
    return [sql for sql in sent if sql.startswith("INSERT")]


def _bands(count: int, start: int = 0) -> list[BulkBand]:
    return [BulkBand(name=f"b{i}", popularity=i) for i in range(start, start + count)]


async def test_many_rows_go_as_arrays_and_get_their_ids(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    rows = _bands(N)
    result = await BulkBand.insert(*rows)
    (sql,) = _inserts(sent)
    assert " SELECT * FROM unnest($1::" in sql and "VALUES" not in sql, sql
    assert sql.endswith('RETURNING "id"'), sql
    ids = [row.id for row in rows]
    assert result == [{"id": i} for i in ids]
    assert ids == sorted(ids) and len(set(ids)) == N  # in the rows' order, one each
    assert all(row._exists_in_db for row in rows)
    stored = await BulkBand.select(BulkBand.id, BulkBand.name).order_by(BulkBand.id)
    assert stored == [{"id": row.id, "name": row.name} for row in rows]


async def test_few_rows_and_on_conflict_keep_the_values_list(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    await BulkBand.insert(*_bands(write.ARRAY_INSERT_MIN_ROWS - 1))
    await BulkBand.insert(*_bands(N, start=100)).on_conflict(action="DO NOTHING")
    first, second = _inserts(sent)
    assert "VALUES" in first and "unnest" not in first
    assert "VALUES" in second and "ON CONFLICT DO NOTHING" in second
    assert await BulkBand.count() == write.ARRAY_INSERT_MIN_ROWS - 1 + N


async def test_every_scalar_type_is_stored_as_a_values_list_stores_it(
    postgres_db: PostgresEngine,
    use_tables: UseTables,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await use_tables(postgres_db, BulkValues)
    utc = datetime.UTC

    def rows() -> list[BulkValues]:
        made = []
        for i in range(N):
            made.append(
                BulkValues(
                    small=i - 20,
                    big=2**62 + i,
                    flag=i % 3 == 0,
                    code="ab" if i % 2 else None,  # blank-padded by the column, both ways
                    body=f"héllo {i}",
                    price=Decimal("1.5") + i,
                    ratio=0.1 * i,
                    double=1.0 / (i + 1),
                    local=datetime.datetime(2024, 5, 1, 12, i % 60),
                    moment=datetime.datetime(2024, 5, 1, 12, i % 60, tzinfo=utc),
                    day=datetime.date(2024, 1, 1 + i % 28),
                    at=datetime.time(9, i % 60),
                    span=datetime.timedelta(minutes=i),
                    ident=uuid.UUID(int=i) if i % 4 else str(uuid.UUID(int=i)),
                    doc={"i": i, "list": [1, "two"]},
                    docb=[i, {"k": None}],
                    blob=bytes([i, 0, 255]),
                )
            )
        return made

    arrays = rows()
    await BulkValues.insert(*arrays)
    assert "unnest" in _inserts(sent)[-1]
    monkeypatch.setattr(write, "ARRAY_INSERT_MIN_ROWS", 10**9)
    values = rows()
    await BulkValues.insert(*values)
    assert "VALUES" in _inserts(sent)[-1]

    stored = await BulkValues.select().order_by(BulkValues.id)
    by_arrays, by_values = stored[:N], stored[N:]
    for a, v in zip(by_arrays, by_values, strict=True):
        a.pop("id"), v.pop("id")
        assert a == v
    assert by_arrays[1]["code"] == "ab " and by_arrays[4]["ident"] == uuid.UUID(int=4)


async def test_defaults_and_related_rows_are_filled_in(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    manager = BulkManager(name="Guido")
    await manager.save()
    rows = [BulkBand(name=f"d{i}", manager=manager if i % 2 else None) for i in range(N)]
    await BulkBand.insert(*rows)
    assert "unnest" in _inserts(sent)[-1]
    stored = await BulkBand.select().order_by(BulkBand.id)
    assert {r["popularity"] for r in stored} == {7}  # the column's default
    assert [r["manager"] for r in stored] == [manager.id if i % 2 else None for i in range(N)]


async def test_array_columns_keep_the_values_list(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkArrays)
    rows = [BulkArrays(name=f"a{i}", counts=[i, i + 1]) for i in range(N)]
    await BulkArrays.insert(*rows)
    assert "VALUES" in _inserts(sent)[-1]  # unnest would flatten the arrays
    stored = await BulkArrays.select(BulkArrays.counts).order_by(BulkArrays.id)
    assert [r["counts"] for r in stored] == [[i, i + 1] for i in range(N)]


async def test_rows_with_and_without_primary_keys(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    given = [BulkBand(id=1000 + i, name=f"g{i}") for i in range(N)]
    new = _bands(N)
    rows = [row for pair in zip(given, new, strict=True) for row in pair]
    result = await BulkBand.insert(*rows)
    assert [s for s in _inserts(sent) if "unnest" in s] and len(_inserts(sent)) == 2
    assert [row.id for row in given] == [1000 + i for i in range(N)]
    assert {r["id"] for r in result} == {row.id for row in rows}
    assert await BulkBand.count() == 2 * N


async def test_a_primary_key_made_in_python_is_sent_and_returned(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkKeyed)
    rows = [BulkKeyed(name=f"k{i}") for i in range(N)]
    keys = [row.key for row in rows]
    result = await BulkKeyed.insert(*rows)
    sql = _inserts(sent)[-1]
    assert '("key", "name") SELECT * FROM unnest($1::pg_catalog.uuid[]' in sql, sql
    assert sql.endswith('RETURNING "key"'), sql
    assert result == [{"key": key} for key in keys] and [row.key for row in rows] == keys
    stored = await BulkKeyed.select(BulkKeyed.key, BulkKeyed.name)
    assert {r["key"]: r["name"] for r in stored} == {row.key: row.name for row in rows}


@pytest.mark.parametrize("form", ["arrays", "values"])
async def test_refused_values_name_the_same_first_value(
    postgres_db: PostgresEngine,
    use_tables: UseTables,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    if form == "values":
        monkeypatch.setattr(write, "ARRAY_INSERT_MIN_ROWS", 10**9)
    rows = _bands(N)
    rows[30].popularity = 2**40  # a later column of an earlier row ...
    rows[31].name = "far too long"  # ... comes first, row by row
    with pytest.raises(InvalidValue) as caught:
        await BulkBand.insert(*rows)
    assert str(caught.value).startswith("bulk_band.popularity expects an int from")
    assert "got int 1099511627776" in str(caught.value)
    assert caught.value.__cause__ is None  # refused before the driver saw it
    assert _inserts(sent) == []
    assert await BulkBand.count() == 0
    assert all(row.id is None for row in rows)


async def test_unique_violation_is_mapped_and_nothing_is_inserted(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    rows = [BulkBand(id=500 + i % (N - 1), name=f"u{i}") for i in range(N)]  # one repeat
    with pytest.raises(UniqueViolation) as caught:
        await BulkBand.insert(*rows)
    assert isinstance(caught.value.__cause__, asyncpg.UniqueViolationError)
    assert "unnest" in _inserts(sent)[-1]
    assert await BulkBand.count() == 0
    assert not any(row._exists_in_db for row in rows)


async def test_foreign_key_violation_is_mapped(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    rows = _bands(N)
    rows[-1].manager = 12345
    with pytest.raises(ForeignKeyViolation) as caught:
        await BulkBand.insert(*rows)
    assert isinstance(caught.value.__cause__, asyncpg.ForeignKeyViolationError)
    assert await BulkBand.count() == 0


async def test_inside_a_transaction_and_rolled_back_with_it(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with postgres_db.transaction():
            rows = _bands(N)
            await BulkBand.insert(*rows)
            assert "unnest" in _inserts(sent)[-1]
            assert await BulkBand.count() == N  # seen inside the transaction
            raise Undo
    assert await BulkBand.count() == 0

    async with postgres_db.transaction():
        await BulkBand.insert(*_bands(N))
    assert await BulkBand.count() == N


async def test_several_statements_are_one_transaction(
    postgres_db: PostgresEngine,
    use_tables: UseTables,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    monkeypatch.setattr(write, "ARRAY_INSERT_MAX_ROWS", 50)
    rows = _bands(N)  # 50 + 50 + 20
    result = await BulkBand.insert(*rows)
    assert len([s for s in _inserts(sent) if "unnest" in s]) == 3
    assert [r["id"] for r in result] == [row.id for row in rows]

    failing = _bands(N, start=1000)
    failing[-1].manager = 12345  # the last statement fails: the first two are undone
    with pytest.raises(ForeignKeyViolation):
        await BulkBand.insert(*failing)
    assert await BulkBand.count() == N


async def test_returning_other_columns(
    postgres_db: PostgresEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    rows = _bands(N)
    result = await BulkBand.insert(*rows).returning(BulkBand.name, BulkBand.popularity)
    assert "unnest" in _inserts(sent)[-1]
    assert result == [{"name": f"b{i}", "popularity": i} for i in range(N)]


async def test_the_database_column_type_is_used_not_the_model_s(
    postgres_db: PostgresEngine, sent: list[str]
) -> None:
    """A column the model calls Varchar may be an enum in the database (a reflected or
    hand-made table): the arrays are cast to the enum, as a VALUES list's parameters are."""
    await postgres_db.fetch_sql("DROP TABLE IF EXISTS bulk_mood")
    await postgres_db.fetch_sql("DROP TYPE IF EXISTS bulk_feel")
    await postgres_db.fetch_sql("CREATE TYPE bulk_feel AS ENUM ('happy', 'sad')")
    await postgres_db.fetch_sql(
        "CREATE TABLE bulk_mood (id serial PRIMARY KEY, feel bulk_feel, label character(4))"
    )

    class BulkMood(Table, tablename="bulk_mood", db=postgres_db):
        feel = Varchar(length=10)
        label = Char(length=4)

    try:
        rows = [BulkMood(feel="happy" if i % 2 else "sad", label="ab") for i in range(N)]
        await BulkMood.insert(*rows)
        assert "unnest" in _inserts(sent)[-1]
        assert "::public.bulk_feel[]" in _inserts(sent)[-1]
        assert "::pg_catalog.bpchar[]" in _inserts(sent)[-1]  # unsized: not character(1)
        stored = await BulkMood.select(BulkMood.feel, BulkMood.label).order_by(BulkMood.id)
        assert stored[:2] == [{"feel": "sad", "label": "ab  "}, {"feel": "happy", "label": "ab  "}]
    finally:
        await postgres_db.fetch_sql("DROP TABLE bulk_mood")
        await postgres_db.fetch_sql("DROP TYPE bulk_feel")


async def test_column_types_are_read_again_after_ddl(
    postgres_db: PostgresEngine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    types = await postgres_db.insert_array_types(BulkBand)
    assert types is not None and types["popularity"] == "pg_catalog.int4"
    await postgres_db.fetch_sql("ALTER TABLE bulk_band ALTER COLUMN popularity TYPE bigint")
    types = await postgres_db.insert_array_types(BulkBand)
    assert types is not None and types["popularity"] == "pg_catalog.int8"


async def test_the_same_rows_give_the_same_results_both_ways(
    postgres_db: PostgresEngine, use_tables: UseTables, monkeypatch: pytest.MonkeyPatch
) -> None:
    await use_tables(postgres_db, BulkManager, BulkBand)
    by_arrays = await BulkBand.insert(*_bands(N))
    monkeypatch.setattr(write, "ARRAY_INSERT_MIN_ROWS", 10**9)
    by_values = await BulkBand.insert(*_bands(N))
    assert [list(r) for r in by_arrays] == [list(r) for r in by_values] == [["id"]] * N
    assert [r["id"] for r in by_values] == [r["id"] + N for r in by_arrays]


#: ``test_values.REFUSED``'s cases for the columns ``BulkValues`` has (its names there).
_RENAMED = {"ref": "ident", "raw": "blob"}
REFUSED_HERE = [
    (_RENAMED.get(column, column), value, words)
    for column, value, words in REFUSED
    if _RENAMED.get(column, column) in BulkValues._meta.column_by_name
]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    REFUSED_HERE,
    ids=[f"{c}-{type(v).__name__}" for c, v, _ in REFUSED_HERE],
)
async def test_every_refused_value_is_refused_as_by_a_values_list(
    postgres_db: PostgresEngine,
    use_tables: UseTables,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
    column: str,
    value: Any,
    words: str,
) -> None:
    await use_tables(postgres_db, BulkValues)
    messages = []
    for minimum in (write.ARRAY_INSERT_MIN_ROWS, 10**9):  # arrays, then a VALUES list
        monkeypatch.setattr(write, "ARRAY_INSERT_MIN_ROWS", minimum)
        rows = [BulkValues() for _ in range(N)]
        setattr(rows[25], column, value)
        with pytest.raises(InvalidValue) as caught:
            await BulkValues.insert(*rows)
        assert caught.value.__cause__ is None
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"bulk_values.{column} expects") and words in messages[0]
    assert _inserts(sent) == []
    assert await BulkValues.count() == 0


STORED_HERE = [
    (_RENAMED.get(column, column), value, expected)
    for column, value, expected in STORED
    if _RENAMED.get(column, column) in BulkValues._meta.column_by_name
]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    STORED_HERE,
    ids=[f"{c}-{type(v).__name__}" for c, v, _ in STORED_HERE],
)
async def test_every_stored_value_reads_back_as_from_a_values_list(
    postgres_db: PostgresEngine,
    use_tables: UseTables,
    sent: list[str],
    column: str,
    value: Any,
    expected: Any,
) -> None:
    await use_tables(postgres_db, BulkValues)
    rows = [BulkValues(**{column: value}) for _ in range(N)]
    await BulkValues.insert(*rows)
    assert "unnest" in _inserts(sent)[-1]
    stored = await BulkValues.select(getattr(BulkValues, column)).order_by(BulkValues.id)
    assert len(stored) == N
    for row in stored:
        assert row[column] == expected and type(row[column]) is type(expected)
