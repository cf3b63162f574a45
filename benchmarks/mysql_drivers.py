"""asyncmy against aiomysql on the local MariaDB: the numbers behind MySQLEngine's driver.

Run: ``python -m benchmarks.mysql_drivers`` (needs both drivers: ``pip install asyncmy
aiomysql``, and MariaDB/MySQL at 127.0.0.1:3306, user root, empty password).

Each workload runs on a pool of 10, interleaved between the drivers over a few trials;
the median per trial is printed (lower is better for times).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

DATABASE = "vivace_driver_bench"
TRIALS = 5


async def make_pool(driver: str) -> Any:
    if driver == "asyncmy":
        import asyncmy

        return await asyncmy.create_pool(
            host="127.0.0.1", user="root", password="", db=DATABASE, maxsize=10, autocommit=True
        )
    import aiomysql

    return await aiomysql.create_pool(
        host="127.0.0.1", user="root", password="", db=DATABASE, maxsize=10, autocommit=True
    )


async def select_pk(pool: Any) -> None:
    async with pool.acquire() as connection, connection.cursor() as cursor:
        for i in range(1, 501):
            await cursor.execute("SELECT id, name, n FROM t WHERE id = %s", (i,))
            await cursor.fetchall()


async def rows_10k(pool: Any) -> None:
    async with pool.acquire() as connection, connection.cursor() as cursor:
        for _ in range(5):
            await cursor.execute("SELECT id, name, n FROM t")
            await cursor.fetchall()


async def insert_one(pool: Any) -> None:
    async with pool.acquire() as connection, connection.cursor() as cursor:
        for i in range(300):
            await cursor.execute("INSERT INTO w (name, n) VALUES (%s, %s)", (f"x{i}", i))


async def concurrent(pool: Any) -> None:
    async def one_task() -> None:
        for i in range(1, 51):
            async with pool.acquire() as connection, connection.cursor() as cursor:
                await cursor.execute("SELECT id, name, n FROM t WHERE id = %s", (i,))
                await cursor.fetchall()

    await asyncio.gather(*(one_task() for _ in range(100)))


WORKLOADS: dict[str, tuple[Callable[[Any], Awaitable[None]], int]] = {
    "select by pk (x500)": (select_pk, 500),
    "10k rows (x5)": (rows_10k, 5),
    "insert one (x300)": (insert_one, 300),
    "100 tasks x 50 pk selects": (concurrent, 5000),
}


async def setup() -> None:
    import asyncmy

    connection = await asyncmy.connect(host="127.0.0.1", user="root", password="")
    async with connection.cursor() as cursor:
        await cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        await cursor.execute(f"CREATE DATABASE {DATABASE}")
        await cursor.execute(f"USE {DATABASE}")
        await cursor.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(50), n INT)")
        await cursor.execute("CREATE TABLE w (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT, n INT)")
        await cursor.executemany(
            "INSERT INTO t VALUES (%s, %s, %s)", [(i, f"name {i}", i * 3) for i in range(1, 10001)]
        )
        await connection.commit()
    connection.close()


async def main() -> None:
    await setup()
    pools = {name: await make_pool(name) for name in ("asyncmy", "aiomysql")}
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(TRIALS):
        for workload, (fn, _count) in WORKLOADS.items():
            for name, pool in pools.items():
                start = time.perf_counter()
                await fn(pool)
                results.setdefault((workload, name), []).append(time.perf_counter() - start)
    print(f"{'workload':32} {'asyncmy':>14} {'aiomysql':>14} {'aiomysql/asyncmy':>17}")
    for workload, (_fn, count) in WORKLOADS.items():
        fast = statistics.median(results[(workload, "asyncmy")]) / count * 1e6
        slow = statistics.median(results[(workload, "aiomysql")]) / count * 1e6
        print(f"{workload:32} {fast:11.1f} µs {slow:11.1f} µs {slow / fast:16.2f}x")
    for pool in pools.values():
        pool.close()
        await pool.wait_closed()
    await drop()


async def drop() -> None:
    import asyncmy

    connection = await asyncmy.connect(host="127.0.0.1", user="root", password="")
    async with connection.cursor() as cursor:
        await cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    connection.close()


if __name__ == "__main__":
    asyncio.run(main())
