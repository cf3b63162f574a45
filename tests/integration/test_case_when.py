"""``Case`` / ``When`` (Piccolo's ``piccolo.query.functions.conditional``) on every engine.

The cases of Piccolo's own ``test_conditional.py`` (TestCaseFunction, TestCaseValidation)
in our words, plus what Vivace promises besides: values bound, never written into the SQL;
results read back as the THEN/ELSE type; one cached statement per shape; use in where,
order_by and update.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Boolean, Date, Integer, Numeric, Varchar
from vivace.engine import Engine
from vivace.functions import Case, Upper, When
from vivace.query.functions import Case as QueryCase
from vivace.query.functions import When as QueryWhen
from vivace.query.functions.conditional import Case as ConditionalCase
from vivace.query.functions.conditional import When as ConditionalWhen


class CwTicket(Table, tablename="cw_ticket"):
    name = Varchar(length=30)
    price = Integer()
    cost = Numeric(digits=(8, 2), null=True)
    sold_on = Date(null=True, default=None)
    open = Boolean(default=True)


async def seed(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, CwTicket)
    await CwTicket.insert(
        CwTicket(name="Standing", price=10, cost=decimal.Decimal("1.50")),
        CwTicket(name="Seated", price=50, cost=None, sold_on=datetime.date(2024, 2, 29)),
        CwTicket(name="VIP", price=100, cost=decimal.Decimal("20.25"), open=False),
    )


def labelled(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [row[key] for row in rows]


# Piccolo's TestCaseFunction -------------------------------------------------------------------


async def test_text_branches_in_order_with_a_default(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        CwTicket.name,
        Case(
            When(CwTicket.price >= 100, then="expensive"),
            When(CwTicket.price >= 50, then="mid range"),
            default="cheap",
            alias="price_band",
        ),
    ).order_by(CwTicket.price)
    assert rows == [
        {"name": "Standing", "price_band": "cheap"},
        {"name": "Seated", "price_band": "mid range"},
        {"name": "VIP", "price_band": "expensive"},
    ]


async def test_integer_branches_come_back_as_ints(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        CwTicket.name, Case(When(CwTicket.price >= 50, then=1), default=0, alias="is_pricey")
    ).order_by(CwTicket.price)
    assert labelled(rows, "is_pricey") == [0, 1, 1]
    assert all(type(v) is int for v in labelled(rows, "is_pricey"))


async def test_without_a_default_the_rest_is_null(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        CwTicket.name, Case(When(CwTicket.price >= 100, then="expensive"), alias="price_band")
    ).order_by(CwTicket.price)
    assert labelled(rows, "price_band") == [None, None, "expensive"]
    # default=None says the same (no ELSE).
    explicit = await CwTicket.select(
        Case(When(CwTicket.price >= 100, then="expensive"), default=None, alias="b")
    ).order_by(CwTicket.price)
    assert labelled(explicit, "b") == [None, None, "expensive"]


async def test_combined_conditions_and_booleans(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        Case(
            When((CwTicket.price >= 50) & (CwTicket.name == "Seated"), then=True),
            default=False,
            alias="matched",
        ),
        Case(
            When((CwTicket.price < 20) | (CwTicket.name == "VIP"), then=True),
            default=False,
            alias="either",
        ),
    ).order_by(CwTicket.price)
    assert labelled(rows, "matched") == [False, True, False]
    assert labelled(rows, "either") == [True, False, True]
    assert all(type(v) is bool for row in rows for v in row.values())


async def test_a_column_as_a_branch(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        Case(When(CwTicket.price >= 50, then=CwTicket.price), default=0, alias="premium")
    ).order_by(CwTicket.price)
    assert labelled(rows, "premium") == [0, 50, 100]
    # The column's type reads the results: a Numeric column gives Decimals on every engine.
    costs = await CwTicket.select(
        Case(When(CwTicket.cost.is_not_null(), then=CwTicket.cost), default=0, alias="c")
    ).order_by(CwTicket.price)
    assert labelled(costs, "c") == [decimal.Decimal("1.50"), 0, decimal.Decimal("20.25")]
    assert all(isinstance(v, decimal.Decimal) for v in labelled(costs, "c"))
    # A Date column as the default: dates back, whatever the engine stores.
    days = await CwTicket.select(
        Case(When(CwTicket.price < 50, then=None), default=CwTicket.sold_on, alias="d")
    ).order_by(CwTicket.price)
    assert labelled(days, "d") == [None, datetime.date(2024, 2, 29), None]


async def test_functions_inside_branches(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(
        Case(
            When(CwTicket.price >= 100, then=Upper(CwTicket.name)),
            default=CwTicket.name,
            alias="label",
        )
    ).order_by(CwTicket.price)
    assert labelled(rows, "label") == ["Standing", "Seated", "VIP"]
    shouted = await CwTicket.select(
        Case(When(CwTicket.price >= 50, then=Upper(CwTicket.name)), default=CwTicket.name)
    ).order_by(CwTicket.price)
    assert labelled(shouted, "case") == ["Standing", "SEATED", "VIP"]
    # A function's condition: Upper(name).like(...)
    seated = await CwTicket.select(
        CwTicket.name,
        Case(When(Upper(CwTicket.name).like("SEAT%"), then=1), default=0, alias="seated"),
    ).order_by(CwTicket.name)
    assert labelled(seated, "seated") == [1, 0, 0]


async def test_in_where(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = (
        await CwTicket.select(CwTicket.name)
        .where(Case(When(CwTicket.price >= 50, then=1), default=0) == 1)
        .order_by(CwTicket.price)
    )
    assert rows == [{"name": "Seated"}, {"name": "VIP"}]
    # ... on the right of a comparison too
    equal = await CwTicket.select(CwTicket.name).where(
        CwTicket.price == Case(When(CwTicket.name == "Standing", then=10), default=0)
    )
    assert equal == [{"name": "Standing"}]


async def test_in_order_by(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(CwTicket.name).order_by(
        Case(When(CwTicket.name == "Seated", then=1), default=2), CwTicket.name
    )
    assert labelled(rows, "name") == ["Seated", "Standing", "VIP"]
    backwards = await CwTicket.select(CwTicket.name).order_by(
        Case(When(CwTicket.name == "Seated", then=1), default=2), ascending=False
    )
    assert labelled(backwards, "name")[-1] == "Seated"


async def test_the_key_is_case_without_an_alias(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await CwTicket.select(Case(When(CwTicket.price >= 100, then="expensive"))).order_by(
        CwTicket.price
    )
    assert rows == [{"case": None}, {"case": None}, {"case": "expensive"}]
    renamed = await CwTicket.select(
        Case(When(CwTicket.price >= 100, then=1), alias="a").as_alias("b")
    ).order_by(CwTicket.price)
    assert labelled(renamed, "b") == [None, None, 1]


async def test_in_update_values(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    await CwTicket.update(
        {CwTicket.name: Case(When(CwTicket.price >= 50, then="Premium"), default=CwTicket.name)},
        force=True,
    )
    rows = await CwTicket.select(CwTicket.name).order_by(CwTicket.price)
    assert labelled(rows, "name") == ["Standing", "Premium", "Premium"]
    await CwTicket.update(
        {CwTicket.price: Case(When(CwTicket.price < 50, then=CwTicket.price * 2), default=1)}
    ).where(CwTicket.name == "Standing")
    assert await CwTicket.select(CwTicket.price).where(CwTicket.name == "Standing") == [
        {"price": 20}
    ]


TYPED_VALUES: list[Any] = [
    "text",
    7,
    True,
    1.5,
    decimal.Decimal("1.5"),
    datetime.date(2021, 1, 1),
    datetime.datetime(2021, 1, 1, 10, 0),
    datetime.datetime(2021, 1, 1, 10, 0, tzinfo=datetime.UTC),
    datetime.time(10, 0),
    datetime.timedelta(hours=1),
    uuid.UUID("2a2f9c38-0b6e-4b5a-9c3e-3d0b3c6f5a10"),
    b"hello",
]


@pytest.mark.parametrize("value", TYPED_VALUES, ids=lambda v: type(v).__name__)
async def test_plain_values_come_back_as_given(
    db: Engine, use_tables: UseTables, value: Any
) -> None:
    # Piccolo's test_typed_values (PostgreSQL) and test_sqlite_dates (where Piccolo gives
    # the stored text back): Vivace gives the Python value back on every engine.
    await seed(db, use_tables)
    first = await (
        CwTicket.select(Case(When(CwTicket.price >= 100, then=value), alias="value"))
        .where(CwTicket.name == "VIP")
        .first()
    )
    assert first == {"value": value}
    assert type(first["value"]) is type(value)
    as_default = await CwTicket.select(
        Case(When(CwTicket.price >= 100, then=None), default=value, alias="value")
    ).order_by(CwTicket.price)
    assert labelled(as_default, "value") == [value, value, None]


# Vivace's promises ----------------------------------------------------------------------------


async def test_values_are_bound_never_written_in(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    sneaky = "x'); DROP TABLE cw_ticket; --"
    query = CwTicket.select(
        Case(When(CwTicket.name == "VIP", then=sneaky), default="other", alias="said")
    ).order_by(CwTicket.price)
    compiled, values = db.compile(query._statement())
    assert sneaky not in compiled.sql and "other" not in compiled.sql and "VIP" not in compiled.sql
    assert values == ["VIP", sneaky, "other"]
    assert db.dialect.quote("cw_ticket") in compiled.sql
    assert db.dialect.quote("said") in compiled.sql
    assert labelled(await query, "said") == ["other", "other", sneaky]
    assert await CwTicket.count() == 3


async def test_one_statement_per_shape(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)

    def query(low: int, high: str, other: str) -> Any:
        return CwTicket.select(
            Case(When(CwTicket.price >= low, then=high), default=other, alias="band")
        ).order_by(CwTicket.price)

    first, first_values = db.compile(query(50, "hi", "lo")._statement())
    second, second_values = db.compile(query(100, "top", "rest")._statement())
    assert first is second
    assert (first_values, second_values) == ([50, "hi", "lo"], [100, "top", "rest"])
    assert labelled(await query(100, "top", "rest"), "band") == ["rest", "rest", "top"]
    # A different shape (another branch, no default, another alias) is another statement.
    two = CwTicket.select(
        Case(
            When(CwTicket.price >= 50, then="a"), When(CwTicket.price >= 10, then="b"), alias="band"
        )
    ).order_by(CwTicket.price)
    other, other_values = db.compile(two._statement())
    assert other is not first and other_values == [50, "a", 10, "b"]
    assert labelled(await two, "band") == ["b", "a", "a"]


async def test_a_value_is_checked_against_the_column_it_is_compared_with(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    with pytest.raises(ValueError):
        await CwTicket.select(Case(When(CwTicket.price >= "a lot", then=1), alias="x"))


# Piccolo's TestCaseValidation -------------------------------------------------------------------


def test_case_needs_a_when() -> None:
    with pytest.raises(ValueError, match=r"^At least one `When` must be passed in\.$"):
        Case(default=1)


def test_case_takes_only_whens() -> None:
    with pytest.raises(ValueError, match=r"^Only `When` instances can be passed in\.$"):
        Case("not a when")  # type: ignore[arg-type]
    good = When(CwTicket.price > 1, then=1)
    with pytest.raises(ValueError, match=r"^Only `When` instances can be passed in\.$"):
        Case(good, CwTicket.price > 2)  # type: ignore[arg-type]


def test_when_needs_a_condition() -> None:
    for condition in ("not a condition", CwTicket.price, Upper(CwTicket.name), True, None):
        with pytest.raises(ValueError, match=r"^The condition must be a where clause\.$"):
            When(condition, then=1)  # type: ignore[arg-type]


def test_alias() -> None:
    # As Piccolo's ``alias or "case"``: an empty alias is the default key.
    assert Case(When(CwTicket.price > 1, then=1), alias="").result_name == "case"
    assert Case(When(CwTicket.price > 1, then=1), alias="x").result_name == "x"
    with pytest.raises(ValueError, match="alias"):
        Case(When(CwTicket.price > 1, then=1), alias=7)  # type: ignore[arg-type]


def test_import_paths_are_piccolos() -> None:
    assert QueryCase is Case is ConditionalCase
    assert QueryWhen is When is ConditionalWhen
