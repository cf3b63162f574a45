"""Piccolo: the Piccolo-API app (``piccolo_api``) with Piccolo's imports."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Integer, Text
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from benchmarks.asgi.apps.common import asgi_app, settings
from benchmarks.asgi.apps.piccolo_api import PiccoloApiBackend

_s = settings()
engine = PostgresEngine(config={k: _s[k] for k in ("host", "port", "user", "password", "database")})


class World(Table, db=engine, tablename="world"):
    randomnumber = Integer()


class Fortune(Table, db=engine, tablename="fortune"):
    message = Text()


async def _start() -> Any:
    await engine.start_connection_pool(min_size=_s["pool"], max_size=_s["pool"])


app = asgi_app(PiccoloApiBackend(World, Fortune, _start, engine.close_connection_pool))
