"""The playground's example rows, inserted in one transaction.

Example::

    await create_example_data()
    await Band.count()    # 3
"""

from __future__ import annotations

import datetime
import decimal

from vivace import create_db_tables, drop_db_tables
from vivace.playground.tables import (
    TABLES,
    Band,
    Concert,
    Genre,
    Manager,
    RecordingStudio,
    Ticket,
    Venue,
)

FIRST_CONCERT = datetime.datetime(2026, 6, 12, 20, 0)


async def create_example_data() -> None:
    """Drop and recreate the example tables, then fill them (one transaction for the rows)."""
    await drop_db_tables(*TABLES)
    await create_db_tables(*TABLES)
    async with Band._meta.db.transaction():
        guido, graydon, mariko = (
            Manager(name="Guido"),
            Manager(name="Graydon"),
            Manager(name="Mariko"),
        )
        await Manager.insert(guido, graydon, mariko)
        pythonistas = Band(name="Pythonistas", manager=guido, popularity=1000)
        rustaceans = Band(name="Rustaceans", manager=graydon, popularity=800)
        cppers = Band(name="C-Sharps", manager=graydon, popularity=500)
        await Band.insert(pythonistas, rustaceans, cppers)

        rock, jazz, electronic = Genre(name="Rock"), Genre(name="Jazz"), Genre(name="Electronic")
        await Genre.insert(rock, jazz, electronic)
        await pythonistas.add_m2m(rock, jazz, m2m=Band.genres)
        await rustaceans.add_m2m(rock, m2m=Band.genres)
        await cppers.add_m2m(electronic, m2m=Band.genres)

        arena, club = Venue(name="Arena", capacity=5000), Venue(name="Club", capacity=300)
        await Venue.insert(arena, club)
        big_night = Concert(
            band_1=pythonistas, band_2=rustaceans, venue=arena, starts=FIRST_CONCERT
        )
        late_show = Concert(
            band_1=cppers,
            band_2=None,
            venue=club,
            starts=FIRST_CONCERT + datetime.timedelta(days=30, hours=2),
        )
        await Concert.insert(big_night, late_show)
        await Ticket.insert(
            *[Ticket(concert=big_night, price=decimal.Decimal("49.90")) for _ in range(3)],
            *[Ticket(concert=late_show, price=decimal.Decimal("19.50")) for _ in range(2)],
        )
        await RecordingStudio.insert(
            RecordingStudio(name="Abbey Road", facilities={"mixing_desk": True, "rooms": 3}),
            RecordingStudio(name="Garage", facilities={"mixing_desk": False, "rooms": 1}),
        )
