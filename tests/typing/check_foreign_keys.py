"""Typing checks (never executed): foreign keys, the implicit ``id``, related rows.

``band.manager`` is what the row holds: the stored key (an ``int``; ``None`` unless
``null=False``) or, once prefetched, the ``Manager`` row. A join has two spellings:
``Band.manager._.name`` is the strict one (typed as the target's column, a typo is an
error); Piccolo's ``Band.manager.name`` is accepted too, as a ``JoinedColumn`` (conditions,
chains and query methods typed, any name accepted: checkers cannot look a column up by name).
Negative lines end in ``# type: ignore[code]`` (see check_nullable.py).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, assert_type

from vivace import Table
from vivace.columns import (
    JSON,
    UUID,
    Array,
    Column,
    ForeignKey,
    Integer,
    LazyTableReference,
    OnDelete,
    Serial,
    Varchar,
)
from vivace.orm.objects import First, Objects
from vivace.schema import JoinOn
from vivace.sql.nodes import Alias, Arithmetic, Condition

if TYPE_CHECKING:
    from vivace.schema.foreign_key import JoinedColumn


class Manager(Table):
    name = Varchar(length=50)
    tags = Array(base_column=Varchar())
    facts = JSON()


class Band(Table):
    name = Varchar(length=50)
    rating = Integer(null=True)
    manager = ForeignKey(Manager)
    owner = ForeignKey(Manager, null=False)


class Concert(Table):
    band = ForeignKey(Band)
    # Lazy references name the target in the annotation.
    headliner: ForeignKey[Band, int | None] = ForeignKey(
        LazyTableReference("Band", module_path=__name__)
    )


class Studio(Table):
    # ``id`` is typed a Serial on every table; a table keyed otherwise under that name
    # annotates its own (both checkers then read the annotation).
    id: UUID = UUID(primary_key=True)  # type: ignore[assignment]


class Label(Table):
    id: Varchar = Varchar(length=20, primary_key=True)  # type: ignore[assignment]


class Session(Table):
    # A key is typed by its target's ``id``: a UUID, text, else a Serial's int.
    studio = ForeignKey(Studio)
    backup = ForeignKey(Studio, null=False)
    label = ForeignKey(Label)
    # An annotation still says it where the constructor cannot (a lazy reference).
    later: ForeignKey[Studio, uuid.UUID | None] = ForeignKey(
        LazyTableReference("Studio", module_path=__name__)
    )  # type: ignore[assignment]
    # Only tables are targets, and the options are checked.
    wrong = ForeignKey(int)  # type: ignore[type-var]
    typo = ForeignKey(Manager, on_delet=OnDelete.cascade)  # type: ignore[call-overload]
    keyed = ForeignKey(Studio, on_delete=OnDelete.set_null, target_column="id")


def check_rows(band: Band, concert: Concert) -> None:
    assert_type(band.id, int)  # the primary key every table gets unless it declares one
    assert_type(band.rating, int | None)
    assert_type(band.manager, Manager | int | None)
    assert_type(band.owner, Manager | int)
    assert_type(concert.headliner, Band | int | None)
    band.rating = None
    band.manager = None
    band.manager = 3
    band.manager = Manager(name="Guido")
    band.owner = None  # type: ignore[assignment]
    band.manager = "3"  # type: ignore[assignment]
    if isinstance(band.manager, Manager):
        assert_type(band.manager.name, str)


def check_studio(studio: Studio, session: Session) -> None:
    assert_type(studio.id, uuid.UUID)
    assert_type(Studio.id, UUID)
    assert_type(Session.studio, ForeignKey[Studio, uuid.UUID | None])
    assert_type(Session.backup, ForeignKey[Studio, uuid.UUID])
    assert_type(Session.label, ForeignKey[Label, str | None])
    assert_type(session.studio, Studio | uuid.UUID | None)
    assert_type(session.backup, Studio | uuid.UUID)
    assert_type(session.label, Label | str | None)
    assert_type(session.later, Studio | uuid.UUID | None)
    session.studio = uuid.uuid4()
    session.label = "EMI"
    session.studio = 3  # type: ignore[assignment]
    session.label = 3  # type: ignore[assignment]


def check_chains() -> None:
    assert_type(Band.id, Serial)
    assert_type(Band.manager, ForeignKey[Manager, int | None])
    assert_type(Band.owner, ForeignKey[Manager, int])
    assert_type(Band.manager._, type[Manager])
    assert_type(Band.manager.resolved_references, type[Manager])
    assert_type(Band.manager._.name, Varchar)
    assert_type(Band.manager._.id, Serial)
    assert_type(Concert.band._.manager._.name, Varchar)
    assert_type(Concert.headliner._.rating, Integer[int | None])
    Band.select(Band.manager._.nme)  # type: ignore[attr-defined]
    Band.select().where(Band.manager._.nme == "Guido")  # type: ignore[attr-defined]
    Concert.select(Concert.band._.manager._.nme)  # type: ignore[attr-defined]
    Concert.select().order_by(Concert.band._.manager._.nme)  # type: ignore[attr-defined]
    Band.select(Band.nme)  # type: ignore[attr-defined]
    # The key's own methods stay typed (only the target's columns need ``_``).
    assert_type(Band.manager == 1, Condition)
    assert_type(Band.manager != Manager(), Condition)
    assert_type(Band.manager.is_in([1, 2]), Condition)
    assert_type(Band.manager.not_in([1]), Condition)
    assert_type(Band.manager.is_null(), Condition)
    assert_type(Band.manager.all_columns(), list[Column[Any]])
    assert_type(Band.objects(Band.manager, *Band.manager.all_related()), Objects[Band])
    # A join walked backwards, or on any columns, reaches a table known only at run time.
    assert_type(Band.manager.reverse().rating, JoinedColumn)
    assert_type(Manager.id.join_on(Band.manager).rating == 3, Condition)
    assert_type(Manager.id.join_on(Band.manager), JoinOn)
    assert_type(Band.manager.reverse(), JoinOn)


def check_plain_chains() -> None:
    # Piccolo's spelling: a JoinedColumn at any depth, with the conditions of every column.
    assert_type(Band.manager.name, JoinedColumn)
    assert_type(Concert.band.manager.name, JoinedColumn)
    assert_type(Concert.headliner.manager.id, JoinedColumn)
    assert_type(Band.manager.name == "Guido", Condition)
    assert_type(Concert.band.manager.name != "Guido", Condition)
    assert_type(Concert.band.rating > 3, Condition)
    assert_type(Band.manager.name.like("G%"), Condition)
    assert_type(Band.manager.name.is_in(["Guido"]), Condition)
    assert_type(Band.manager.name.is_null(), Condition)
    assert_type((Band.manager.name == "a") | (Band.manager.name == "b"), Condition)
    assert_type(Concert.band.rating + 1, Arithmetic)
    assert_type(Band.manager.name.as_alias("manager_name"), Alias)
    assert_type(Concert.band.manager.all_columns(), list[Column[Any]])
    # What only some column types have is let through untyped.
    assert_type(Band.manager.tags.any("rock"), Any)
    assert_type(Band.manager.facts["genre"], Any)
    assert_type(Band.manager.facts.arrow("genre"), Any)
    # The price of the plain spelling: a misspelt name is not caught (``_`` catches it).
    assert_type(Band.manager.nme, JoinedColumn)


async def check_plain_chain_queries() -> None:
    assert_type(
        await Band.select(Band.name, Band.manager.name)
        .where(Band.manager.name == "Guido")
        .order_by(Band.manager.name, ascending=False),
        list[dict[str, Any]],
    )
    assert_type(
        await Concert.select(Concert.band.manager.name).where(
            (Concert.band.manager.name.like("G%")) & (Concert.band.rating > 1)
        ),
        list[dict[str, Any]],
    )
    assert_type(
        await Concert.objects(Concert.band, Concert.band.manager)
        .where(Concert.band.manager.name == "Guido")
        .order_by(Concert.band.manager.name)
        .first(),
        Concert | None,
    )
    assert_type(await Concert.count().where(Concert.band.manager.name == "Guido"), int)


async def check_related(band: Band, concert: Concert) -> None:
    assert_type(band.get_related(Band.manager), First[Manager])
    assert_type(await band.get_related(Band.manager), Manager | None)
    assert_type(await concert.get_related(Concert.band._.manager), Manager | None)
    assert_type(await concert.get_related(Concert.headliner), Band | None)
    band.get_related(Band.name)  # type: ignore[call-overload]
