"""Tortoise ORM: ``.values()`` for dicts, model instances otherwise.

PostgreSQL: ``tortoise.backends.asyncpg`` with ``minsize=maxsize=10`` (asyncpg's default
pool). SQLite: ``tortoise.backends.sqlite`` (one aiosqlite connection; its default pragmas).
MariaDB: ``tortoise.backends.mysql`` (on asyncmy, ``minsize=maxsize=10``).
Building a query without running it: ``.sql()`` (no compiled cache: a hit is a miss).
"""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from benchmarks.contenders.base import Contender
from benchmarks.workload import (
    BULK_ROWS,
    band_pk,
    build_args,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
    tables_for,
)

#: Tortoise's backend module per server (both take the same credentials).
_SERVER_ENGINES = {"postgres": "tortoise.backends.asyncpg", "mysql": "tortoise.backends.mysql"}

# Tortoise finds models by module, so they live here, with this contender's table names.
_TABLES = tables_for("tortoise")


class TortoiseManager(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = _TABLES.manager


class TortoiseBand(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    popularity = fields.IntField()
    manager: Any = fields.ForeignKeyField(
        "bench.TortoiseManager", related_name="bands", null=True, db_constraint=False
    )

    class Meta:
        table = _TABLES.band


class TortoiseOrm(Contender):
    name = "tortoise"
    package = "tortoise-orm"
    backends = ("postgres", "sqlite", "mysql")
    description = (
        "Tortoise ORM, .values() / models; pool of 10 (PG: asyncpg's, default reset; "
        "MariaDB: asyncmy's)"
    )

    async def setup(self) -> None:
        if self.backend in _SERVER_ENGINES:
            c = self.context.pg_config if self.backend == "postgres" else self.context.mysql_config
            credentials = {
                "host": c["host"],
                "port": c["port"],
                "user": c["user"],
                "password": c.get("password") or "",
                "database": c["database"],
                "minsize": self.context.pool_size,
                "maxsize": self.context.pool_size,
            }
            connection: dict[str, Any] = {
                "engine": _SERVER_ENGINES[self.backend],
                "credentials": credentials,
            }
        else:
            connection = {
                "engine": "tortoise.backends.sqlite",
                "credentials": {"file_path": self.context.sqlite_path},
            }
        await Tortoise.init(
            config={
                "connections": {"default": connection},
                "apps": {"bench": {"models": [__name__], "default_connection": "default"}},
            }
        )
        await TortoiseBand.filter(id=1).first()  # connect now

    async def teardown(self) -> None:
        await Tortoise.close_connections()

    async def pk_dict(self, i: int) -> Any:
        return await TortoiseBand.filter(id=band_pk(i)).first().values()

    async def pk_object(self, i: int) -> Any:
        return await TortoiseBand.get(id=band_pk(i))

    async def pk_dict_alias(self, i: int) -> Any:
        query = TortoiseBand.filter(id=band_pk(i)).first()
        return await query.values("id", "popularity", "manager_id", band_name="name")

    async def pk_object_where(self, i: int) -> Any:
        return await TortoiseBand.filter(id=band_pk(i)).first()

    async def rows_1k_dict(self, i: int) -> Any:
        return await TortoiseBand.all().limit(1000).values()

    async def rows_1k_object(self, i: int) -> Any:
        return await TortoiseBand.all().limit(1000)

    async def rows_10k_dict(self, i: int) -> Any:
        return await TortoiseBand.all().limit(10_000).values()

    async def rows_10k_object(self, i: int) -> Any:
        return await TortoiseBand.all().limit(10_000)

    async def insert_one(self, i: int) -> Any:
        name, popularity, manager = new_band(i)
        band = await TortoiseBand.create(name=name, popularity=popularity, manager_id=manager)
        return band.id

    async def bulk_insert(self, i: int) -> Any:
        await TortoiseBand.bulk_create(
            [TortoiseBand(name=n, popularity=p, manager_id=m) for n, p, m in BULK_ROWS]
        )

    async def update_one(self, i: int) -> Any:
        await TortoiseBand.filter(id=band_pk(i)).update(popularity=new_popularity(i))

    async def join_1k(self, i: int) -> Any:
        return await TortoiseBand.all().limit(1000).values("name", "manager__name")

    async def transaction(self, i: int) -> Any:
        async with in_transaction():
            await TortoiseBand.filter(id=band_pk(i)).update(popularity=new_popularity(i))
            await TortoiseManager.filter(id=manager_pk(i)).update(name=new_manager_name(i))

    def compile_miss(self, i: int) -> Any:
        popularity, pattern, manager = build_args(i)
        return (
            TortoiseBand.filter(
                popularity__gt=popularity,
                name__startswith=pattern.rstrip("%"),
                manager_id=manager,
            )
            .order_by("-popularity")
            .limit(10)
            .values("id", "name", "popularity")
            .sql()
        )

    compile_hit = compile_miss
