"""Vivace in one file: tables, inserts, a join, a transaction, on the embedded SQLite default.

Run it with ``python examples/quickstart.py``; it writes ``vivace.sqlite`` in the working
directory (no server needed). Point it at PostgreSQL by creating a ``vivace_conf.py`` with
``DB = PostgresEngine(config={...})``.
"""

from __future__ import annotations

import asyncio
import decimal

from vivace import Table, create_db_tables, drop_db_tables
from vivace.columns import ForeignKey, Integer, Numeric, Timestamptz, Varchar


class Manager(Table):
    name = Varchar(length=50)


class Band(Table):
    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager)
    popularity = Integer(default=0)


class Concert(Table):
    band = ForeignKey(Band)
    venue = Varchar(length=100)
    ticket_price = Numeric(digits=(6, 2))
    starts = Timestamptz()


async def main() -> None:
    print("engine:", Band._meta.db)
    await drop_db_tables(Manager, Band, Concert)
    await create_db_tables(Manager, Band, Concert)

    guido, graydon = Manager(name="Guido"), Manager(name="Graydon")
    await Manager.insert(guido, graydon)
    pythonistas = Band(name="Pythonistas", manager=guido, popularity=1000)
    rustaceans = Band(name="Rustaceans", manager=graydon, popularity=800)
    await Band.insert(pythonistas, rustaceans)
    print("inserted band ids:", pythonistas.id, rustaceans.id)

    # A join through the foreign key: the result key is the dotted path.
    rows = await Band.select(Band.name, Band.manager.name).order_by(
        Band.popularity, ascending=False
    )
    print("bands with managers:", rows)

    # A transaction: both concerts or neither.
    async with Band._meta.db.transaction():
        await Concert.insert(
            Concert(band=pythonistas, venue="Arena", ticket_price=decimal.Decimal("49.90")),
            Concert(band=rustaceans, venue="Club", ticket_price=decimal.Decimal("19.50")),
        )
        await Band.update({Band.popularity: Band.popularity + 10}).where(Band.id == pythonistas.id)

    concerts = await Concert.select(
        Concert.venue, Concert.band.name, Concert.band.manager.name, Concert.ticket_price
    ).where(Concert.ticket_price > decimal.Decimal("20"))
    print("concerts over 20:", concerts)

    band = await Band.objects(Band.manager).get(Band.name == "Pythonistas")
    assert band is not None
    print("object with its manager:", band.name, band.popularity, band.manager.name)
    print(
        "bands:",
        await Band.count(),
        "| any over 900?",
        await Band.exists().where(Band.popularity > 900),
    )


if __name__ == "__main__":
    asyncio.run(main())
