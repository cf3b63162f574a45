"""The data access of an app written against the Piccolo API, for Piccolo and for Vivace.

Vivace's public API is Piccolo's, so one backend serves both: only the imports (``Table``,
the columns, the engine) differ, which is the switch a Piccolo project makes. Reads use
model objects (``objects().get()``), writes ``save([column])``; each query takes a pool
connection for itself (no transaction).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, World, world


class PiccoloApiBackend:
    """``world_table``/``fortune_table`` are the app's ``Table`` classes (Piccolo or Vivace)."""

    def __init__(
        self,
        world_table: Any,
        fortune_table: Any,
        start: Callable[[], Awaitable[Any]],
        stop: Callable[[], Awaitable[Any]],
    ) -> None:
        self.World, self.Fortune = world_table, fortune_table
        self._start, self._stop = start, stop

    async def start(self) -> None:
        await self._start()

    async def stop(self) -> None:
        await self._stop()

    async def world(self, id_: int) -> World:
        World = self.World
        row = await World.objects().get(World.id == id_)
        return world(row.id, row.randomnumber)

    async def worlds(self, ids: Sequence[int]) -> list[World]:
        return [await self.world(id_) for id_ in ids]

    async def fortunes(self) -> list[tuple[int, str]]:
        rows = await self.Fortune.objects()
        rows.append(self.Fortune(id=0, message=EXTRA_FORTUNE))
        return [(f.id, f.message) for f in rows]

    async def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]:
        World, result = self.World, []
        for id_, number in zip(ids, numbers):
            row = await World.objects().get(World.id == id_)
            row.randomnumber = number
            await row.save([World.randomnumber])
            result.append(world(row.id, number))
        return result
