"""The MariaDB floor: hand-written SQL on an asyncmy pool (the driver ``MySQLEngine`` uses).

asyncmy's pool releases a connection without a query (it only drops one left inside a
transaction), so every statement is one round trip, like the asyncpg floor's pool.
Statements autocommit; ``bulk_insert`` and ``transaction`` run between ``BEGIN`` and
``COMMIT``. A new row's id is the OK packet's last insert id (no ``RETURNING``).
``executemany`` sends the 10,000 rows as a few multi-row ``INSERT``s. Dicts come from
asyncmy's ``DictCursor``, which builds them in its compiled code: the fastest raw way here
(about 2x faster than ``dict(zip(names, row))`` over tuples for 10,000 rows; Tortoise uses
it too), so this floor is not slower than a peer.
"""

from __future__ import annotations

from typing import Any

import asyncmy
from asyncmy.cursors import DictCursor

from benchmarks.contenders.base import Contender
from benchmarks.workload import (
    BULK_ROWS,
    COLUMNS,
    BandRow,
    band_pk,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
)


class Asyncmy(Contender):
    name = "asyncmy"
    role = "floor"
    backends = ("mysql",)
    package = "asyncmy"
    description = (
        "hand-written SQL, create_pool(min=max=10, autocommit): release sends nothing, "
        "one round trip a query"
    )

    async def setup(self) -> None:
        t = self.t
        config = dict(self.context.mysql_config)
        config["db"] = config.pop("database")
        size = self.context.pool_size
        self.pool = await asyncmy.create_pool(
            minsize=size, maxsize=size, autocommit=True, charset="utf8mb4", **config
        )
        cols = ", ".join(COLUMNS)
        self.sql_pk = f"SELECT {cols} FROM {t.band} WHERE id = %s"
        self.sql_rows = f"SELECT {cols} FROM {t.band} LIMIT %s"
        self.sql_pk_alias = (
            f"SELECT id, name AS band_name, popularity, manager_id FROM {t.band} WHERE id = %s"
        )
        self.sql_insert = f"INSERT INTO {t.band} (name, popularity, manager_id) VALUES (%s, %s, %s)"
        self.sql_update = f"UPDATE {t.band} SET popularity = %s WHERE id = %s"
        self.sql_update_manager = f"UPDATE {t.manager} SET name = %s WHERE id = %s"
        self.sql_join = (
            f"SELECT b.name, m.name AS manager_name FROM {t.band} b "
            f"LEFT JOIN {t.manager} m ON m.id = b.manager_id LIMIT 1000"
        )

    async def teardown(self) -> None:
        self.pool.close()
        await self.pool.wait_closed()

    async def _one(self, sql: str, args: tuple[Any, ...], cursor_class: Any = None) -> Any:
        async with self.pool.acquire() as connection, connection.cursor(cursor_class) as cursor:
            await cursor.execute(sql, args)
            return await cursor.fetchone()

    async def _all(self, sql: str, args: tuple[Any, ...] | None, cursor_class: Any = None) -> Any:
        async with self.pool.acquire() as connection, connection.cursor(cursor_class) as cursor:
            await cursor.execute(sql, args)
            return await cursor.fetchall()

    async def pk_dict(self, i: int) -> Any:
        return await self._one(self.sql_pk, (band_pk(i),), DictCursor)

    async def pk_object(self, i: int) -> Any:
        return BandRow(*await self._one(self.sql_pk, (band_pk(i),)))

    async def pk_dict_alias(self, i: int) -> Any:
        return await self._one(self.sql_pk_alias, (band_pk(i),), DictCursor)

    async def pk_object_where(self, i: int) -> Any:  # hand-written SQL has one form
        return BandRow(*await self._one(self.sql_pk, (band_pk(i),)))

    async def rows_1k_dict(self, i: int) -> Any:
        return await self._all(self.sql_rows, (1000,), DictCursor)

    async def rows_1k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self._all(self.sql_rows, (1000,))]

    async def rows_10k_dict(self, i: int) -> Any:
        return await self._all(self.sql_rows, (10_000,), DictCursor)

    async def rows_10k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self._all(self.sql_rows, (10_000,))]

    async def insert_one(self, i: int) -> Any:
        async with self.pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute(self.sql_insert, new_band(i))
            return cursor.lastrowid

    async def bulk_insert(self, i: int) -> Any:
        # One transaction, as asyncpg's executemany is atomic.
        async with self.pool.acquire() as connection:
            await connection.begin()
            async with connection.cursor() as cursor:
                await cursor.executemany(self.sql_insert, BULK_ROWS)
            await connection.commit()

    async def update_one(self, i: int) -> Any:
        async with self.pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute(self.sql_update, (new_popularity(i), band_pk(i)))

    async def join_1k(self, i: int) -> Any:
        return await self._all(self.sql_join, None, DictCursor)

    async def transaction(self, i: int) -> Any:
        async with self.pool.acquire() as connection:
            await connection.begin()
            async with connection.cursor() as cursor:
                await cursor.execute(self.sql_update, (new_popularity(i), band_pk(i)))
                await cursor.execute(self.sql_update_manager, (new_manager_name(i), manager_pk(i)))
            await connection.commit()
