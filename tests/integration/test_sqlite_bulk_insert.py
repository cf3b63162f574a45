"""Issue 15: on SQLite an insert of many rows leaves ``RETURNING`` out and takes the new
keys from the last insert rowid (``SQLiteEngine.insert_rowids``), and behaves exactly as
the ``RETURNING`` insert it replaces: the same keys written back and returned, atomic, in
the caller's transaction, the same errors, a clean connection after an error or a
cancellation. Where the keys could not be told that way (a trigger writing rows, the
largest rowid reached, a key that is not the rowid) the insert is undone and sent again
with ``RETURNING``.

``sent`` records every statement SQLite runs (its trace callback), in order.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Varchar
from vivace.engine import SQLiteEngine
from vivace.engine.sqlite import _INLINE_PARAMS, _OFF
from vivace.exceptions import ForeignKeyViolation, InvalidValue, UniqueViolation
from vivace.orm import write
from vivace.sql import Insert

N = 400  # above ROWID_INSERT_MIN_ROWS, and too many values (3 a row) to run on the loop
assert write.ROWID_INSERT_MIN_ROWS <= N
assert N * 3 > _INLINE_PARAMS
MAX_ROWID = 2**63 - 1


class RowidManager(Table, tablename="rowid_manager"):
    name = Varchar(length=50)


class RowidBand(Table, tablename="rowid_band"):
    name = Varchar(length=12, unique=True)
    popularity = Integer(default=7)
    manager = ForeignKey(RowidManager, null=True)


class Slow:
    """Makes the next INSERT sleep ``seconds`` in the trace callback (on the thread that
    runs it), so a cancellation can arrive meanwhile, then stop at SQLite's next progress
    check as an interrupted statement does (SQLite may not look at an interrupt that
    arrives while the callback runs before the short insert ends); ``started`` is set
    when it begins."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.started = threading.Event()


@pytest.fixture
def slow() -> Slow:
    return Slow()


@pytest.fixture
def sent(
    sqlite_db: SQLiteEngine, monkeypatch: pytest.MonkeyPatch, slow: Slow
) -> Iterator[list[str]]:
    """Every statement the engine's connections run, in order."""
    statements: list[str] = []

    def watch(connection: Any) -> None:
        steps = connection.steps

        def trace(sql: str) -> None:
            statements.append(sql)
            if sql.startswith("INSERT") and slow.seconds:
                pause, slow.seconds = slow.seconds, 0.0  # this INSERT only
                slow.started.set()
                time.sleep(pause)
                steps[0] = 1 << 60  # over any budget: the progress handler stops it
            elif steps[0] == 1 << 60:
                steps[0] = _OFF  # the next statement runs as usual

        connection.raw.set_trace_callback(trace)

    connect = sqlite_db._connect

    def traced() -> Any:
        connection = connect()
        watch(connection)
        return connection

    monkeypatch.setattr(sqlite_db, "_connect", traced)
    for connection in sqlite_db._all:
        watch(connection)
    yield statements


def _inserts(sent: list[str]) -> list[str]:
    return [sql for sql in sent if sql.startswith("INSERT INTO")]


def _bands(count: int, start: int = 0) -> list[RowidBand]:
    return [RowidBand(name=f"b{i}", popularity=i) for i in range(start, start + count)]


async def _stored_ids(names: list[str]) -> list[Any]:
    """The stored key of each named row, in the order of ``names``."""
    stored = {
        row["name"]: row["id"] for row in await RowidBand.select(RowidBand.id, RowidBand.name)
    }
    return [stored.get(name) for name in names]


async def _check_ids(rows: list[RowidBand], result: list[dict[str, Any]]) -> None:
    """The keys returned and written back are the stored ones, row by row."""
    ids = await _stored_ids([row.name for row in rows])
    assert None not in ids
    assert result == [{"id": key} for key in ids]
    assert [row.id for row in rows] == ids
    assert all(row._exists_in_db for row in rows)


async def _clean(engine: SQLiteEngine) -> None:
    """No connection is left in a transaction or holding a statement's savepoint (once
    any cancelled statement has wound down on the worker)."""
    for _ in range(200):
        if all(connection.pending is None for connection in engine._all):
            break
        await asyncio.sleep(0.01)
    assert engine._all
    for connection in engine._all:
        assert not connection.raw.in_transaction


async def test_many_rows_are_inserted_without_returning_and_get_their_ids(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    await RowidBand.insert(*_bands(3, start=1000))  # keys before: the new ones follow them
    rows = _bands(N)
    result = await RowidBand.insert(*rows)
    inserts = _inserts(sent)
    assert "RETURNING" not in inserts[-1]
    assert "RETURNING" in inserts[-2]  # a few rows keep it: the check would cost more
    await _check_ids(rows, result)
    assert rows[0].id == 4
    await _clean(sqlite_db)


async def test_rows_the_loop_would_insert_keep_returning_but_not_in_a_transaction(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    """Few enough values run on the event loop with ``RETURNING``: cheaper than the
    thread hop the rowid check takes. In a transaction such an insert runs on the worker
    thread either way, so it goes by rowid."""
    await use_tables(sqlite_db, RowidManager, RowidBand)
    few = write.ROWID_INSERT_MIN_ROWS
    assert few * 3 <= _INLINE_PARAMS
    rows = _bands(few)
    result = await RowidBand.insert(*rows)
    assert "RETURNING" in _inserts(sent)[-1]
    await _check_ids(rows, result)
    async with sqlite_db.transaction():
        rows = _bands(few, start=few)
        result = await RowidBand.insert(*rows)
    assert "RETURNING" not in _inserts(sent)[-1]
    await _check_ids(rows, result)
    await _clean(sqlite_db)


async def test_the_same_rows_give_the_same_result_both_ways(
    sqlite_db: SQLiteEngine,
    use_tables: UseTables,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    manager = RowidManager(name="m")
    await manager.save()
    rows = _bands(N)
    rows[5].manager = manager  # a related row is stored as its key
    by_rowid = await RowidBand.insert(*rows)
    first = await RowidBand.select().order_by(RowidBand.id)
    await RowidBand.delete(force=True)
    monkeypatch.setattr(write, "ROWID_INSERT_MIN_ROWS", 10**9)
    again = _bands(N)
    again[5].manager = manager
    by_returning = await RowidBand.insert(*again)
    second = await RowidBand.select().order_by(RowidBand.id)
    assert "RETURNING" in _inserts(sent)[-1]
    # The table was emptied, and its keys are no AUTOINCREMENT: they start again at 1.
    assert by_returning == by_rowid == [{"id": row["id"]} for row in first]
    assert second == first
    assert first[5]["manager"] == manager.id


async def test_a_trigger_writing_rows_sends_the_insert_again_with_returning(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    """A trigger's rows could take keys between the new ones: the first try is undone
    (its trigger's rows too) and the insert runs again with ``RETURNING``."""
    await use_tables(sqlite_db, RowidManager, RowidBand)
    await sqlite_db.fetch_sql(
        "CREATE TRIGGER rowid_band_copy AFTER INSERT ON rowid_band WHEN new.popularity % 2 = 0 "
        "BEGIN INSERT INTO rowid_band (name, popularity) VALUES (new.name || 'c', 1); END"
    )
    rows = _bands(N)
    result = await RowidBand.insert(*rows)
    undo = sent.index("ROLLBACK TO vivace_insert_rowids")  # the first try, undone
    assert "RETURNING" not in _inserts(sent[:undo])[-1]
    assert "RETURNING" in _inserts(sent[undo:])[-1]
    await _check_ids(rows, result)
    assert await RowidBand.count() == N + N // 2  # each even row's copy, once
    await _clean(sqlite_db)


async def test_the_largest_rowid_reached_sends_the_insert_again_with_returning(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    """Past the largest rowid SQLite picks free ones at random: not consecutive keys."""
    await use_tables(sqlite_db, RowidManager, RowidBand)
    # Above the Serial's 32-bit range: only raw SQL may store it.
    await sqlite_db.fetch_sql(
        "INSERT INTO rowid_band (id, name, popularity) VALUES (?, 'high', 0)", [MAX_ROWID - 20]
    )
    rows = _bands(N)
    result = await RowidBand.insert(*rows)
    assert "RETURNING" in _inserts(sent)[-1]
    await _check_ids(rows, result)
    assert rows[19].id == MAX_ROWID  # the rest went at random
    await _clean(sqlite_db)


async def test_a_key_that_is_not_the_rowid_sends_the_insert_again_with_returning(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    """``INTEGER PRIMARY KEY DESC`` is no rowid alias: SQLite leaves such a key NULL; the
    insert says so, as with ``RETURNING``."""
    await use_tables(sqlite_db, RowidManager, RowidBand)
    await sqlite_db.fetch_sql("DROP TABLE rowid_band")
    await sqlite_db.fetch_sql(
        "CREATE TABLE rowid_band (id INTEGER PRIMARY KEY DESC, name VARCHAR(12) UNIQUE, "
        "popularity INTEGER NOT NULL, manager INTEGER)"
    )
    rows = _bands(N)
    result = await RowidBand.insert(*rows)
    assert "RETURNING" in _inserts(sent)[-1]
    assert result == [{"id": None}] * N
    assert await RowidBand.count() == N
    await _clean(sqlite_db)


async def test_inside_a_transaction_and_rolled_back_with_it(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with sqlite_db.transaction():
            await RowidBand.insert(*_bands(N))
            assert "RETURNING" not in _inserts(sent)[-1]
            assert await RowidBand.count() == N  # seen inside the transaction
            raise Undo
    assert await RowidBand.count() == 0

    async with sqlite_db.transaction(transaction_type="deferred"):
        rows = _bands(N)
        result = await RowidBand.insert(*rows)
    await _check_ids(rows, result)
    await _clean(sqlite_db)


async def test_several_statements_are_one_transaction_with_their_ids(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    per_statement = sqlite_db.dialect.max_parameters // 3
    rows = _bands(per_statement + N)
    result = await RowidBand.insert(*rows)
    inserts = _inserts(sent)
    assert len(inserts) == 2 and "RETURNING" not in inserts[0] + inserts[1]
    await _check_ids(rows, result)

    clash = _bands(per_statement + N, start=10**6)
    clash[-1].name = rows[0].name  # the second statement fails: the first is undone
    with pytest.raises(UniqueViolation):
        await RowidBand.insert(*clash)
    assert await RowidBand.count() == len(rows)
    await _clean(sqlite_db)


async def test_errors_are_mapped_and_nothing_is_inserted(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    rows = _bands(N)
    rows[-1].name = rows[0].name
    with pytest.raises(UniqueViolation):
        await RowidBand.insert(*rows)
    assert "RETURNING" not in _inserts(sent)[-1]
    assert not any(row._exists_in_db or row.id for row in rows)

    rows = _bands(N)
    rows[-1].manager = 12345
    with pytest.raises(ForeignKeyViolation):
        await RowidBand.insert(*rows)

    rows = _bands(N)
    rows[30].popularity = 2**70  # refused before SQLite sees it, with the same message
    with pytest.raises(InvalidValue, match=r"rowid_band\.popularity"):
        await RowidBand.insert(*rows)
    assert await RowidBand.count() == 0
    await _clean(sqlite_db)

    rows = _bands(N)
    await _check_ids(rows, await RowidBand.insert(*rows))


async def test_a_cancelled_insert_leaves_nothing_and_a_clean_connection(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str], slow: Slow
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    slow.seconds = 0.3
    task = asyncio.create_task(RowidBand.insert(*_bands(N)).run())
    while not slow.started.is_set():
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    rows = _bands(N, start=N)
    result = await RowidBand.insert(*rows)
    await _check_ids(rows, result)
    await _clean(sqlite_db)
    assert "ROLLBACK TO vivace_insert_rowids" in sent  # it was stopped and undone
    assert await RowidBand.count() == N  # the cancelled insert left nothing


async def test_keys_given_are_kept_and_returned_as_with_returning(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    """Rows that bring their keys (in any order) are not numbered from the last rowid."""
    await use_tables(sqlite_db, RowidManager, RowidBand)
    keys = [(i * 7919) % 1000 + 1 for i in range(N)]  # distinct, out of order
    rows = [RowidBand(id=key, name=f"k{key}") for key in keys]
    async with sqlite_db.transaction():
        result = await RowidBand.insert(*rows)
    assert "RETURNING" in _inserts(sent)[-1]
    assert result == [{"id": key} for key in keys]
    await _check_ids(rows, result)


async def test_insert_rowids_declines_what_it_cannot_number(
    sqlite_db: SQLiteEngine, use_tables: UseTables, sent: list[str]
) -> None:
    await use_tables(sqlite_db, RowidManager, RowidBand)
    columns: list[Any] = [RowidBand.name, RowidBand.popularity]
    values = [(f"d{i}", i) for i in range(N)]
    pk: Any = RowidBand._meta.primary_key
    async with sqlite_db.transaction():
        declined = [
            await sqlite_db.insert_rowids(Insert(RowidBand, columns, values, [pk])),
            await sqlite_db.insert_rowids(
                Insert(RowidBand, [pk, *columns], [(i + 1, *v) for i, v in enumerate(values)])
            ),
        ]
        numbered = await sqlite_db.insert_rowids(Insert(RowidBand, columns, values))
    assert declined == [None, None]
    assert numbered == list(range(1, N + 1))
    assert len(_inserts(sent)) == 1  # the declined ones ran nothing
    assert await _stored_ids([f"d{i}" for i in range(N)]) == numbered
