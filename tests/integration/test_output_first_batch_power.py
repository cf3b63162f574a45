"""Query-builder parity with Piccolo 1.38: ``output()`` called more than once, ``first()``
after ``output()``, a batch's ``next()`` once it is exhausted, and ``**`` (power).

Checked against Piccolo 1.38 (SQLite and PostgreSQL):
``select(facts).output(as_list=True).output(load_json=True)`` lists the parsed values;
``await batch.next()`` at the end is ``[]``; ``QueryString(...) ** 2`` is a power.
Vivace keeps every flag whichever call gives it (Piccolo loses ``load_json``/``nested``
given before a later ``output()``), and ``first()`` is shaped by ``output()`` in either
order (Piccolo drops ``as_list`` when ``first()`` follows it).
"""

from __future__ import annotations

import decimal
from typing import Any, cast

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import JSON, DoublePrecision, Integer, Numeric, Varchar
from vivace.engine import Engine
from vivace.exceptions import DataError, InvalidValue, QueryError
from vivace.functions import Length
from vivace.querystring import QueryString


class OutBand(Table, tablename="out_band"):
    name = Varchar(length=50)
    popularity = Integer(default=0)
    price = Numeric(digits=(6, 2), default=decimal.Decimal("0"))
    rating = DoublePrecision(default=0.0)
    facts = JSON(default="{}")


async def seed(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, OutBand)
    await OutBand.insert(
        OutBand(
            name="Pythonistas",
            popularity=2,
            price=decimal.Decimal("2.50"),
            rating=1.5,
            facts='{"a": 1}',
        ),
        OutBand(
            name="Rustaceans",
            popularity=-3,
            price=decimal.Decimal("0.5"),
            rating=0.25,
            facts='{"b": 2}',
        ),
    )


# output() called twice --------------------------------------------------------------------
async def test_output_flags_add_up_across_calls(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    facts = OutBand.select(OutBand.facts).order_by(OutBand.id)
    # Typed list[str] (load_json after as_list keeps the list typed; see output()).
    parsed: Any = await facts.output(as_list=True).output(load_json=True)
    assert parsed == [{"a": 1}, {"b": 2}]
    assert await facts.output(load_json=True).output(as_list=True) == [{"a": 1}, {"b": 2}]
    names = OutBand.select(OutBand.name).order_by(OutBand.id)
    assert await names.output(as_list=True).output(as_json=True) == '["Pythonistas", "Rustaceans"]'


async def test_output_false_turns_a_flag_off(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    names = OutBand.select(OutBand.name).order_by(OutBand.id).output(as_list=True)
    assert await names.output(as_list=False) == [{"name": "Pythonistas"}, {"name": "Rustaceans"}]
    facts = OutBand.select(OutBand.facts).where(OutBand.id == 1).output(load_json=True)
    assert await facts.output(load_json=False) == [{"facts": '{"a": 1}'}]


# first() after output() --------------------------------------------------------------------
async def test_first_after_output(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    names = OutBand.select(OutBand.name).order_by(OutBand.id)
    assert await names.output(as_list=True).first() == "Pythonistas"
    # first() is typed as a query; at run time it keeps every clause, output() included.
    assert await cast(Any, names.first()).output(as_list=True) == "Pythonistas"
    assert await names.output(as_json=True).first() == '{"name": "Pythonistas"}'
    none = names.where(OutBand.name == "nobody")
    assert await none.output(as_list=True).first() is None
    # No row: None, as Piccolo's first() gives (it was the JSON text "null").
    assert await none.output(as_json=True).first() is None
    assert await cast(Any, none.first()).output(as_json=True) is None


# batch.next() once exhausted ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("shape", "empty"),
    [({}, []), ({"as_list": True}, []), ({"nested": True}, []), ({"as_json": True}, "[]")],
)
async def test_batch_next_at_the_end_is_empty(
    db: Engine, use_tables: UseTables, shape: dict[str, Any], empty: object
) -> None:
    await seed(db, use_tables)
    query = OutBand.select(OutBand.name).order_by(OutBand.id).output(**shape)
    async with await query.batch(batch_size=5) as batch:
        assert await batch.next() == await query
        assert await batch.next() == empty
        assert await batch.next() == empty
    async with await OutBand.objects().batch(batch_size=5) as batch:
        assert len(await batch.next()) == 2
        assert await batch.next() == []
    async with await query.batch(batch_size=1) as batch:
        assert len([chunk async for chunk in batch]) == 2


# ** (power) -----------------------------------------------------------------------------------
async def test_power_on_columns_functions_and_querystrings(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    rows = await OutBand.select(
        (OutBand.popularity**2).as_alias("square"),
        (2**OutBand.popularity).as_alias("two"),
        (OutBand.price**2).as_alias("price"),
        (OutBand.rating**OutBand.popularity).as_alias("rating"),
        (Length(OutBand.name) ** 0.5).as_alias("root"),
        (QueryString("popularity") ** 3).as_alias("cube"),
        ((OutBand.popularity**2) + 0.5).as_alias("plus"),
    ).order_by(OutBand.id)
    assert rows == [
        {
            "square": 4.0,
            "two": 4.0,
            "price": 6.25,
            "rating": 2.25,
            "root": 11**0.5,
            "cube": 8.0,
            "plus": 4.5,
        },
        {
            "square": 9.0,
            "two": 0.125,
            "price": 0.25,
            "rating": 64.0,
            "root": 10**0.5,
            "cube": -27.0,
            "plus": 9.5,
        },
    ]
    # A double on every engine (PostgreSQL's integer ^ integer is double precision).
    assert all(type(value) is float for row in rows for value in row.values())
    assert await OutBand.select(OutBand.name).where(OutBand.popularity**2 > 5) == [
        {"name": "Rustaceans"}
    ]
    assert await OutBand.select((OutBand.popularity**None).as_alias("p")).first() == {"p": None}


async def test_power_refusals_are_alike(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    with pytest.raises(QueryError, match=r"\*\* \(power\) takes numbers, not varchar"):
        OutBand.name**2
    with pytest.raises(QueryError, match="modulo"):
        pow(OutBand.popularity, 2, 3)  # type: ignore[misc]
    with pytest.raises(InvalidValue):
        await OutBand.select((OutBand.popularity ** "2").as_alias("p"))
    rustaceans = OutBand.select(OutBand.name).where(OutBand.name == "Rustaceans")
    # No real result, or past a double: an error on every engine (SQLite said NULL or inf).
    for power in (OutBand.popularity**0.5, 0**OutBand.popularity, OutBand.popularity**1000):
        with pytest.raises(DataError):
            await rustaceans.columns(power.as_alias("p"))
