"""The floor: hand-written SQL on an asyncpg pool whose release sends no reset query.

As in the micro-benchmarks' floor, every query is one round trip. A request that runs
several queries holds one connection for all of them. The updates send the statements an
app on the Piccolo API sends (one ``UPDATE`` per row, each its own round trip), so the ratio
to this floor is the library's overhead, not a different plan; SQLAlchemy's session batches
its flush into an ``executemany`` by itself, which is its own merit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, World, asgi_app, settings, world

READ = "SELECT id, randomnumber FROM world WHERE id = $1"
WRITE = "UPDATE world SET randomnumber = $1 WHERE id = $2"
FORTUNES = "SELECT id, message FROM fortune"


async def _no_reset(connection: Any) -> None:
    return None


class Raw:
    pool: Any

    async def start(self) -> None:
        s = settings()
        self.pool = await asyncpg.create_pool(
            host=s["host"],
            port=s["port"],
            user=s["user"],
            password=s["password"],
            database=s["database"],
            min_size=s["pool"],
            max_size=s["pool"],
            reset=_no_reset,
        )

    async def stop(self) -> None:
        await self.pool.close()

    async def world(self, id_: int) -> World:
        row = await self.pool.fetchrow(READ, id_)
        return world(row[0], row[1])

    async def worlds(self, ids: Sequence[int]) -> list[World]:
        async with self.pool.acquire() as connection:
            statement = await connection.prepare(READ)
            return [world(*await statement.fetchrow(id_)) for id_ in ids]

    async def fortunes(self) -> list[tuple[int, str]]:
        rows: list[tuple[int, str]] = [tuple(r) for r in await self.pool.fetch(FORTUNES)]
        rows.append((0, EXTRA_FORTUNE))
        return rows

    async def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]:
        async with self.pool.acquire() as connection:
            statement = await connection.prepare(READ)
            rows = [world(*await statement.fetchrow(id_)) for id_ in ids]
            for row, number in zip(rows, numbers):
                row["randomNumber"] = number
            for row in rows:
                await connection.execute(WRITE, row["randomNumber"], row["id"])
        return rows


app = asgi_app(Raw())
