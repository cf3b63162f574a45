"""SQLAlchemy 2 async ORM: an ``AsyncSession`` per request, ``session.get()`` to read.

``postgresql+asyncpg`` with ``pool_size`` = the pool size and no overflow. The updates
change the loaded objects and commit once (the session flushes them as one executemany).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import AsyncAdaptedQueuePool

from benchmarks.asgi.apps.common import (
    EXTRA_FORTUNE,
    World,
    asgi_app,
    pg_url,
    settings,
    world,
)


class Base(DeclarativeBase):
    pass


class WorldModel(Base):
    __tablename__ = "world"
    id: Mapped[int] = mapped_column(primary_key=True)
    randomnumber: Mapped[int] = mapped_column()


class FortuneModel(Base):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(Text)


class Orm:
    engine: Any
    session: Any

    async def start(self) -> None:
        size = settings()["pool"]
        self.engine = create_async_engine(
            pg_url("postgresql+asyncpg"),
            poolclass=AsyncAdaptedQueuePool,
            pool_size=size,
            max_overflow=0,
        )
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)

    async def stop(self) -> None:
        await self.engine.dispose()

    async def world(self, id_: int) -> World:
        async with self.session() as session:
            row = await session.get(WorldModel, id_)
            return world(row.id, row.randomnumber)

    async def worlds(self, ids: Sequence[int]) -> list[World]:
        async with self.session() as session:
            result = []
            for id_ in ids:
                row = await session.get(WorldModel, id_)
                result.append(world(row.id, row.randomnumber))
            return result

    async def fortunes(self) -> list[tuple[int, str]]:
        async with self.session() as session:
            rows = list((await session.execute(select(FortuneModel))).scalars())
        rows.append(FortuneModel(id=0, message=EXTRA_FORTUNE))
        return [(f.id, f.message) for f in rows]

    async def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]:
        async with self.session() as session, session.begin():
            rows = [await session.get(WorldModel, id_) for id_ in ids]
            for row, number in zip(rows, numbers):
                row.randomnumber = number
        return [world(row.id, row.randomnumber) for row in rows]


app = asgi_app(Orm())
