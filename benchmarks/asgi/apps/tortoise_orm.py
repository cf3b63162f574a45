"""Tortoise ORM: ``Model.get(id=...)`` to read, ``save(update_fields=[...])`` to write.

``tortoise.backends.asyncpg`` with ``minsize=maxsize`` = the pool size (asyncpg's default
pool: it sends its reset query on every release, as a Tortoise app does).
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise import Tortoise, fields
from tortoise.models import Model

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, World, asgi_app, settings, world


class WorldModel(Model):
    id = fields.IntField(primary_key=True)
    randomnumber = fields.IntField()

    class Meta:
        table = "world"


class FortuneModel(Model):
    id = fields.IntField(primary_key=True)
    message = fields.TextField()

    class Meta:
        table = "fortune"


class Orm:
    async def start(self) -> None:
        s = settings()
        credentials = {k: s[k] for k in ("host", "port", "user", "database")}
        credentials.update(password=s["password"] or "", minsize=s["pool"], maxsize=s["pool"])
        connection = {"engine": "tortoise.backends.asyncpg", "credentials": credentials}
        await Tortoise.init(
            config={
                "connections": {"default": connection},
                "apps": {"bench": {"models": [__name__], "default_connection": "default"}},
            },
            # uvicorn runs the lifespan in a task of its own: without the global fallback
            # the requests' tasks would not see the connections (Tortoise's Starlette
            # helper sets it too).
            _enable_global_fallback=True,
        )

    async def stop(self) -> None:
        await Tortoise.close_connections()

    async def world(self, id_: int) -> World:
        row = await WorldModel.get(id=id_)
        return world(row.id, row.randomnumber)

    async def worlds(self, ids: Sequence[int]) -> list[World]:
        return [await self.world(id_) for id_ in ids]

    async def fortunes(self) -> list[tuple[int, str]]:
        rows = await FortuneModel.all()
        rows.append(FortuneModel(id=0, message=EXTRA_FORTUNE))
        return [(f.id, f.message) for f in rows]

    async def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]:
        result = []
        for id_, number in zip(ids, numbers):
            row = await WorldModel.get(id=id_)
            row.randomnumber = number
            await row.save(update_fields=["randomnumber"])
            result.append(world(row.id, number))
        return result


app = asgi_app(Orm())
