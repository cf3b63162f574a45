"""``run_sync`` and ``.run_sync()`` from plain code, from threads, from inside a running
loop and from a worker thread of one, on SQLite and PostgreSQL: every call runs on the one
bridge loop, whose pool is never used by another loop (Piccolo #505, #807)."""

from __future__ import annotations

import asyncio
import pathlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import pg_config
from vivace import Table, create_table_class, run_sync
from vivace.columns import Integer
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.engine.sync import bridge_loop


@pytest.fixture(params=["sqlite", "postgres"])
def counter(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[type[Table]]:
    """A table on an engine of its own (its pools are this test's to close)."""
    engine: Engine
    if request.param == "postgres":
        request.getfixturevalue("postgres_db")
        engine = PostgresEngine(config=pg_config())
    else:
        engine = SQLiteEngine(path=str(tmp_path / "sync.sqlite"))
    table = create_table_class(
        "SyncCounter",
        class_kwargs={"db": engine, "tablename": "sync_counter"},
        class_members={"value": Integer()},
    )
    table.alter().drop_table(if_exists=True).run_sync()
    table.create_table().run_sync()
    yield table
    table.alter().drop_table(if_exists=True).run_sync()
    run_sync(engine.close_connection_pool())


def _loops_with_pools(engine: Engine) -> set[Any]:
    if isinstance(engine, PostgresEngine):
        main = {engine._pool_loop} if engine._pool is not None else set()
        return main | set(engine._parked)
    return {bridge_loop()}  # SQLite connections belong to no loop


def test_from_plain_code(counter: type[Table]) -> None:
    counter.insert(counter(value=1)).run_sync()
    assert run_sync(counter.select(counter.value).run()) == [{"value": 1}]
    assert counter.count().run_sync() == 1
    assert _loops_with_pools(counter._meta.db) == {bridge_loop()}


def test_from_many_threads_at_once(counter: type[Table]) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                counter.insert(counter(value=n * 10 + i)).run_sync()
                assert counter.exists().where(counter.value == n * 10 + i).run_sync()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counter.count().run_sync() == 30
    # One loop served them all: one pool, never one per thread, never swapped.
    assert _loops_with_pools(counter._meta.db) == {bridge_loop()}


async def test_inside_a_running_loop_and_its_worker_threads(counter: type[Table]) -> None:
    engine = counter._meta.db
    await counter.insert(counter(value=1))  # this loop's own pool
    async with engine.transaction():
        await counter.insert(counter(value=2))
        # A sync call from inside the loop: the bridge's own connection, which does not
        # see this transaction's uncommitted row, and leaves its connection alone.
        assert counter.count().run_sync() == 1
        assert await counter.count() == 2

        async def main_loop_work() -> int:
            total = 0
            for _ in range(20):
                total += await counter.count()
                await asyncio.sleep(0)
            return total

        def worker_thread_work() -> list[int]:
            return [counter.count().run_sync() for _ in range(20)]

        mine, theirs = await asyncio.gather(main_loop_work(), asyncio.to_thread(worker_thread_work))
        assert mine == 40 and theirs == [1] * 20
    assert await counter.count() == 2
    assert counter.count().run_sync() == 2
    if isinstance(engine, PostgresEngine):
        # Two pools, one per loop: the bridge's (made first, by the fixture) and this one's.
        assert _loops_with_pools(engine) == {bridge_loop(), asyncio.get_running_loop()}
        await engine.close_connection_pool()  # this loop's; the bridge's stays for teardown
        assert _loops_with_pools(engine) == {bridge_loop()}
        assert counter.count().run_sync() == 2


def test_nested_run_sync(counter: type[Table]) -> None:
    """A coroutine that run_sync runs calls sync code that calls run_sync again."""

    def sync_helper() -> int:
        async def inner() -> int:
            try:
                return await counter.count()
            finally:
                await counter._meta.db.close_connection_pool()  # its loop ends with it

        return run_sync(inner())

    async def outer() -> int:
        await counter.insert(counter(value=7))
        return sync_helper()

    assert run_sync(outer()) == 1


def test_errors_reach_the_caller() -> None:
    async def fails() -> None:
        raise LookupError("from the bridge")

    async def cancelled() -> None:
        raise asyncio.CancelledError

    async def nested_fails() -> None:
        run_sync(fails())

    with pytest.raises(LookupError, match="from the bridge"):
        run_sync(fails())
    with pytest.raises(asyncio.CancelledError):
        run_sync(cancelled())
    with pytest.raises(LookupError):
        run_sync(nested_fails())
