"""PgBouncer in transaction mode (plan rank 14).

Debian's pgbouncer (1.18: no ``max_prepared_statements``) is started by the fixture on a
free loopback port in front of the shared server, with 2 server connections per
database. ``PostgresEngine(..., pgbouncer=True)`` must never rely on a named or cached
prepared statement; without it the engine must refuse the pooler at once.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI, PG_PORT
from tests.reliability.harness import PgBouncer
from tests.reliability.support import TIMEOUT, pg_engine, pool_in_use, tables_on
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import PostgresEngine
from vivace.exceptions import ConfigurationError, UniqueViolation

pytestmark = pytest.mark.usefixtures("postgres_db")

TASKS, QUERIES = 20, 25


@pytest.fixture(scope="module")
def bouncer() -> Iterator[PgBouncer]:
    if shutil.which("pgbouncer") is None and not shutil.os.path.exists("/usr/sbin/pgbouncer"):  # type: ignore[attr-defined]
        reason = "pgbouncer is not installed (apt-get install -y pgbouncer)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    server = PgBouncer(PG_PORT, pool_size=2).start()
    yield server
    server.stop()


class Tally(Table, tablename="rel_bouncer_tally"):
    task = Integer()
    step = Integer()
    label = Varchar(length=40, unique=True)


def through(bouncer: PgBouncer, **options: object) -> PostgresEngine:
    return pg_engine(host=bouncer.host, port=bouncer.port, **options)  # type: ignore[arg-type]


async def test_transaction_pooling_mode(bouncer: PgBouncer) -> None:
    """20 tasks x 25 operations through PgBouncer (2 server connections): parameterised
    ORM queries, raw SQL, transactions with savepoints and rollbacks, batches. Zero
    prepared-statement errors, exact results, and no statement left on the servers."""
    engine = through(bouncer, pgbouncer=True, max_size=TASKS)
    errors: Counter[str] = Counter()
    async with tables_on(engine, Tally):

        async def worker(task: int) -> None:
            for step in range(QUERIES):
                try:
                    kind = (task + step) % 6
                    if kind == 0:
                        await Tally.insert(Tally(task=task, step=step, label=f"{task}-{step}"))
                    elif kind == 1:
                        async with engine.transaction() as transaction:
                            await Tally.insert(Tally(task=task, step=step, label=f"{task}-{step}"))
                            savepoint = await transaction.savepoint()
                            with pytest.raises(UniqueViolation):
                                await Tally.insert(
                                    Tally(task=task, step=step, label=f"{task}-{step}")
                                )
                            await savepoint.rollback_to()
                            assert await Tally.exists().where(Tally.label == f"{task}-{step}")
                    elif kind == 2:
                        rows = await Tally.select(Tally.step).where(
                            (Tally.task == task) & (Tally.step < step)
                        )
                        assert all(r["step"] < step for r in rows)
                    elif kind == 3:
                        with pytest.raises(RuntimeError):
                            async with engine.transaction():
                                await Tally.insert(Tally(task=task, step=-step, label=f"x{task}"))
                                raise RuntimeError("rolled back on purpose")
                    elif kind == 4:
                        rows = await Tally.raw(
                            "SELECT count(*) AS n FROM rel_bouncer_tally WHERE task = {}", task
                        )
                        assert rows[0]["n"] >= 0
                    else:
                        seen = 0
                        query = Tally.select(Tally.label).where(Tally.task == task)
                        async with await query.batch(batch_size=3) as batch:
                            async for chunk in batch:
                                seen += len(chunk)
                        assert seen == await Tally.count().where(Tally.task == task)
                except Exception as error:
                    errors[f"{type(error).__name__}: {error}"] += 1

        await asyncio.wait_for(asyncio.gather(*(worker(t) for t in range(TASKS))), 120)
        assert errors == Counter(), errors
        written = sum(1 for t in range(TASKS) for s in range(QUERIES) if (t + s) % 6 in (0, 1))
        assert await Tally.count() == written
        assert await Tally.count().where(Tally.step < 0) == 0
        # Whichever server connection answers, it holds no prepared statement of ours.
        for _ in range(20):
            rows = await engine.fetch_sql("SELECT count(*) AS n FROM pg_prepared_statements")
            assert rows == [{"n": 0}]
    assert pool_in_use(engine) == 0
    assert not engine._background  # no pg_terminate_backend with a made-up pid
    await engine.close_connection_pool()


async def test_pooler_refused_without_the_mode(bouncer: PgBouncer) -> None:
    """Pointed at PgBouncer without ``pgbouncer=True`` the engine fails at once with a
    ConfigurationError that says what to do (it would otherwise use named prepared
    statements and end interrupted statements by a pid that is not the server's)."""
    engine = through(bouncer)
    for _ in range(2):
        with pytest.raises(ConfigurationError, match="pgbouncer=True"):
            await engine.fetch_sql("SELECT 1")
    await engine.close_connection_pool()
    with pytest.raises(ConfigurationError, match="statement_cache_size"):
        through(bouncer, pgbouncer=True, statement_cache_size=100)


async def test_cancel_through_the_pooler(bouncer: PgBouncer) -> None:
    """A statement cancelled through PgBouncer: the client connection is thrown away (no
    pg_terminate_backend with the pooler's made-up pid), and the engine goes on."""
    engine = through(bouncer, pgbouncer=True, max_size=2)
    for _ in range(3):
        task = asyncio.create_task(engine.fetch_sql("SELECT pg_sleep(0.5)"))
        await asyncio.sleep(0.1)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=TIMEOUT)
        assert task in done and task.cancelled()
        assert not engine._background
        assert await engine.fetch_sql("SELECT 1 AS one") == [{"one": 1}]
    assert pool_in_use(engine) == 0
    await engine.close_connection_pool()
    await asyncio.sleep(0.6)  # the server-side sleeps end on their own
