"""Values inside Array columns, on every engine with arrays.

- An Enum member in a list is stored as its value, as Piccolo stores it and as a scalar
  column stores a member (``["drink"]``, never ``["Extras.drink"]``), on every path that
  binds a list for an Array column: inserts (one row, many), updates, ``save()``,
  comparisons and the array functions; and it is checked as its value.
- Concatenations chain (``[3] + T.value + [8]``) as Piccolo's ``array_cat`` calls do.

MariaDB has no arrays: the tests assert that it refuses their tables, then skip."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import Array, Integer, Varchar
from vivace.engine import Engine
from vivace.exceptions import InvalidValue, QueryError
from vivace.functions import ArrayAppend, ArrayCat, ArrayRemove


class Extras(str, enum.Enum):
    drink = "drink"
    snack = "snack"


class Level(int, enum.Enum):
    low = 1
    high = 2


class Size(enum.Enum):  # no mixin: its members are neither str nor int
    small = "s"
    large = "l"


class AvTicket(Table, tablename="av_ticket"):
    extras = Array(Varchar(), choices=Extras)
    tags = Array(Varchar(length=5))
    levels = Array(Integer())
    sizes = Array(Varchar(length=1))


class AvGrid(Table, tablename="av_grid"):
    cells = Array(Array(Varchar()))


class AvNumbers(Table, tablename="av_numbers"):
    value = Array(Integer())


def ticket(extras: list[Any]) -> AvTicket:
    return AvTicket(extras=extras, tags=extras, levels=[Level.high], sizes=[Size.large])


STORED = {"extras": ["drink"], "tags": ["drink"], "levels": [2], "sizes": ["l"]}
COLUMNS = (AvTicket.extras, AvTicket.tags, AvTicket.levels, AvTicket.sizes)


async def stored(where: Any = None) -> list[dict[str, Any]]:
    query = AvTicket.select(*COLUMNS).order_by(AvTicket.id)
    rows: list[dict[str, Any]] = await (query if where is None else query.where(where))
    return rows


# Enum members in arrays ---------------------------------------------------------------------
async def test_members_are_stored_as_values_by_save_and_insert(
    db: Engine, use_tables: UseTables
) -> None:
    await use_array_tables(db, use_tables, AvTicket)
    row = ticket([Extras.drink])
    await row.save()
    await AvTicket.insert(ticket([Extras.drink]))
    await AvTicket.insert(ticket([Extras.drink]), ticket([Extras.drink]))
    await AvTicket.objects().create(extras=[Extras.drink], tags=[Extras.drink])
    assert await stored() == [STORED] * 4 + [{**STORED, "levels": [], "sizes": []}]
    # str(query), rendered and never checked, writes them as values too.
    text = str(AvTicket.insert(ticket([Extras.drink])))
    assert "drink" in text
    assert "Extras." not in text
    assert "Size." not in text


async def test_members_are_stored_as_values_by_a_many_row_insert(
    db: Engine, use_tables: UseTables
) -> None:
    # 150 rows: past ARRAY_INSERT_MIN_ROWS (PostgreSQL asks for the array insert, which
    # leaves Array columns to a VALUES list: unnest would flatten them).
    await use_array_tables(db, use_tables, AvTicket)
    await AvTicket.insert(*(ticket([Extras.drink]) for _ in range(150)))
    assert await stored() == [STORED] * 150


async def test_members_are_stored_as_values_by_updates(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, AvTicket)
    row = ticket(["snack"])
    await row.save()
    await AvTicket.update(
        {AvTicket.extras: [Extras.drink], AvTicket.tags: [Extras.drink]}, force=True
    )
    assert await stored() == [STORED]
    row.extras = [Extras.snack, Extras.drink]
    row.levels = [Level.low]
    await row.save()
    after = {**STORED, "extras": ["snack", "drink"], "levels": [1], "tags": ["snack"]}
    assert await stored() == [after]
    await row.update_self({AvTicket.sizes: [Size.small]})
    assert await stored() == [{**after, "sizes": ["s"]}]


async def test_members_are_compared_as_values(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, AvTicket)
    await AvTicket.insert(ticket([Extras.drink]), ticket([Extras.snack]))
    extras = AvTicket.extras
    assert await stored(extras.any(Extras.drink)) == [STORED]
    assert len(await stored(extras.not_any(Extras.drink))) == 1
    assert await stored(extras == [Extras.drink]) == [STORED]
    assert await stored(AvTicket.sizes == [Size.large]) == [
        STORED,
        {**STORED, "extras": ["snack"], "tags": ["snack"]},
    ]
    assert await stored(AvTicket.levels.any(Level.high)) == await stored()
    if db.engine_type == "sqlite":
        # (is_in() of whole arrays is SQLite's only: PostgreSQL's "= ANY($1)" needs an
        # array of arrays' element type, which asyncpg cannot find, even for plain lists.)
        assert await stored(extras.is_in([[Extras.drink], ["tea"]])) == [STORED]
        return
    assert len(await stored(extras.all(Extras.drink))) == 1
    assert await stored(extras.overlap([Extras.drink, "tea"])) == [STORED]
    selected = AvTicket.select(extras.cat([Extras.snack])).where(extras.any(Extras.drink))
    assert await selected == [{"array_cat": ["drink", "snack"]}]
    selected = AvTicket.select(extras.remove(Extras.drink)).where(extras.any(Extras.drink))
    assert await selected == [{"array_remove": []}]


async def test_members_are_checked_as_their_values(db: Engine, use_tables: UseTables) -> None:
    # A member whose value does not fit is refused as that value would be.
    class Long(str, enum.Enum):
        lemonade = "lemonade"

    await use_array_tables(db, use_tables, AvTicket)
    with pytest.raises(InvalidValue) as as_member:
        await AvTicket.insert(AvTicket(tags=[Long.lemonade]))
    with pytest.raises(InvalidValue) as as_value:
        await AvTicket.insert(AvTicket(tags=["lemonade"]))
    assert str(as_member.value) == str(as_value.value)
    assert "'lemonade'" in str(as_member.value)
    with pytest.raises(InvalidValue) as as_member:
        await AvTicket.update({AvTicket.levels: [Size.small]}, force=True)
    with pytest.raises(InvalidValue) as as_value:
        await AvTicket.update({AvTicket.levels: ["s"]}, force=True)
    assert str(as_member.value) == str(as_value.value)
    assert await AvTicket.count() == 0


async def test_members_in_nested_arrays(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, AvGrid)
    await AvGrid.insert(AvGrid(cells=[[Extras.drink, Extras.snack]]))
    await AvGrid.insert(*(AvGrid(cells=[[Extras.snack]]) for _ in range(2)))
    rows = await AvGrid.select(AvGrid.cells).order_by(AvGrid.id)
    assert rows == [{"cells": [["drink", "snack"]]}, {"cells": [["snack"]]}, {"cells": [["snack"]]}]
    await AvGrid.update({AvGrid.cells: [[Extras.drink]]}).where(AvGrid.id == 1)
    matched = await AvGrid.select(AvGrid.id).where(AvGrid.cells == [[Extras.drink]])
    assert matched == [{"id": 1}]


# chained concatenation ----------------------------------------------------------------------
async def test_concatenations_chain(db: Engine, use_tables: UseTables) -> None:
    await use_array_tables(db, use_tables, AvNumbers)
    await AvNumbers.insert(AvNumbers(value=[5]))
    value = AvNumbers.value
    if db.engine_type == "sqlite":  # refused when built, as a single concatenation is
        for build in (
            lambda: [3] + value + [8],  # noqa: RUF005 (Piccolo's + on arrays)
            lambda: value + [1] + [2],  # noqa: RUF005
            lambda: value + value + [2],
        ):
            with pytest.raises(QueryError, match=r"^Only Postgres and Cockroach support array"):
                build()
        return
    update = AvNumbers.update({value: [3] + value + [8]}, force=True)  # noqa: RUF005
    # Piccolo: array_cat(array_cat([3], value), [8]); never "+" on an array.
    assert str(update).count("ARRAY_CAT(") == 2
    assert "+" not in str(update)
    await update
    assert await AvNumbers.select(value) == [{"value": [3, 5, 8]}]

    async def selected(expression: Any) -> Any:
        rows = await AvNumbers.select(expression.as_alias("v"))
        return rows[0]["v"]

    assert await selected(value + [1] + [2] + [Level.high]) == [3, 5, 8, 1, 2, 2]  # noqa: RUF005
    assert await selected(value + value + value) == [3, 5, 8] * 3
    assert await selected([0] + (value.cat([9]) + value)) == [0, 3, 5, 8, 9, 3, 5, 8]
    assert await selected([1] + ([2] + value.remove(5)) + 4) == [1, 2, 3, 8, 4]
    assert await selected(value.append(Level.low) + value.prepend(0)) == [3, 5, 8, 1, 0, 3, 5, 8]
    # The array functions chain as the column's methods do (Piccolo's ArrayQueryString).
    assert await selected(ArrayCat(value, [Level.high]) + [9]) == [3, 5, 8, 2, 9]  # noqa: RUF005
    functions = [1] + ArrayAppend(value, 9) + ArrayRemove(value, 3)  # noqa: RUF005
    assert await selected(functions) == [1, 3, 5, 8, 9, 5, 8]
    assert await AvNumbers.select([7] + value + [8]) == [{"array_cat": [7, 3, 5, 8, 8]}]  # noqa: RUF005
