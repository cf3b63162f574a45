"""Foreign keys as Piccolo 1.x has them, pinned on every engine: cases found by running
Piccolo's own foreign key tests (``tests/columns/foreign_key``) on Vivace.

``Table._meta.foreign_key_references`` lists the keys pointing at a table: a
``ForeignKey("self")`` counts for its own table, and a key given by name counts for the
class that name resolves to (Piccolo looks the name up in the key's own module), not for
every table of that name.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, Varchar
from vivace.engine import Engine


class PfkEmployee(Table, tablename="pfk_employee"):
    name = Varchar(length=50)
    boss: ForeignKey[PfkEmployee] = ForeignKey("self", null=True)


class PfkOwner(Table, tablename="pfk_owner"):
    name = Varchar(length=50)


class PfkCar(Table, tablename="pfk_car"):
    model = Varchar(length=50)
    owner: ForeignKey[PfkOwner] = ForeignKey("PfkOwner")


class PfkBike(Table, tablename="pfk_bike"):
    model = Varchar(length=50)
    owner = ForeignKey(PfkOwner)


def _elsewhere() -> tuple[Any, Any]:
    """A second ``PfkOwner``, and a key naming it, as if defined in another module."""

    class PfkOwner(Table, tablename="pfk_owner_elsewhere"):
        __module__ = "tests.integration.pfk_elsewhere"
        name = Varchar(length=50)

    class PfkPet(Table, tablename="pfk_pet_elsewhere"):
        __module__ = "tests.integration.pfk_elsewhere"
        owner: ForeignKey[Any] = ForeignKey("PfkOwner")

    return PfkOwner, PfkPet


OTHER_OWNER, OTHER_PET = _elsewhere()


async def test_self_key_references_its_own_table(db: Engine, use_tables: UseTables) -> None:
    # Piccolo: ForeignKey("self") is recorded on its table's foreign_key_references from
    # the start (it was missing until the key had been used).
    assert PfkEmployee._meta.foreign_key_references == [PfkEmployee.boss]
    await use_tables(db, PfkEmployee)
    guido = PfkEmployee(name="Guido")
    await guido.save()
    await PfkEmployee(name="Yuki", boss=guido).save()
    rows = await PfkEmployee.select(PfkEmployee.name, PfkEmployee.boss.name).order_by(
        PfkEmployee.name
    )
    assert rows == [
        {"name": "Guido", "boss.name": None},
        {"name": "Yuki", "boss.name": "Guido"},
    ]


async def test_key_by_name_references_only_the_table_it_resolves_to(
    db: Engine, use_tables: UseTables
) -> None:
    # Piccolo: ForeignKey("PfkOwner") is the PfkOwner of the key's module; another module's
    # PfkOwner does not list it (it was listed by both, by name). Definition order.
    assert PfkOwner._meta.foreign_key_references == [PfkCar.owner, PfkBike.owner]
    assert OTHER_OWNER._meta.foreign_key_references == [OTHER_PET.owner]
    assert OTHER_PET.owner.resolved_references is OTHER_OWNER
    await use_tables(db, PfkOwner, PfkCar)
    ada = PfkOwner(name="Ada")
    await ada.save()
    await PfkCar(model="Beetle", owner=ada).save()
    assert await PfkCar.select(PfkCar.model, PfkCar.owner.name) == [
        {"model": "Beetle", "owner.name": "Ada"}
    ]
