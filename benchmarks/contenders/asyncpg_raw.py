"""The PostgreSQL floors: hand-written SQL on an asyncpg pool.

``asyncpg`` (the floor) releases a connection without asyncpg's reset query, so every query
is one round trip; ``asyncpg-reset`` keeps asyncpg's default pool, which sends
``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` on every release.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from benchmarks.contenders.base import Contender
from benchmarks.workload import (
    ALIAS_COLUMNS,
    BULK_ROWS,
    COLUMNS,
    JOIN_COLUMNS,
    BandRow,
    band_pk,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
)


async def _no_reset(connection: Any) -> None:
    return None


class Asyncpg(Contender):
    name = "asyncpg"
    role = "floor"
    backends = ("postgres",)
    package = "asyncpg"
    description = "hand-written SQL, create_pool(min=max=10, reset=no-op): one round trip a query"

    #: Release connections without asyncpg's reset query.
    no_reset = True

    async def setup(self) -> None:
        t = self.t
        options: dict[str, Any] = {"min_size": self.context.pool_size}
        options["max_size"] = self.context.pool_size
        if self.no_reset:
            options["reset"] = _no_reset
        self.pool = await asyncpg.create_pool(**self.context.pg_config, **options)
        cols = ", ".join(COLUMNS)
        self.sql_pk = f"SELECT {cols} FROM {t.band} WHERE id = $1"
        self.sql_rows = f"SELECT {cols} FROM {t.band} LIMIT $1"
        self.sql_pk_alias = (
            f"SELECT id, name AS band_name, popularity, manager_id FROM {t.band} WHERE id = $1"
        )
        self.sql_insert = (
            f"INSERT INTO {t.band} (name, popularity, manager_id) VALUES ($1, $2, $3) RETURNING id"
        )
        self.sql_bulk = f"INSERT INTO {t.band} (name, popularity, manager_id) VALUES ($1, $2, $3)"
        self.sql_update = f"UPDATE {t.band} SET popularity = $1 WHERE id = $2"
        self.sql_update_manager = f"UPDATE {t.manager} SET name = $1 WHERE id = $2"
        self.sql_join = (
            f"SELECT b.name, m.name AS manager_name FROM {t.band} b "
            f"LEFT JOIN {t.manager} m ON m.id = b.manager_id LIMIT 1000"
        )

    async def teardown(self) -> None:
        await self.pool.close()

    async def pk_dict(self, i: int) -> Any:
        return dict(zip(COLUMNS, await self.pool.fetchrow(self.sql_pk, band_pk(i))))

    async def pk_object(self, i: int) -> Any:
        return BandRow(*await self.pool.fetchrow(self.sql_pk, band_pk(i)))

    async def pk_dict_alias(self, i: int) -> Any:
        return dict(zip(ALIAS_COLUMNS, await self.pool.fetchrow(self.sql_pk_alias, band_pk(i))))

    async def pk_object_where(self, i: int) -> Any:  # hand-written SQL has one form
        return BandRow(*await self.pool.fetchrow(self.sql_pk, band_pk(i)))

    async def rows_1k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in await self.pool.fetch(self.sql_rows, 1000)]

    async def rows_1k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self.pool.fetch(self.sql_rows, 1000)]

    async def rows_10k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in await self.pool.fetch(self.sql_rows, 10_000)]

    async def rows_10k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self.pool.fetch(self.sql_rows, 10_000)]

    async def insert_one(self, i: int) -> Any:
        return await self.pool.fetchval(self.sql_insert, *new_band(i))

    async def bulk_insert(self, i: int) -> Any:
        # executemany is atomic (one implicit transaction) and pipelined.
        async with self.pool.acquire() as connection:
            await connection.executemany(self.sql_bulk, BULK_ROWS)

    async def update_one(self, i: int) -> Any:
        await self.pool.execute(self.sql_update, new_popularity(i), band_pk(i))

    async def join_1k(self, i: int) -> Any:
        return [dict(zip(JOIN_COLUMNS, r)) for r in await self.pool.fetch(self.sql_join)]

    async def transaction(self, i: int) -> Any:
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(self.sql_update, new_popularity(i), band_pk(i))
            await connection.execute(self.sql_update_manager, new_manager_name(i), manager_pk(i))


class AsyncpgReset(Asyncpg):
    name = "asyncpg-reset"
    role = "reference"
    description = "the same on asyncpg's default pool (a reset query on every release)"

    no_reset = False
