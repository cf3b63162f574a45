"""The typing-only parts of the columns leave run time alone: annotations that name the
generic column classes evaluate, and the constructors behave as before.

(``tests/typing/`` holds what the type checkers must conclude; this file runs.)
"""

import dataclasses
import typing
from typing import Any

import pytest

from vivace import Table
from vivace.columns import (
    JSON,
    M2M,
    ForeignKey,
    Integer,
    LazyTableReference,
    ReverseForeignKey,
    Varchar,
)
from vivace.exceptions import QueryError
from vivace.orm.objects import Objects
from vivace.orm.select import Select
from vivace.table import TypedTable


class RtManager(Table, tablename="rt_manager"):
    name: Varchar[str] = Varchar(length=50)
    bands: ReverseForeignKey["RtBand"] = ReverseForeignKey(
        LazyTableReference("RtBand", module_path=__name__)
    )


class RtBand(Table, tablename="rt_band"):
    # No ``from __future__ import annotations`` here: these annotations run.
    rating: Integer[int | None] = Integer(null=True)
    manager: ForeignKey[RtManager] = ForeignKey(RtManager)
    owner: ForeignKey[RtManager, int] = ForeignKey(RtManager, null=False)


def test_annotations_naming_generic_columns_evaluate() -> None:
    hints = typing.get_type_hints(RtBand)
    # A foreign key's key type defaults at run time too (TypeVar defaults are typing-only).
    assert hints["manager"] == ForeignKey[RtManager, Any]
    assert hints["owner"] == ForeignKey[RtManager, int]
    assert hints["rating"] == Integer[int | None]
    assert typing.get_args(typing.get_type_hints(RtManager)["bands"]) == (RtBand,)
    assert typing.get_args(M2M[RtBand]) == (RtBand,)
    assert typing.get_args(Select[list[Any]]) == (list[Any], Any)
    assert typing.get_args(Select[list[str], str]) == (list[str], str)
    assert typing.get_args(Objects[RtBand]) == (RtBand,)


def test_constructors_behave_as_declared() -> None:
    assert RtBand.rating._meta.null is True
    assert RtBand.rating.default == 0  # nullable, with its type's default (as Piccolo)
    assert Integer()._meta.null is False and Integer().default == 0
    assert RtBand.manager._meta.null is True  # a foreign key is nullable unless told
    assert RtBand.owner._meta.null is False
    assert Varchar(length=5, null=True)._meta.null is True
    # ``_`` is the key itself at run time: the typed spelling reaches the same column.
    assert RtBand.manager._ is RtBand.manager
    assert RtBand.manager._.name._shape == RtBand.manager.name._shape
    assert [c._meta.name for c in RtBand._meta.columns] == [
        "id",
        "rating",
        "manager",
        "owner",
    ]


class RtTypedManager(TypedTable, tablename="rt_typed_manager"):
    name: Varchar = Varchar(length=50)
    # A relation is annotated ClassVar in a TypedTable (no constructor parameter).
    bands: typing.ClassVar[ReverseForeignKey["RtTypedBand"]] = ReverseForeignKey(
        LazyTableReference("RtTypedBand", module_path=__name__)
    )


class RtTypedBand(TypedTable, tablename="rt_typed_band"):
    name: Varchar = Varchar(length=50)
    rating: Integer[int | None] = Integer(null=True)
    facts: JSON = JSON()
    manager: ForeignKey[RtTypedManager, int | None] = ForeignKey(RtTypedManager)


def test_typed_table_is_a_table_at_run_time() -> None:
    # The checked constructor exists for type checkers only: rows are built by Table's own.
    assert RtTypedBand.__init__ is Table.__init__
    assert not dataclasses.is_dataclass(RtTypedBand)
    assert RtTypedBand.__eq__ is Table.__eq__ and RtTypedBand.__hash__ is Table.__hash__
    # The two abstract bases are no tables; their subclasses are, with the same columns.
    assert "_meta" not in vars(TypedTable) and "_meta" not in vars(TypedTable.__base__)
    assert [c._meta.name for c in RtTypedBand._meta.columns] == [
        "id",
        "name",
        "rating",
        "facts",
        "manager",
    ]
    band = RtTypedBand({RtTypedBand.name: "Pythonistas"}, manager=1, facts={"genre": "rock"})
    assert (band.name, band.rating, band.manager, band.id) == ("Pythonistas", 0, 1, None)
    assert band.facts == {"genre": "rock"}
    assert band._exists_in_db is False
    assert RtTypedBand(_data={"name": "x"}, _ignore_missing=True).rating is None
    assert band == band and band != RtTypedBand() and {band} == {band}
    with pytest.raises(QueryError, match=r"Unrecognized columns - \['nme'\]"):
        RtTypedBand(nme="x")
    assert RtTypedManager._meta.relations == [RtTypedManager.bands]
    assert RtTypedManager.bands._resolve()[0] is RtTypedBand
