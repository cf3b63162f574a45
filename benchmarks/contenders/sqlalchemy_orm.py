"""SQLAlchemy 2 async ORM: declarative models, one ``AsyncSession`` per operation.

Same engines as ``sqla-core`` (``pool_size=10``); ``expire_on_commit=False`` so a new row's
id is read from the INSERT's RETURNING (or on MariaDB whatever the dialect picks), not by
another SELECT. Dicts come from selecting
the columns (``Row`` -> ``RowMapping`` -> ``dict``); objects from ``select(Band)``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, and_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.util import LRUCache

from benchmarks.contenders.base import Contender
from benchmarks.contenders.sqlalchemy_core import make_engine
from benchmarks.workload import (
    BULK_ROWS,
    band_pk,
    build_args,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
)


class SqlalchemyOrm(Contender):
    name = "sqla-orm"
    package = "sqlalchemy"
    backends = ("postgres", "sqlite", "mysql")
    description = "SQLAlchemy 2 async ORM, an AsyncSession per operation, pool of 10"

    async def setup(self) -> None:
        t = self.t

        class Base(DeclarativeBase):
            pass

        class Manager(Base):
            __tablename__ = t.manager
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(50))

        class Band(Base):
            __tablename__ = t.band
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(100))
            popularity: Mapped[int] = mapped_column()
            manager_id: Mapped[int] = mapped_column(ForeignKey(f"{t.manager}.id"))

        self.Band, self.Manager = Band, Manager
        self.engine = make_engine(self)
        self.Session = async_sessionmaker(self.engine, expire_on_commit=False)
        self.cache = LRUCache(500)
        self.columns = (Band.id, Band.name, Band.popularity, Band.manager_id)
        async with self.Session() as session:  # open one connection now
            await session.execute(select(1))

    async def teardown(self) -> None:
        await self.engine.dispose()

    async def _dicts(self, statement: Any) -> list[dict[str, Any]]:
        async with self.Session() as session:
            result = await session.execute(statement)
            return [dict(row) for row in result.mappings()]

    async def _objects(self, statement: Any) -> list[Any]:
        async with self.Session() as session:
            return list((await session.scalars(statement)).all())

    async def pk_dict(self, i: int) -> Any:
        async with self.Session() as session:
            result = await session.execute(select(*self.columns).where(self.Band.id == band_pk(i)))
            row = result.mappings().first()
            return None if row is None else dict(row)

    async def pk_object(self, i: int) -> Any:
        async with self.Session() as session:
            return await session.get(self.Band, band_pk(i))

    async def pk_dict_alias(self, i: int) -> Any:
        Band = self.Band
        columns = (Band.id, Band.name.label("band_name"), Band.popularity, Band.manager_id)
        async with self.Session() as session:
            result = await session.execute(select(*columns).where(Band.id == band_pk(i)))
            row = result.mappings().first()
            return None if row is None else dict(row)

    async def pk_object_where(self, i: int) -> Any:
        statement = select(self.Band).where(self.Band.id == band_pk(i))
        async with self.Session() as session:
            return (await session.scalars(statement)).first()

    async def rows_1k_dict(self, i: int) -> Any:
        return await self._dicts(select(*self.columns).limit(1000))

    async def rows_1k_object(self, i: int) -> Any:
        return await self._objects(select(self.Band).limit(1000))

    async def rows_10k_dict(self, i: int) -> Any:
        return await self._dicts(select(*self.columns).limit(10_000))

    async def rows_10k_object(self, i: int) -> Any:
        return await self._objects(select(self.Band).limit(10_000))

    async def insert_one(self, i: int) -> Any:
        name, popularity, manager = new_band(i)
        async with self.Session() as session:
            band = self.Band(name=name, popularity=popularity, manager_id=manager)
            session.add(band)
            await session.commit()
            return band.id

    async def bulk_insert(self, i: int) -> Any:
        Band = self.Band
        async with self.Session() as session:
            session.add_all([Band(name=n, popularity=p, manager_id=m) for n, p, m in BULK_ROWS])
            await session.commit()

    async def update_one(self, i: int) -> Any:
        Band = self.Band
        async with self.Session() as session:
            await session.execute(
                update(Band).where(Band.id == band_pk(i)).values(popularity=new_popularity(i))
            )
            await session.commit()

    async def join_1k(self, i: int) -> Any:
        Band, Manager = self.Band, self.Manager
        statement = (
            select(Band.name, Manager.name.label("manager_name"))
            .outerjoin(Manager, Band.manager_id == Manager.id)
            .limit(1000)
        )
        return await self._dicts(statement)

    async def transaction(self, i: int) -> Any:
        Band, Manager = self.Band, self.Manager
        async with self.Session() as session, session.begin():
            await session.execute(
                update(Band).where(Band.id == band_pk(i)).values(popularity=new_popularity(i))
            )
            await session.execute(
                update(Manager).where(Manager.id == manager_pk(i)).values(name=new_manager_name(i))
            )

    def _build(self, i: int) -> Any:
        Band = self.Band
        popularity, pattern, manager = build_args(i)
        return (
            select(Band.id, Band.name, Band.popularity)
            .where(
                and_(
                    Band.popularity > popularity,
                    Band.name.like(pattern),
                    Band.manager_id == manager,
                )
            )
            .order_by(Band.popularity.desc())
            .limit(10)
        )

    def compile_miss(self, i: int) -> Any:
        return str(self._build(i).compile(dialect=self.engine.dialect))

    def compile_hit(self, i: int) -> Any:
        compiled = self._build(i)._compile_w_cache(
            self.engine.dialect, compiled_cache=self.cache, column_keys=[]
        )[0]
        return compiled.string
