"""The async SQLite references: aiosqlite with hand-written SQL, a 10-connection pool.

Every call hops to the connection's thread and back. ``aiosqlite`` is the usage of its
README (``async with db.execute(...) as cursor: await cursor.fetchall()``: execute, fetch
and close are a hop each; the usage perf-anchors measured and the issue's throughput
target refers to); ``aiosqlite-1hop`` uses ``execute_fetchall`` / ``execute_insert``, one
hop per statement, the cheapest aiosqlite can be.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite

from benchmarks.contenders.base import Contender
from benchmarks.contenders.sqlite3_raw import statements
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


class Aiosqlite(Contender):
    name = "aiosqlite"
    role = "reference"
    backends = ("sqlite",)
    package = "aiosqlite"
    description = "hand-written SQL, 10 connections in an asyncio.Queue, cursors as in its README"

    #: One hop per statement: ``execute_fetchall`` and ``execute_insert``.
    one_hop = False

    async def setup(self) -> None:
        self.sql = statements(self.t)
        self.idle: asyncio.Queue[Any] = asyncio.Queue()
        self.all: list[Any] = []
        for _ in range(self.context.pool_size):
            connection = await aiosqlite.connect(self.context.sqlite_path, isolation_level=None)
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            self.all.append(connection)
            self.idle.put_nowait(connection)

    async def teardown(self) -> None:
        for connection in self.all:
            await connection.close()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        connection = await self.idle.get()
        try:
            yield connection
        finally:
            self.idle.put_nowait(connection)

    async def fetch(self, sql: str, params: Any = ()) -> Any:
        async with self.connection() as connection:
            if self.one_hop:
                return await connection.execute_fetchall(sql, params)
            async with connection.execute(sql, params) as cursor:
                return await cursor.fetchall()

    async def run(self, connection: Any, sql: str, params: Any = ()) -> None:
        if self.one_hop:
            await connection.execute(sql, params)  # the cursor is left to the GC
        else:
            async with connection.execute(sql, params):
                pass

    async def pk_dict(self, i: int) -> Any:
        rows = await self.fetch(self.sql["pk"], (band_pk(i),))
        return dict(zip(COLUMNS, rows[0]))

    async def pk_object(self, i: int) -> Any:
        rows = await self.fetch(self.sql["pk"], (band_pk(i),))
        return BandRow(*rows[0])

    async def pk_dict_alias(self, i: int) -> Any:
        rows = await self.fetch(self.sql["pk_alias"], (band_pk(i),))
        return dict(zip(ALIAS_COLUMNS, rows[0]))

    async def pk_object_where(self, i: int) -> Any:  # hand-written SQL has one form
        rows = await self.fetch(self.sql["pk"], (band_pk(i),))
        return BandRow(*rows[0])

    async def rows_1k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in await self.fetch(self.sql["rows"], (1000,))]

    async def rows_1k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self.fetch(self.sql["rows"], (1000,))]

    async def rows_10k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in await self.fetch(self.sql["rows"], (10_000,))]

    async def rows_10k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in await self.fetch(self.sql["rows"], (10_000,))]

    async def insert_one(self, i: int) -> Any:
        async with self.connection() as connection:
            if self.one_hop:
                row = await connection.execute_insert(self.sql["insert"], new_band(i))
                return row[0] if row else None
            async with connection.execute(self.sql["insert"], new_band(i)) as cursor:
                return cursor.lastrowid

    async def bulk_insert(self, i: int) -> Any:
        async with self.connection() as connection:
            await self.run(connection, "BEGIN")
            try:
                await connection.executemany(self.sql["insert"], BULK_ROWS)
            except BaseException:
                await self.run(connection, "ROLLBACK")
                raise
            await self.run(connection, "COMMIT")

    async def update_one(self, i: int) -> Any:
        async with self.connection() as connection:
            await self.run(connection, self.sql["update"], (new_popularity(i), band_pk(i)))

    async def join_1k(self, i: int) -> Any:
        return [dict(zip(JOIN_COLUMNS, r)) for r in await self.fetch(self.sql["join"])]

    async def transaction(self, i: int) -> Any:
        async with self.connection() as connection:
            await self.run(connection, "BEGIN")
            try:
                await self.run(connection, self.sql["update"], (new_popularity(i), band_pk(i)))
                await self.run(
                    connection, self.sql["update_manager"], (new_manager_name(i), manager_pk(i))
                )
            except BaseException:
                await self.run(connection, "ROLLBACK")
                raise
            await self.run(connection, "COMMIT")


class AiosqliteOneHop(Aiosqlite):
    name = "aiosqlite-1hop"
    description = "the same with execute_fetchall / execute_insert: one thread hop a statement"

    one_hop = True
