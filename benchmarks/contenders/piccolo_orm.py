"""Piccolo ORM: ``select()`` for dicts, ``objects()`` for models.

PostgreSQL: ``PostgresEngine`` with ``start_connection_pool(min_size=10, max_size=10)``
(asyncpg's default pool, so a reset query on every release). SQLite: ``SQLiteEngine``,
which has no pool (it opens a connection per query outside a transaction).
Building a query without running it: ``querystrings[0].compile_string()``, what ``run()``
does (Piccolo has no compiled cache, so a hit costs what a miss does). MariaDB: Piccolo has
no MySQL engine, so its column there says n/a.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import ForeignKey, Integer, Varchar
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

from benchmarks.contenders.base import Contender
from benchmarks.workload import (
    BULK_ROWS,
    band_pk,
    build_args,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
)


class Piccolo(Contender):
    name = "piccolo"
    package = "piccolo"
    description = "select() / objects(); PG pool of 10 (default reset); SQLite: no pool"
    absent = {"mysql": "Piccolo has no MySQL engine (its PR #640 was closed unmerged)"}

    async def setup(self) -> None:
        size = self.context.pool_size
        if self.backend == "postgres":
            self.engine: Any = PostgresEngine(config=dict(self.context.pg_config))
            await self.engine.start_connection_pool(min_size=size, max_size=size)
        else:
            self.engine = SQLiteEngine(path=self.context.sqlite_path)
        engine, t = self.engine, self.t

        class Manager(Table, db=engine, tablename=t.manager):
            name = Varchar(length=50)

        class Band(Table, db=engine, tablename=t.band):
            name = Varchar(length=100)
            popularity = Integer()
            manager = ForeignKey(Manager, db_column_name="manager_id")

        self.Band, self.Manager = Band, Manager

    async def teardown(self) -> None:
        if self.backend == "postgres":
            await self.engine.close_connection_pool()

    async def pk_dict(self, i: int) -> Any:
        Band = self.Band
        return await Band.select().where(Band.id == band_pk(i)).first()

    async def pk_object(self, i: int) -> Any:
        Band = self.Band
        return await Band.objects().get(Band.id == band_pk(i))

    async def pk_dict_alias(self, i: int) -> Any:
        Band = self.Band
        columns = (Band.id, Band.name.as_alias("band_name"), Band.popularity, Band.manager)
        return await Band.select(*columns).where(Band.id == band_pk(i)).first()

    async def pk_object_where(self, i: int) -> Any:
        Band = self.Band
        return await Band.objects().where(Band.id == band_pk(i)).first()

    async def rows_1k_dict(self, i: int) -> Any:
        return await self.Band.select().limit(1000)

    async def rows_1k_object(self, i: int) -> Any:
        return await self.Band.objects().limit(1000)

    async def rows_10k_dict(self, i: int) -> Any:
        return await self.Band.select().limit(10_000)

    async def rows_10k_object(self, i: int) -> Any:
        return await self.Band.objects().limit(10_000)

    async def insert_one(self, i: int) -> Any:
        name, popularity, manager = new_band(i)
        Band = self.Band
        return await Band.insert(Band(name=name, popularity=popularity, manager=manager))

    async def bulk_insert(self, i: int) -> Any:
        Band = self.Band
        rows = [Band(name=n, popularity=p, manager=m) for n, p, m in BULK_ROWS]
        return await Band.insert(*rows)

    async def update_one(self, i: int) -> Any:
        Band = self.Band
        return await Band.update({Band.popularity: new_popularity(i)}).where(Band.id == band_pk(i))

    async def join_1k(self, i: int) -> Any:
        Band = self.Band
        return await Band.select(Band.name, Band.manager.name).limit(1000)

    async def transaction(self, i: int) -> Any:
        Band, Manager = self.Band, self.Manager
        async with self.engine.transaction():
            await Band.update({Band.popularity: new_popularity(i)}).where(Band.id == band_pk(i))
            await Manager.update({Manager.name: new_manager_name(i)}).where(
                Manager.id == manager_pk(i)
            )

    def compile_miss(self, i: int) -> Any:
        Band = self.Band
        popularity, pattern, manager = build_args(i)
        query = (
            Band.select(Band.id, Band.name, Band.popularity)
            .where(
                (Band.popularity > popularity) & Band.name.like(pattern) & (Band.manager == manager)
            )
            .order_by(Band.popularity, ascending=False)
            .limit(10)
        )
        sql, _values = query.querystrings[0].compile_string(engine_type=self.engine.engine_type)
        return sql

    compile_hit = compile_miss
