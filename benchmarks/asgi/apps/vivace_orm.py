"""Vivace: the Piccolo-API app (``piccolo_api``) with Vivace's imports."""

from __future__ import annotations

from benchmarks.asgi.apps.common import asgi_app, settings
from benchmarks.asgi.apps.piccolo_api import PiccoloApiBackend
from vivace import Table
from vivace.columns import Integer, Text
from vivace.engine import PostgresEngine

_s = settings()
_connect = {k: _s[k] for k in ("host", "port", "user", "password", "database")}
engine = PostgresEngine(config={**_connect, "min_size": _s["pool"], "max_size": _s["pool"]})


class World(Table, db=engine, tablename="world"):
    randomnumber = Integer()


class Fortune(Table, db=engine, tablename="fortune"):
    message = Text()


app = asgi_app(
    PiccoloApiBackend(World, Fortune, engine.start_connection_pool, engine.close_connection_pool)
)
