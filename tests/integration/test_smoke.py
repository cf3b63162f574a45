"""End-to-end: the same calls on SQLite and PostgreSQL give the same results."""

from __future__ import annotations

import decimal

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Integer, Numeric, Varchar
from vivace.engine import Engine


class Manager(Table):
    name = Varchar(length=50)


class Band(Table):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager)
    popularity = Integer()
    price = Numeric(digits=(10, 2))


async def test_insert_select_join(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Manager, Band)
    guido = Manager(name="Guido")
    await guido.save()
    band = Band(name="Pythonistas", manager=guido, popularity=1000, price=decimal.Decimal("1.1"))
    assert await Band.insert(band) == [{"id": band.id}]
    rows = await Band.select(Band.name, Band.manager.name, Band.price).order_by(Band.name)
    assert rows == [
        {"name": "Pythonistas", "manager.name": "Guido", "price": decimal.Decimal("1.10")}
    ]
