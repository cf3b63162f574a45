"""``batch()`` (server-side cursor on PostgreSQL, worker-thread ``fetchmany`` on SQLite) and
``freeze()`` (a query compiled once, run with new placeholder values) on both databases."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import gc
import tracemalloc

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Numeric, Timestamptz, Varchar
from vivace.engine import Engine, PostgresEngine
from vivace.exceptions import QueryError
from vivace.functions import Count, Upper
from vivace.query import CTE, Placeholder

D = decimal.Decimal
UTC = datetime.UTC


class BatchManager(Table, tablename="batch_manager"):
    name = Varchar(length=50)


class BatchBand(Table, tablename="batch_band"):
    name = Varchar(length=50)
    manager = ForeignKey(BatchManager, null=True)
    popularity = Integer(default=0)
    price = Numeric(digits=(8, 2), default=D("0"))
    signed = Timestamptz(null=True)


class BatchBig(Table, tablename="batch_big"):
    n = Integer()
    label = Varchar(length=40)


async def seed(db: Engine, use_tables: UseTables, count: int = 250) -> BatchManager:
    await use_tables(db, BatchManager, BatchBand)
    guido = BatchManager(name="Guido")
    await guido.save()
    await BatchBand.insert(
        *[
            BatchBand(
                name=f"band {i:03d}",
                manager=guido if i % 2 else None,
                popularity=i,
                price=D(i) / 4,
                signed=datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(days=i),
            )
            for i in range(count)
        ]
    )
    return guido


# batch -------------------------------------------------------------------------------------------
async def test_select_batches(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    query = BatchBand.select(BatchBand.name, BatchBand.price).order_by(BatchBand.popularity)
    sizes, names = [], []
    async with await query.batch(batch_size=100) as batch:
        async for rows in batch:
            sizes.append(len(rows))
            names.extend(r["name"] for r in rows)
            assert all(type(r["price"]) is D for r in rows)
    assert sizes == [100, 100, 50]
    assert names == [f"band {i:03d}" for i in range(250)]


async def test_batch_follows_where_and_output(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    query = (
        BatchBand.select(BatchBand.popularity)
        .where(BatchBand.popularity < 25)
        .order_by(BatchBand.popularity, ascending=False)
        .output(as_list=True)
    )
    async with await query.batch(batch_size=10) as batch:
        chunks = [chunk async for chunk in batch]
    assert chunks == [list(range(24, 14, -1)), list(range(14, 4, -1)), [4, 3, 2, 1, 0]]
    nested = BatchBand.select(BatchBand.name, BatchBand.manager.name).order_by(BatchBand.id)
    async with await nested.output(nested=True).batch(batch_size=2) as batch:
        first = await batch.next()
    assert first == [
        {"name": "band 000", "manager": {"name": None}},
        {"name": "band 001", "manager": {"name": "Guido"}},
    ]
    async with await query.batch(batch_size=1000) as batch:
        assert await batch.next() == list(range(24, -1, -1))
        assert await batch.next() == []  # the end: an empty chunk, as in Piccolo


async def test_objects_batches_are_instances(db: Engine, use_tables: UseTables) -> None:
    guido = await seed(db, use_tables, count=30)
    query = BatchBand.objects(BatchBand.manager).order_by(BatchBand.id)
    seen: list[BatchBand] = []
    async with await query.batch(batch_size=7) as batch:
        async for bands in batch:
            assert len(bands) <= 7
            seen.extend(bands)
    assert [b.name for b in seen] == [f"band {i:03d}" for i in range(30)]
    assert all(isinstance(b, BatchBand) for b in seen)
    assert seen[1].manager.name == "Guido" and seen[1].manager.id == guido.id
    assert seen[0].manager.id is None  # no manager: Piccolo's row of Nones
    assert seen[3].signed == datetime.datetime(2024, 1, 4, tzinfo=UTC)
    seen[0].name = "renamed"
    await seen[0].save()  # batch instances are stored rows
    assert await BatchBand.exists().where(BatchBand.name == "renamed")


async def test_batch_inside_a_transaction_shares_it(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=40)
    async with db.transaction():
        async with await BatchBand.select(BatchBand.id).batch(batch_size=15) as batch:
            async for rows in batch:
                # the loop body runs queries in the same transaction
                await BatchBand.update({BatchBand.name: Upper(BatchBand.name)}).where(
                    BatchBand.id.is_in([r["id"] for r in rows])
                )
        assert await BatchBand.count().where(BatchBand.name.like("BAND%")) == 40
    assert await BatchBand.count().where(BatchBand.name.like("BAND%")) == 40


async def test_batch_outside_a_transaction_lets_the_loop_query(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables, count=20)
    counted = []
    query = BatchBand.select(BatchBand.id).order_by(BatchBand.id)
    async with await query.batch(batch_size=5) as batch:
        async for rows in batch:
            counted.append(await BatchBand.count().where(BatchBand.id <= rows[-1]["id"]))
    assert counted == [5, 10, 15, 20]


async def test_batch_ends_cleanly_on_break_and_on_errors(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=50)
    for _ in range(12):  # more than the pool holds: every cursor gives its connection back
        async with await BatchBand.select().batch(batch_size=10) as batch:
            async for _rows in batch:
                break
    with pytest.raises(RuntimeError, match="stop"):
        async with await BatchBand.select().batch(batch_size=10) as batch:
            async for _rows in batch:
                raise RuntimeError("stop")
    assert await BatchBand.count() == 50
    with pytest.raises(QueryError, match="inside"):
        await (await BatchBand.select().batch()).next()
    with pytest.raises(QueryError, match="positive"):
        await BatchBand.select().batch(batch_size=0)


async def test_batch_of_a_cte_select(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=30)
    cheap = CTE("cheap", BatchBand.select(BatchBand.name).where(BatchBand.price < 5))
    async with await cheap.select().order_by(cheap.name).batch(batch_size=8) as batch:
        chunks = [chunk async for chunk in batch]
    assert [len(c) for c in chunks] == [8, 8, 4]
    assert chunks[0][0] == {"name": "band 000"}


async def test_sqlite_batches_read_on_a_worker_thread(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, BatchBig)
    await fill_big(sqlite_db, 100_000)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    async with await BatchBig.select(BatchBig.n, BatchBig.label).batch(batch_size=100_000) as b:
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        try:
            rows = await b.next()  # one big fetchmany: the loop keeps running meanwhile
        finally:
            task.cancel()
    assert len(rows) == 100_000
    assert ticks >= 3


async def fill_big(db: Engine, rows: int) -> None:
    if isinstance(db, PostgresEngine):
        sql = (
            "INSERT INTO batch_big (n, label) "
            f"SELECT g, 'row number ' || g FROM generate_series(1, {rows:d}) AS g"
        )
    elif db.engine_type == "mysql":
        # MariaDB's sequence engine (its recursive CTEs stop at 1000 iterations by default)
        sql = (
            "INSERT INTO batch_big (n, label) "
            f"SELECT seq, 'row number ' || seq FROM seq_1_to_{rows:d}"
        )
    else:
        sql = (
            f"WITH RECURSIVE c(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM c WHERE g < {rows:d}) "
            "INSERT INTO batch_big (n, label) SELECT g, 'row number ' || g FROM c"
        )
    await db.execute_ddl([sql])


async def test_memory_stays_flat_over_200_000_rows(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, BatchBig)
    await fill_big(db, 200_000)
    query = BatchBig.select(BatchBig.n, BatchBig.label).order_by(BatchBig.n)
    await query.limit(1)  # warm: connection, compiled statement
    gc.collect()
    tracemalloc.start()
    try:
        total = last = 0
        async with await query.batch(batch_size=1000) as batch:
            async for rows in batch:
                total += len(rows)
                last = rows[-1]["n"]
                del rows
        _, batched_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        everything = await query
        _, full_peak = tracemalloc.get_traced_memory()
        del everything
    finally:
        tracemalloc.stop()
    assert (total, last) == (200_000, 200_000)
    # a chunk of 1000 small dicts is a few hundred KB; all rows at once, tens of MB
    assert batched_peak < 2 * 1024 * 1024, batched_peak
    assert batched_peak * 8 < full_peak, (batched_peak, full_peak)


# freeze ------------------------------------------------------------------------------------------
async def test_freeze_runs_with_new_values(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=10)
    frozen = (
        BatchBand.select(BatchBand.name)
        .where(BatchBand.popularity >= Placeholder("least"), BatchBand.name.like(Placeholder("p")))
        .order_by(BatchBand.popularity)
        .freeze()
    )
    assert await frozen.run(least=8, p="band%") == [{"name": "band 008"}, {"name": "band 009"}]
    assert await frozen.run(least=0, p="%1") == [{"name": "band 001"}]
    assert await frozen.run(least=99, p="%") == []
    with pytest.raises(QueryError, match="missing values for p"):
        await frozen.run(least=1)


async def test_freeze_keeps_its_compiled_sql(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=10)
    frozen = BatchBand.select(BatchBand.name).where(BatchBand.id == Placeholder("id")).freeze()
    await frozen.run(id=1)
    cache = db.compiled_cache
    hits, misses = cache.hits, cache.misses
    compiled = frozen._compiled_for(db)
    for band_id in (2, 3, 4):
        assert await frozen.run(id=band_id) == [{"name": f"band {band_id - 1:03d}"}]
    assert (cache.hits, cache.misses) == (hits, misses)  # no key walk, no LRU lookup
    cache.clear()
    assert await frozen.run(id=5) == [{"name": "band 004"}]
    assert frozen._compiled_for(db) is compiled


async def test_frozen_values_are_converted_like_the_column(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables, count=10)
    frozen = (
        BatchBand.select(BatchBand.name)
        .where(BatchBand.signed < Placeholder("before"), BatchBand.price > Placeholder("price"))
        .order_by(BatchBand.name)
        .freeze()
    )
    rows = await frozen.run(before=datetime.datetime(2024, 1, 4, tzinfo=UTC), price=D("0.25"))
    assert rows == [{"name": "band 002"}]


async def test_freeze_without_placeholders_and_other_queries(
    db: Engine, use_tables: UseTables
) -> None:
    guido = await seed(db, use_tables, count=10)
    names = BatchBand.select(BatchBand.name).order_by(BatchBand.id).output(as_list=True).freeze()
    assert (await names)[:2] == ["band 000", "band 001"]
    count = BatchBand.count().where(BatchBand.popularity > Placeholder("n")).freeze()
    assert await count.run(n=5) == 4
    exists = BatchBand.exists().where(BatchBand.name == Placeholder("name")).freeze()
    assert await exists.run(name="band 003") is True
    assert await exists.run(name="nope") is False
    get = BatchBand.objects(BatchBand.manager).get(BatchBand.id == Placeholder("id")).freeze()
    band = await get.run(id=2)
    assert band is not None and band.name == "band 001" and band.manager.name == "Guido"
    assert await get.run(id=999) is None
    objects = BatchBand.objects().where(BatchBand.manager == Placeholder("m")).freeze()
    assert len(await objects.run(m=guido.id)) == 5
    grouped = (
        BatchBand.select(BatchBand.manager, Count())
        .group_by(BatchBand.manager)
        .having(Count() > Placeholder("at_least"))
        .freeze()
    )
    assert len(await grouped.run(at_least=4)) == 2
    update = (
        BatchBand.update({BatchBand.name: Placeholder("name")})
        .where(BatchBand.id == Placeholder("id"))
        .freeze()
    )
    await update.run(name="first", id=1)
    await update.run(name="second", id=2)
    assert (await names)[:2] == ["first", "second"]
    delete = BatchBand.delete().where(BatchBand.popularity > Placeholder("n")).freeze()
    await delete.run(n=7)
    assert await BatchBand.count() == 8


async def test_frozen_query_in_a_transaction(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables, count=5)
    rename = (
        BatchBand.update({BatchBand.name: Placeholder("name")})
        .where(BatchBand.id == Placeholder("id"))
        .freeze()
    )
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await rename.run(name="gone", id=1)
            raise RuntimeError
    assert await BatchBand.exists().where(BatchBand.name == "gone") is False


async def test_raw_batch(db: Engine, use_tables: UseTables) -> None:
    """Piccolo's ``raw(...).batch()``: the raw rows as dicts, chunk by chunk, values bound."""
    await seed(db, use_tables, count=25)
    raw = BatchBand.raw(
        "SELECT name, popularity FROM batch_band WHERE popularity >= {} ORDER BY popularity", 5
    )
    chunks = []
    async with await raw.batch(batch_size=8) as batch:
        async for rows in batch:
            chunks.append(rows)
    assert [len(chunk) for chunk in chunks] == [8, 8, 4]
    assert chunks[0][0] == {"name": "band 005", "popularity": 5}
    assert [row["popularity"] for chunk in chunks for row in chunk] == list(range(5, 25))
    async with await raw.batch(batch_size=100) as batch:
        assert len(await batch.next()) == 20
        assert await batch.next() == []
    with pytest.raises(QueryError):
        await raw.batch(batch_size=0)
