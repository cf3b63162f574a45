"""Window functions and common table expressions on SQLite and PostgreSQL."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb
from vivace import Table
from vivace.columns import ForeignKey, Integer, Numeric, Text, Varchar
from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.functions import (
    Avg,
    Cast,
    Concat,
    Count,
    DenseRank,
    Lag,
    Lead,
    Max,
    Rank,
    RowNumber,
    Sum,
    Upper,
)
from vivace.query import CTE, Exists

D = decimal.Decimal


class WinManager(Table, tablename="win_manager"):
    name = Varchar(length=50)


class WinBand(Table, tablename="win_band"):
    name = Varchar(length=50)
    manager = ForeignKey(WinManager)
    popularity = Integer()
    price = Numeric(digits=(6, 2))


class WinStaff(Table, tablename="win_staff"):
    name = Varchar(length=50)
    boss_id = Integer(null=True, default=None)  # roots: NULL (Integer alone defaults to 0)
    team = ForeignKey(WinManager, null=True)


async def seed(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, WinManager, WinBand, WinStaff)
    guido, graydon = WinManager(name="Guido"), WinManager(name="Graydon")
    await WinManager.insert(guido, graydon)
    await WinBand.insert(
        WinBand(name="Pythonistas", manager=guido, popularity=1000, price=D("10.10")),
        WinBand(name="Pythonettes", manager=guido, popularity=500, price=D("20.20")),
        WinBand(name="Pyrates", manager=guido, popularity=500, price=D("0.30")),
        WinBand(name="Rustaceans", manager=graydon, popularity=800, price=D("5.05")),
        WinBand(name="Crabs", manager=graydon, popularity=100, price=D("1.00")),
    )
    # ada -> (bob -> (dan, eve), cyd -> fay); gus has no boss either
    ada = WinStaff(name="ada", team=guido)
    gus = WinStaff(name="gus")
    await WinStaff.insert(ada, gus)
    bob = WinStaff(name="bob", boss_id=ada.id, team=graydon)
    cyd = WinStaff(name="cyd", boss_id=ada.id)
    await WinStaff.insert(bob, cyd)
    await WinStaff.insert(
        WinStaff(name="dan", boss_id=bob.id),
        WinStaff(name="eve", boss_id=bob.id, team=guido),
        WinStaff(name="fay", boss_id=cyd.id),
    )


# window functions ---------------------------------------------------------------------------------
async def test_rank_dense_rank_and_row_number(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await WinBand.select(
        WinBand.name,
        RowNumber().over(order_by=[WinBand.popularity, WinBand.name], ascending=False),
        Rank().over(order_by=WinBand.popularity, ascending=False),
        DenseRank().over(order_by=WinBand.popularity, ascending=False),
    ).order_by(WinBand.popularity, WinBand.name, ascending=False)
    assert rows == [
        {"name": "Pythonistas", "row_number": 1, "rank": 1, "dense_rank": 1},
        {"name": "Rustaceans", "row_number": 2, "rank": 2, "dense_rank": 2},
        {"name": "Pythonettes", "row_number": 3, "rank": 3, "dense_rank": 3},
        {"name": "Pyrates", "row_number": 4, "rank": 3, "dense_rank": 3},
        {"name": "Crabs", "row_number": 5, "rank": 5, "dense_rank": 4},
    ]
    assert all(type(v) is int for row in rows for k, v in row.items() if k != "name")


async def test_rank_within_partitions_of_a_joined_column(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await WinBand.select(
        WinBand.name,
        Rank(alias="place").over(
            partition_by=[WinBand.manager.name], order_by=[WinBand.popularity], ascending=False
        ),
    ).order_by(WinBand.name)
    assert {r["name"]: r["place"] for r in rows} == {
        "Crabs": 2,
        "Pyrates": 2,
        "Pythonettes": 2,
        "Pythonistas": 1,
        "Rustaceans": 1,
    }


async def test_lag_and_lead(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    mariadb = on_mariadb(db)
    if mariadb:  # MariaDB's LAG and LEAD take no default: refused before anything is sent
        for call in (Lead(WinBand.name, default="(last)"), Lag(WinBand.id, offset=2, default=0)):
            name = type(call).__name__
            with pytest.raises(QueryError, match=rf"^{name}\(default=\.\.\.\) is not supported"):
                await WinBand.select(call.over(order_by=[WinBand.id]))
    # on MariaDB the same windows without the defaults: NULL where they would be
    last, none_back = (None, None) if mariadb else ("(last)", 0)
    lead = Lead(WinBand.name) if mariadb else Lead(WinBand.name, default="(last)")
    two_back = (
        Lag(WinBand.popularity, offset=2, alias="two_back")
        if mariadb
        else Lag(WinBand.popularity, offset=2, default=0, alias="two_back")
    )
    rows = await WinBand.select(
        WinBand.name,
        Lag(WinBand.name).over(order_by=[WinBand.id]),
        lead.over(order_by=[WinBand.id]),
        two_back.over(partition_by=[WinBand.manager], order_by=[WinBand.id]),
    ).order_by(WinBand.id)
    assert rows == [
        {"name": "Pythonistas", "lag": None, "lead": "Pythonettes", "two_back": none_back},
        {"name": "Pythonettes", "lag": "Pythonistas", "lead": "Pyrates", "two_back": none_back},
        {"name": "Pyrates", "lag": "Pythonettes", "lead": "Rustaceans", "two_back": 1000},
        {"name": "Rustaceans", "lag": "Pyrates", "lead": "Crabs", "two_back": none_back},
        {"name": "Crabs", "lag": "Rustaceans", "lead": last, "two_back": none_back},
    ]


async def test_aggregates_over_windows(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await WinBand.select(
        WinBand.name,
        Sum(WinBand.popularity).over(partition_by=[WinBand.manager]),
        Count(alias="bands").over(partition_by=[WinBand.manager]),
        Sum(WinBand.price, alias="running").over(order_by=[WinBand.id], rows=(None, 0)),
        Avg(WinBand.popularity, alias="moving").over(order_by=[WinBand.id], rows=(-1, 0)),
        Max(WinBand.popularity, alias="best_after").over(order_by=[WinBand.id], rows=(1, None)),
    ).order_by(WinBand.id)
    assert [r["sum"] for r in rows] == [2000, 2000, 2000, 900, 900]
    assert [r["bands"] for r in rows] == [3, 3, 3, 2, 2]
    assert [r["running"] for r in rows] == [
        D("10.10"),
        D("30.30"),
        D("30.60"),
        D("35.65"),
        D("36.65"),
    ]
    assert all(type(r["running"]) is D for r in rows)
    assert [r["moving"] for r in rows] == [1000, 750, 500, 650, 450]
    assert [r["best_after"] for r in rows] == [800, 800, 800, 100, None]


async def test_window_functions_with_where_order_and_limit(
    db: Engine, use_tables: UseTables
) -> None:
    await seed(db, use_tables)
    # the window sees the rows left by where(); the outer order and limit apply last
    rows = await (
        WinBand.select(WinBand.name, RowNumber().over(order_by=[WinBand.name]))
        .where(WinBand.popularity >= 500)
        .order_by(WinBand.name, ascending=False)
        .limit(2)
    )
    assert rows == [
        {"name": "Rustaceans", "row_number": 4},
        {"name": "Pythonistas", "row_number": 3},
    ]


# common table expressions ------------------------------------------------------------------------
async def test_select_from_a_cte(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    popular = CTE(
        "popular",
        WinBand.select(WinBand.id, WinBand.name, WinBand.manager.name, WinBand.price).where(
            WinBand.popularity >= 500
        ),
    )
    rows = (
        await popular.select(popular.name, popular["manager.name"])
        .where(popular.price > D("6"))
        .order_by(popular.name)
    )
    assert rows == [
        {"name": "Pythonettes", "manager.name": "Guido"},
        {"name": "Pythonistas", "manager.name": "Guido"},
    ]
    assert await popular.select(popular.name).order_by(popular.price).first() == {"name": "Pyrates"}
    assert await popular.select(Count()) == [{"count": 4}]
    prices = await popular.select(popular.price).order_by(popular.price).output(as_list=True)
    assert prices == [D("0.30"), D("5.05"), D("10.10"), D("20.20")]
    grouped = await (
        popular.select(popular["manager.name"], Sum(popular.price))
        .group_by(popular["manager.name"])
        .order_by(popular["manager.name"])
    )
    assert grouped == [
        {"manager.name": "Graydon", "sum": D("5.05")},
        {"manager.name": "Guido", "sum": D("30.60")},
    ]


async def test_top_row_per_group_through_a_cte(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    ranked = CTE(
        "ranked",
        WinBand.select(
            WinBand.name,
            WinBand.manager.name,
            RowNumber(alias="position").over(
                partition_by=[WinBand.manager], order_by=[WinBand.popularity], ascending=False
            ),
        ),
    )
    rows = (
        await ranked.select(ranked["manager.name"], ranked.name)
        .where(ranked.position == 1)
        .order_by(ranked["manager.name"])
    )
    assert rows == [
        {"manager.name": "Graydon", "name": "Rustaceans"},
        {"manager.name": "Guido", "name": "Pythonistas"},
    ]


async def test_a_cte_in_subqueries_and_from_another_cte(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    big = CTE("big", WinBand.select(WinBand.manager).where(WinBand.popularity > 900))
    managers = await WinManager.select(WinManager.name).where(
        WinManager.id.is_in(big.select(big.manager))
    )
    assert managers == [{"name": "Guido"}]
    others = await WinManager.select(WinManager.name).where(
        ~Exists(big.select(big.manager).where(big.manager == WinManager.id))
    )
    assert others == [{"name": "Graydon"}]
    # a CTE made from a select of another CTE
    shouting = CTE("shouting", big.select(big.manager, Upper(Cast(big.manager, Text()))))
    assert await shouting.select() == [{"manager": 1, "upper": "1"}]


async def test_recursive_cte_walks_a_tree(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    chain = CTE(
        "chain",
        WinStaff.select(
            WinStaff.id,
            WinStaff.name,
            Cast(0, Integer(), alias="depth"),
            Cast(WinStaff.name, Text(), alias="path"),
        ).where(WinStaff.name == "ada"),
        recursive=True,
    )
    chain = chain.union_all(
        WinStaff.select(
            WinStaff.id,
            WinStaff.name,
            (chain.depth + 1).as_alias("depth"),
            Concat(chain.path, " > ", WinStaff.name, alias="path"),
        ).where(WinStaff.boss_id == chain.id)
    )
    rows = await chain.select(chain.name, chain.depth, chain.path).order_by(chain.path)
    assert rows == [
        {"name": "ada", "depth": 0, "path": "ada"},
        {"name": "bob", "depth": 1, "path": "ada > bob"},
        {"name": "dan", "depth": 2, "path": "ada > bob > dan"},
        {"name": "eve", "depth": 2, "path": "ada > bob > eve"},
        {"name": "cyd", "depth": 1, "path": "ada > cyd"},
        {"name": "fay", "depth": 2, "path": "ada > cyd > fay"},
    ]
    deepest = await chain.select(Max(chain.depth, alias="levels"))
    assert deepest == [{"levels": 2}]
    # the recursive part may read joined columns of its table
    teams = CTE(
        "teams",
        WinStaff.select(WinStaff.id, WinStaff.team.name).where(WinStaff.boss_id.is_null()),
        recursive=True,
    )
    teams = teams.union_all(
        WinStaff.select(WinStaff.id, WinStaff.team.name).where(WinStaff.boss_id == teams.id)
    )
    names = await teams.select(teams["team.name"]).output(as_list=True)
    assert sorted(names, key=str) == ["Graydon", "Guido", "Guido", None, None, None, None]


async def test_recursive_cte_reading_only_itself(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    counter = CTE(
        "counter",
        WinManager.select(Cast(1, Integer(), alias="n")).where(WinManager.name == "Guido"),
        recursive=True,
    )
    counter = counter.union_all(counter.select((counter.n + 1).as_alias("n")).where(counter.n < 10))
    assert await counter.select().order_by(counter.n).output(as_list=True) == list(range(1, 11))
    total = await counter.select(Sum(counter.n))
    assert total == [{"sum": 55}]
    # UNION stops on rows it has seen: a cycle ends
    cycle = CTE(
        "cycle",
        WinManager.select(Cast(0, Integer(), alias="k")).where(WinManager.name == "Guido"),
        recursive=True,
    )
    cycle = cycle.union(cycle.select(((cycle.k + 1) - ((cycle.k + 1) / 3) * 3).as_alias("k")))
    assert sorted(await cycle.select().output(as_list=True)) == [0, 1, 2]


async def test_cte_str_shows_the_with_clause(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    top = CTE("top", WinBand.select(WinBand.name).where(WinBand.popularity > 900))
    text = str(top.select())
    q = db.dialect.quote  # "name", or name in backticks on MariaDB
    band = f"{q('win_band')}.{q('name')}"
    assert text.startswith(f"WITH {q('top')}({q('name')}) AS (SELECT {band} FROM {q('win_band')}")
    assert "900" in text


def _keys(rows: list[dict[str, Any]]) -> set[str]:
    return {k for row in rows for k in row}


async def test_cte_keys_follow_its_columns(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    cte = CTE("k", WinBand.select(WinBand.name.as_alias("title"), Count()).group_by(WinBand.name))
    assert _keys(await cte.select()) == {"title", "count"}
    with pytest.raises(Exception, match="no column"):
        cte.select(cte.name)
