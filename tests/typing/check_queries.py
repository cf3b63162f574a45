"""Typing checks (never executed): what queries give, awaited or run synchronously.

Negative lines end in ``# type: ignore[code]`` (see check_nullable.py).
"""

from __future__ import annotations

from typing import Any, assert_type

from vivace import Table
from vivace.columns import ForeignKey, Integer, Varchar
from vivace.engine import Engine
from vivace.orm.batch import Batch
from vivace.orm.objects import First, Objects
from vivace.orm.query import Query
from vivace.orm.select import Select
from vivace.orm.table import Remove, UpdateSelf


class QManager(Table):
    name = Varchar(length=50)


class QBand(Table):
    name = Varchar(length=50)
    rating = Integer(null=True)
    manager = ForeignKey(QManager)


async def check_select() -> None:
    assert_type(QBand.select(QBand.name), Select[list[dict[str, Any]], str])
    assert_type(QBand.select(QBand.name, QBand.rating), Select)
    assert_type(await QBand.select(QBand.name), list[dict[str, Any]])
    assert_type(await QBand.select(QBand.name).first(), dict[str, Any] | None)
    # output(as_list=True) lists the one column's values, typed by the column.
    names = QBand.select(QBand.name).output(as_list=True)
    assert_type(names, Select[list[str], str])
    assert_type(await names, list[str])
    assert_type(await names.where(QBand.rating > 1).order_by(QBand.name), list[str])
    assert_type(await names.first(), str | None)
    assert_type(await QBand.select(QBand.rating).output(as_list=True), list[int | None])
    assert_type(await QBand.select(QBand.id).output(as_list=True), list[int])
    assert_type(await QBand.select(QBand.manager._.name).output(as_list=True), list[str])
    # Where the checkers cannot tell the column's type, or load_json parses the values.
    assert_type(await names.output(load_json=True), list[str])  # a Varchar is no JSON
    assert_type(await QBand.select(QBand.name).output(as_list=True, load_json=True), list[Any])
    assert_type(
        await QBand.select(QBand.name).output(load_json=True).output(as_list=True), list[Any]
    )
    assert_type(await QBand.select(QBand.manager.name).output(as_list=True), list[Any])
    assert_type(await QBand.select(QBand.name.as_alias("n")).output(as_list=True), list[Any])
    assert_type(await QBand.select(QBand.name, QBand.id).output(as_list=True), list[Any])
    assert_type(await QBand.select().output(load_json=True), list[dict[str, Any]])
    assert_type(await QBand.select().output(as_json=True), str)
    assert_type(await QBand.select().output(as_list=True, as_json=True), str)
    assert_type(await QBand.select().output(nested=True), list[dict[str, Any]])
    assert_type(QBand.select().first(), Query[dict[str, Any] | None])
    assert_type(await QBand.select().where(QBand.name == "x").limit(2), list[dict[str, Any]])
    wrong: list[int] = await names  # type: ignore[assignment]
    del wrong


def check_run_sync() -> None:
    assert_type(QBand.objects().run_sync(), list[QBand])
    assert_type(QBand.objects(QBand.manager).where(QBand.rating > 1).run_sync(), list[QBand])
    assert_type(QBand.objects().first().run_sync(), QBand | None)
    assert_type(QBand.objects().get(QBand.name == "x").run_sync(), QBand | None)
    assert_type(QBand.objects().create(name="x").run_sync(), QBand)
    assert_type(QBand.select(QBand.name).run_sync(), list[dict[str, Any]])
    assert_type(QBand.select(QBand.name).output(as_list=True).run_sync(), list[str])
    assert_type(QBand.count().run_sync(), int)
    assert_type(QBand.exists().run_sync(), bool)
    assert_type(QBand.from_dict({"name": "x"}), QBand)


async def check_engine() -> None:
    # Piccolo's spelling; pyright strict calls _meta private, a rule Vivace cannot lift.
    assert_type(QBand._meta.db, Engine)  # pyright: ignore[reportPrivateUsage]
    async with QBand._meta.db.transaction():  # pyright: ignore[reportPrivateUsage]
        await QBand.objects()


async def check_objects() -> None:
    query = QBand.objects(QBand.manager).order_by(QBand.name).limit(5).offset(1)
    assert_type(query, Objects[QBand])
    assert_type(await query, list[QBand])
    assert_type(await query.run(), list[QBand])
    assert_type(query.first(), First[QBand])
    assert_type(await QBand.objects().get_or_create(QBand.name == "x"), QBand)
    # Piccolo declares the flag get_or_create() sets: `band._was_created` is typed.
    made = await QBand.objects().get_or_create(QBand.name == "x")
    assert_type(made._was_created, bool | None)  # pyright: ignore[reportPrivateUsage]
    band = await QBand.objects().get(QBand.name == "x")
    assert band is not None
    assert_type(band.rating, int | None)
    assert_type(band.manager, QManager | int | None)
    assert_type(await band.save(), list[dict[str, Any]])
    assert_type(await band.refresh(), QBand)
    assert_type(await band.refresh([QBand.rating]), QBand)
    assert_type(band.remove(), Remove)
    assert_type(band.update_self({QBand.rating: 1}), UpdateSelf)
    assert_type(band.remove().run_sync(), list[Any])
    rows: list[QManager] = await QBand.objects()  # type: ignore[assignment]
    count: str = await QBand.count()  # type: ignore[assignment]
    del rows, count


async def check_batches() -> None:
    # Each chunk is typed as the query's whole result.
    async with await QBand.objects().batch(batch_size=10) as batch:
        assert_type(batch, Batch[list[QBand]])
        async for bands in batch:
            assert_type(bands, list[QBand])
        assert_type(await batch.next(), list[QBand])
    async with await QBand.select(QBand.name).batch() as rows:
        async for chunk in rows:
            assert_type(chunk, list[dict[str, Any]])
    async with await QBand.select(QBand.name).output(as_list=True).batch() as values:
        async for names in values:
            assert_type(names, list[str])
    async with await QBand.select().output(as_json=True).batch() as texts:
        async for text in texts:
            assert_type(text, str)


async def check_raw_and_tables() -> None:
    assert_type(await QBand.raw("SELECT 1"), list[dict[str, Any]])
    assert_type(QBand.raw("SELECT 1").run_sync(), list[dict[str, Any]])
    assert_type(await QBand.table_exists(), bool)
    assert_type(QBand.table_exists().run_sync(), bool)
    assert_type(await QBand.count().where(QBand.rating > 1), int)
    assert_type(await QBand.exists().where(QBand.rating > 1), bool)
