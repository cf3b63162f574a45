"""Typing checks (never executed): the keywords and value types of a table's constructor.

A ``TypedTable`` with annotated columns (``name: Varchar = Varchar()``) gets a checked
constructor in both checkers; a ``Table`` with Piccolo's unannotated columns
(``name = Varchar()``) takes any keyword, as neither checker types a class attribute
without an annotation as a constructor parameter (checked at run time instead).
Negative lines end in ``# type: ignore[code]`` (see check_nullable.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, ClassVar, assert_type

from vivace import Table, TypedTable
from vivace.columns import (
    JSON,
    M2M,
    UUID,
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    ReverseForeignKey,
    Serial,
    Varchar,
)


class Manager(TypedTable):
    name: Varchar = Varchar(length=50)
    # Relations are no constructor parameters: annotate them ClassVar in a TypedTable.
    bands: ClassVar[ReverseForeignKey[Band]] = ReverseForeignKey(
        LazyTableReference("Band", module_path=__name__)
    )


class Genre(TypedTable):
    name: Varchar = Varchar()


class Studio(TypedTable, tablename="studios"):
    id: UUID = UUID(primary_key=True)  # type: ignore[assignment]
    name: Varchar = Varchar()


class Band(TypedTable):
    name: Varchar = Varchar(length=50)
    popularity: Integer = Integer(default=0)
    rating: Integer[int | None] = Integer(null=True)
    active: Boolean = Boolean()
    founded: Date = Date()
    tags: Array[list[Any]] = Array(base_column=Varchar())
    facts: JSON = JSON()
    manager: ForeignKey[Manager, int | None] = ForeignKey(Manager)
    studio: ForeignKey[Studio, uuid.UUID] = ForeignKey(Studio, null=False)
    genres: ClassVar[M2M[Genre]] = M2M(LazyTableReference("GenreToBand", module_path=__name__))


class GenreToBand(TypedTable):
    band: ForeignKey[Band, int | None] = ForeignKey(Band)
    genre: ForeignKey[Genre, int | None] = ForeignKey(Genre)


class PlainBand(Table):
    name = Varchar(length=50)


def check_valid(manager: Manager, studio: Studio, values: dict[str, Any]) -> None:
    Band()  # every column may be left out, as in Piccolo
    Band(name="Pythonistas", popularity=1)
    Band(rating=None, active=True, founded=datetime.date(2020, 1, 1))
    Band(tags=["rock"], facts={"genre": "rock"})
    Band(manager=manager, studio=studio)  # a row
    Band(manager=1, studio=uuid.uuid4())  # or its key
    Band(manager=None)
    Band(id=5)
    Band({Band.name: "Pythonistas"})  # Piccolo's mapping, by column or by name
    Band(_data={"name": "Pythonistas"}, _ignore_missing=True, _exists_in_db=False)
    Band(**values)
    Studio(id=uuid.uuid4(), name="Abbey Road")
    assert_type(Band(name="x"), Band)
    assert_type(Band().name, str)
    assert_type(Band.name, Varchar)
    assert_type(Band.id, Serial)
    assert_type(Band().rating, int | None)
    assert_type(Band().manager, Manager | int | None)
    assert_type(Band().studio, Studio | uuid.UUID)


def check_errors(manager: Manager) -> None:
    Band(nme="Pythonistas")  # type: ignore[call-arg]
    Band(name=123)  # type: ignore[arg-type]
    Band(popularity="1")  # type: ignore[arg-type]
    Band(popularity=None)  # type: ignore[arg-type]
    Band(founded="2020-01-01")  # type: ignore[arg-type]
    Band(manager="1")  # type: ignore[arg-type]
    Band(manager=Studio())  # type: ignore[arg-type]
    Band(studio=None)  # type: ignore[arg-type]
    Band(studio=1)  # type: ignore[arg-type]
    Band(id="5")  # type: ignore[arg-type]
    Band("Pythonistas")  # type: ignore[arg-type]
    Band({}, True)  # type: ignore[call-arg]
    Studio(id=5)  # type: ignore[arg-type]
    Manager(name=manager)  # type: ignore[arg-type]
    Manager(bands=[])  # type: ignore[call-arg]
    Band(genres=[])  # type: ignore[call-arg]


def check_rows_stay_rows(band: Band) -> None:
    # The checked constructor makes no __eq__: rows keep Table's, and their hash.
    assert_type(band == Band(), bool)
    assert_type({band}, set[Band])
    assert_type(hash(band), int)


def check_plain_table() -> None:
    # Unannotated columns: any keyword passes the checkers (Vivace refuses it at run time).
    PlainBand(name="Pythonistas")
    PlainBand(nme="Pythonistas")
    PlainBand(name=123)


async def check_create() -> None:
    # objects().create() takes the constructor's keywords too.
    assert_type(await Band.objects().create(name="x", manager=1), Band)
    assert_type(await Band.objects().where(Band.popularity > 1).create(rating=None), Band)
    await Band.objects().create(nme="x")  # type: ignore[call-arg]
    await Band.objects().create(name=123)  # type: ignore[arg-type]
    await Band.objects(Band.manager).create(studio=None)  # type: ignore[arg-type]
    # An unannotated Table's create() takes any keyword (vivace.mypy checks it in mypy).
    await PlainBand.objects().create(nme="x")


async def check_queries(band: Band) -> None:
    assert_type(await Band.objects().where(Band.popularity > 1), list[Band])
    assert_type(await Band.objects().get(Band.name == "x"), Band | None)
    assert_type(await Band.insert(Band(name="x")), list[dict[str, Any]])
    assert_type(await band.get_related(Band.manager), Manager | None)
    assert_type(await band.get_related(Band.studio), Studio | None)
    assert_type(await band.get_m2m(Band.genres), list[Genre])
    assert_type(await Manager().get_related(Manager.bands), list[Band])
    assert_type(Manager().bands, list[Band])
