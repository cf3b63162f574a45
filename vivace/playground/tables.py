"""The playground's example schema: a small music business.

Managers run bands; bands play concerts at venues, sell tickets and have genres (M2M);
recording studios keep their facilities as JSON; concerts start at a timestamp.

Example::

    await Band.select(Band.name, Band.manager.name)
"""

from __future__ import annotations

from vivace import Table
from vivace.columns import (
    JSON,
    M2M,
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    ReverseForeignKey,
    Timestamp,
    Varchar,
)


class Manager(Table):
    """A band manager; ``Manager.bands`` is the reverse side of ``Band.manager``."""

    name = Varchar(length=50)
    bands = ReverseForeignKey(LazyTableReference("Band", module_path=__name__))


class Band(Table):
    """A band, with its manager and its genres."""

    name = Varchar(length=50, unique=True)
    manager = ForeignKey(Manager, null=True)
    popularity = Integer(default=0)
    genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))


class Genre(Table):
    """A music genre; ``Genre.bands`` is the other side of the M2M."""

    name = Varchar(length=50, unique=True)
    bands = M2M(LazyTableReference("GenreToBand", module_path=__name__))


class GenreToBand(Table):
    """The joining table of ``Band.genres`` / ``Genre.bands``."""

    band = ForeignKey(Band)
    genre = ForeignKey(Genre)


class Venue(Table):
    """Where concerts happen."""

    name = Varchar(length=100)
    capacity = Integer(default=0)


class Concert(Table):
    """Two bands on one night at a venue."""

    band_1 = ForeignKey(Band)
    band_2 = ForeignKey(Band, null=True)
    venue = ForeignKey(Venue)
    starts = Timestamp()


class Ticket(Table):
    """A ticket sold for a concert."""

    concert = ForeignKey(Concert)
    price = Numeric(digits=(6, 2))


class RecordingStudio(Table):
    """A studio; its facilities are a JSON document."""

    name = Varchar(length=100)
    facilities = JSON(null=True)


# Creation order: every table after the tables it references.
TABLES: tuple[type[Table], ...] = (
    Manager,
    Band,
    Genre,
    GenreToBand,
    Venue,
    Concert,
    Ticket,
    RecordingStudio,
)
