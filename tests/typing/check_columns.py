"""Typing checks run by pyright and mypy in CI (never executed): columns and queries."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any, assert_type

from vivace import Table
from vivace.columns import (
    UUID,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Timestamptz,
    Varchar,
)


class Manager(Table):
    name = Varchar()


class Band(Table):
    name = Varchar()
    popularity = Integer()
    active = Boolean()
    price = Numeric(digits=(5, 2))
    founded = Date()
    updated = Timestamptz()
    key = UUID()
    logo = Bytea()
    manager = ForeignKey(Manager)


def check_instance(band: Band) -> None:
    assert_type(band.name, str)
    assert_type(band.popularity, int)
    assert_type(band.active, bool)
    assert_type(band.price, decimal.Decimal)
    assert_type(band.founded, datetime.date)
    assert_type(band.updated, datetime.datetime)
    assert_type(band.key, uuid.UUID)
    assert_type(band.logo, bytes)
    assert_type(Band.name, Varchar)
    assert_type(Band.popularity, Integer)


async def check_queries() -> None:
    assert_type(await Band.objects(), list[Band])
    assert_type(await Band.objects().where(Band.popularity > 1).first(), Band | None)
    assert_type(await Band.objects().get(Band.name == "x"), Band | None)
    assert_type(await Band.select(Band.name), list[dict[str, Any]])
    assert_type(await Band.count(), int)
    assert_type(await Band.exists(), bool)
    assert_type(await Band.table_exists(), bool)
    assert_type(await Band.insert(Band(name="x")), list[dict[str, Any]])
    assert_type(await Band.objects().create(name="y"), Band)
