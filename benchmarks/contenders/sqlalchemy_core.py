"""SQLAlchemy 2 async Core: ``Table`` statements on an ``AsyncConnection``.

PostgreSQL: ``postgresql+asyncpg``; SQLite: ``sqlite+aiosqlite``; MariaDB: ``mysql+asyncmy``;
all with ``pool_size=10, max_overflow=0``. On MariaDB a new row's id is
``inserted_primary_key`` (the last insert id, SQLAlchemy's usual way there) rather than
``RETURNING``. Core has no model objects (those operations are n/a).
Building a query without running it: a miss is ``stmt.compile(dialect=...)``; a hit is the
cached lookup that execution does (``_compile_w_cache`` against an LRU cache).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, and_, select
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import LRUCache

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


def make_engine(contender: Contender) -> Any:
    """The async engine both SQLAlchemy contenders use."""
    size = contender.context.pool_size
    if contender.backend == "postgres":
        url = contender.context.pg_url("postgresql+asyncpg")
    elif contender.backend == "mysql":
        url = contender.context.mysql_url("mysql+asyncmy")
    else:
        url = f"sqlite+aiosqlite:///{contender.context.sqlite_path}"
    return create_async_engine(url, poolclass=AsyncAdaptedQueuePool, pool_size=size, max_overflow=0)


class SqlalchemyCore(Contender):
    name = "sqla-core"
    package = "sqlalchemy"
    backends = ("postgres", "sqlite", "mysql")
    description = "SQLAlchemy 2 async Core, Table statements on AsyncConnection, pool of 10"

    async def setup(self) -> None:
        self.engine = make_engine(self)
        self.cache = LRUCache(500)
        metadata = MetaData()
        self.manager = Table(
            self.t.manager,
            metadata,
            Column("id", Integer, primary_key=True),
            Column("name", String(50), nullable=False),
        )
        self.band = Table(
            self.t.band,
            metadata,
            Column("id", Integer, primary_key=True),
            Column("name", String(100), nullable=False),
            Column("popularity", Integer, nullable=False),
            Column("manager_id", Integer, ForeignKey(self.manager.c.id)),
        )
        async with self.engine.connect() as connection:  # open one connection now
            await connection.execute(select(1))

    async def teardown(self) -> None:
        await self.engine.dispose()

    async def _dicts(self, statement: Any) -> list[dict[str, Any]]:
        async with self.engine.connect() as connection:
            result = await connection.execute(statement)
            return [dict(row) for row in result.mappings()]

    async def pk_dict(self, i: int) -> Any:
        band = self.band
        async with self.engine.connect() as connection:
            result = await connection.execute(select(band).where(band.c.id == band_pk(i)))
            row = result.mappings().first()
            return None if row is None else dict(row)

    async def pk_dict_alias(self, i: int) -> Any:
        c = self.band.c
        columns = (c.id, c.name.label("band_name"), c.popularity, c.manager_id)
        async with self.engine.connect() as connection:
            result = await connection.execute(select(*columns).where(c.id == band_pk(i)))
            row = result.mappings().first()
            return None if row is None else dict(row)

    async def rows_1k_dict(self, i: int) -> Any:
        return await self._dicts(select(self.band).limit(1000))

    async def rows_10k_dict(self, i: int) -> Any:
        return await self._dicts(select(self.band).limit(10_000))

    async def insert_one(self, i: int) -> Any:
        band = self.band
        name, popularity, manager = new_band(i)
        statement = sa_insert(band).values(name=name, popularity=popularity, manager_id=manager)
        if self.backend == "mysql":
            async with self.engine.begin() as connection:
                return (await connection.execute(statement)).inserted_primary_key[0]
        statement = statement.returning(band.c.id)
        async with self.engine.begin() as connection:
            return (await connection.execute(statement)).scalar_one()

    async def bulk_insert(self, i: int) -> Any:
        rows = [{"name": n, "popularity": p, "manager_id": m} for n, p, m in BULK_ROWS]
        async with self.engine.begin() as connection:
            await connection.execute(sa_insert(self.band), rows)

    async def update_one(self, i: int) -> Any:
        band = self.band
        statement = (
            sa_update(band).where(band.c.id == band_pk(i)).values(popularity=new_popularity(i))
        )
        async with self.engine.begin() as connection:
            await connection.execute(statement)

    async def join_1k(self, i: int) -> Any:
        band, manager = self.band, self.manager
        statement = (
            select(band.c.name, manager.c.name.label("manager_name"))
            .select_from(band.outerjoin(manager, band.c.manager_id == manager.c.id))
            .limit(1000)
        )
        return await self._dicts(statement)

    async def transaction(self, i: int) -> Any:
        band, manager = self.band, self.manager
        async with self.engine.begin() as connection:
            await connection.execute(
                sa_update(band).where(band.c.id == band_pk(i)).values(popularity=new_popularity(i))
            )
            await connection.execute(
                sa_update(manager)
                .where(manager.c.id == manager_pk(i))
                .values(name=new_manager_name(i))
            )

    def _build(self, i: int) -> Any:
        band = self.band
        popularity, pattern, manager = build_args(i)
        return (
            select(band.c.id, band.c.name, band.c.popularity)
            .where(
                and_(
                    band.c.popularity > popularity,
                    band.c.name.like(pattern),
                    band.c.manager_id == manager,
                )
            )
            .order_by(band.c.popularity.desc())
            .limit(10)
        )

    def compile_miss(self, i: int) -> Any:
        return str(self._build(i).compile(dialect=self.engine.dialect))

    def compile_hit(self, i: int) -> Any:
        compiled = self._build(i)._compile_w_cache(
            self.engine.dialect, compiled_cache=self.cache, column_keys=[]
        )[0]
        return compiled.string
