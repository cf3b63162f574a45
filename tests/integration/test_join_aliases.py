"""Joins through a foreign key named like a table the statement reads without an alias.

A join's alias comes from its foreign key's name (``LEFT JOIN "genre" AS "manager"``): a
key named like the FROM table (``Manager.manager``, ``Band.band``), like the table of a
subquery or like a CTE must still join apart, on every engine, with Piccolo's result keys.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import ForeignKey, ReverseForeignKey, Varchar
from vivace.dialects import Dialect, MariaDBDialect, PostgresDialect, SQLiteDialect
from vivace.engine import Engine, PostgresEngine
from vivace.query import CTE, Exists


class JaGenre(Table, tablename="ja_genre"):
    name = Varchar(length=50)


class JaManager(Table, tablename="ja_manager"):
    name = Varchar(length=50)
    ja_manager = ForeignKey("self", null=True)  # named like its own table
    reports = ReverseForeignKey("self", foreign_key="ja_manager")


class JaBand(Table, tablename="ja_band"):
    name = Varchar(length=50)
    ja_band = ForeignKey(JaGenre, null=True)  # named like its own table, to another one
    ja_manager = ForeignKey(JaManager, null=True)  # named like a table of subqueries
    lead = ForeignKey(JaManager, null=True)  # named like a CTE


class JaRecord(Table, tablename="ja_record", schema="ja_music"):
    title = Varchar(length=50)
    ja_record = ForeignKey(JaGenre, null=True)


async def managers(db: Engine, use_tables: UseTables) -> None:
    """Boss <- Alice <- Bob, and Carol (nobody's report, manages nobody)."""
    await use_tables(db, JaManager)
    boss = JaManager(name="Boss")
    await JaManager.insert(boss)
    alice = JaManager(name="Alice", ja_manager=boss.id)
    await JaManager.insert(alice)
    bob = JaManager(name="Bob", ja_manager=alice.id)
    carol = JaManager(name="Carol")
    await JaManager.insert(bob, carol)


async def bands(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, JaGenre, JaManager, JaBand)
    rock, jazz = JaGenre(name="Rock"), JaGenre(name="Jazz")
    await JaGenre.insert(rock, jazz)
    boss = JaManager(name="Boss")
    await JaManager.insert(boss)
    await JaBand.insert(
        JaBand(name="Pythonistas", ja_band=rock.id, ja_manager=boss.id, lead=boss.id),
        JaBand(name="Rustaceans", ja_band=jazz.id),
    )


async def test_self_key_named_like_its_table(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    rows = await JaManager.select(JaManager.name, JaManager.ja_manager.name).order_by(
        JaManager.name
    )
    assert rows == [
        {"name": "Alice", "ja_manager.name": "Boss"},
        {"name": "Bob", "ja_manager.name": "Alice"},
        {"name": "Boss", "ja_manager.name": None},
        {"name": "Carol", "ja_manager.name": None},
    ]


async def test_deeper_chain_through_the_self_key(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    rows = await (
        JaManager.select(
            JaManager.name, JaManager.ja_manager.name, JaManager.ja_manager.ja_manager.name
        )
        .where(JaManager.name == "Bob")
        .output(nested=True)
    )
    assert rows == [
        {"name": "Bob", "ja_manager": {"name": "Alice", "ja_manager": {"name": "Boss"}}}
    ]


async def test_key_to_another_table_named_like_its_own(db: Engine, use_tables: UseTables) -> None:
    await bands(db, use_tables)
    rows = await JaBand.select(JaBand.name, JaBand.ja_band.name).order_by(JaBand.name)
    assert rows == [
        {"name": "Pythonistas", "ja_band.name": "Rock"},
        {"name": "Rustaceans", "ja_band.name": "Jazz"},
    ]
    assert await JaBand.select(JaBand.name).where(JaBand.ja_band.name == "Jazz") == [
        {"name": "Rustaceans"}
    ]


async def test_where_and_order_by_on_joined_columns(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    query = (
        JaManager.select(JaManager.name)
        .where(JaManager.ja_manager.name.is_not_null())
        .order_by(JaManager.ja_manager.name, ascending=False)
    )
    assert await query == [{"name": "Alice"}, {"name": "Bob"}]
    deep = JaManager.select(JaManager.name).where(JaManager.ja_manager.ja_manager.name == "Boss")
    assert await deep == [{"name": "Bob"}]


async def test_objects_with_the_self_key_prefetched(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    rows = await JaManager.objects(JaManager.ja_manager).order_by(JaManager.name)
    assert [(r.name, r.ja_manager and r.ja_manager.name) for r in rows] == [
        ("Alice", "Boss"),
        ("Bob", "Alice"),
        ("Boss", None),
        ("Carol", None),
    ]
    bob = await JaManager.objects(JaManager.ja_manager.ja_manager).get(JaManager.name == "Bob")
    assert bob is not None
    assert bob.ja_manager.ja_manager.name == "Boss"


async def test_count_and_exists_on_joined_columns(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    assert await JaManager.count().where(JaManager.ja_manager.name == "Boss") == 1
    assert await JaManager.exists().where(JaManager.ja_manager.name == "Alice") is True
    assert await JaManager.exists().where(JaManager.ja_manager.name == "Carol") is False


async def test_update_and_delete_where_on_joined_columns(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    await JaManager.update({JaManager.name: "Alicia"}).where(JaManager.ja_manager.name == "Boss")
    await JaManager.delete().where(JaManager.ja_manager.name == "Alicia")
    rows = await JaManager.select(JaManager.name).order_by(JaManager.name)
    assert rows == [{"name": "Alicia"}, {"name": "Boss"}, {"name": "Carol"}]


async def test_subquery_on_the_same_table(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    reports_of_boss = JaManager.select(JaManager.id).where(JaManager.ja_manager.name == "Boss")
    rows = await JaManager.select(JaManager.name, JaManager.ja_manager.name).where(
        JaManager.ja_manager.is_in(reports_of_boss)
    )
    assert rows == [{"name": "Bob", "ja_manager.name": "Alice"}]


async def test_correlated_subquery_reading_a_table_named_like_a_join(
    db: Engine, use_tables: UseTables
) -> None:
    # The join of JaBand.ja_manager is aliased after the key; the subquery reads the
    # ja_manager table without an alias, so the outer band's manager must not resolve to it.
    await bands(db, use_tables)
    await JaManager.insert(JaManager(name="Carol"))

    def managed_by(name: str) -> Exists:
        return Exists(
            JaManager.select(JaManager.id).where(
                (JaManager.name == JaBand.ja_manager.name) & (JaManager.name == name)
            )
        )

    query = JaBand.select(JaBand.name, JaBand.ja_manager.name)
    assert await query.where(managed_by("Carol")) == []
    assert await query.where(managed_by("Boss")) == [
        {"name": "Pythonistas", "ja_manager.name": "Boss"}
    ]


async def test_recursive_cte_named_like_a_join(db: Engine, use_tables: UseTables) -> None:
    # The recursive part reads the CTE "lead" next to the join of JaBand.lead.
    await bands(db, use_tables)
    walk = CTE(
        "lead",
        JaBand.select(JaBand.id, JaBand.name).where(JaBand.name == "Pythonistas"),
        recursive=True,
    )
    walk = walk.union(
        JaBand.select(JaBand.id, JaBand.lead.name.as_alias("name")).where(JaBand.id == walk.id)
    )
    assert sorted(await walk.select(walk.name).output(as_list=True)) == ["Boss", "Pythonistas"]


async def test_related_rows_next_to_the_self_key(db: Engine, use_tables: UseTables) -> None:
    await managers(db, use_tables)
    rows = await JaManager.select(
        JaManager.name,
        JaManager.ja_manager.name,
        JaManager.reports(JaManager.name, as_list=True),
    ).order_by(JaManager.name)
    assert rows == [
        {"name": "Alice", "ja_manager.name": "Boss", "reports": ["Bob"]},
        {"name": "Bob", "ja_manager.name": "Alice", "reports": []},
        {"name": "Boss", "ja_manager.name": None, "reports": ["Alice"]},
        {"name": "Carol", "ja_manager.name": None, "reports": []},
    ]
    boss = await JaManager.objects(JaManager.reports, JaManager.ja_manager).get(
        JaManager.name == "Alice"
    )
    assert boss is not None
    assert boss.ja_manager.name == "Boss"
    assert [r.name for r in boss.reports] == ["Bob"]


async def test_table_in_a_schema(postgres_db: PostgresEngine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, JaGenre, JaRecord)
    rock = JaGenre(name="Rock")
    await JaGenre.insert(rock)
    await JaRecord.insert(JaRecord(title="Debut", ja_record=rock.id))
    rows = await JaRecord.select(JaRecord.title, JaRecord.ja_record.name).where(
        JaRecord.ja_record.name == "Rock"
    )
    assert rows == [{"title": "Debut", "ja_record.name": "Rock"}]


@pytest.mark.parametrize("dialect", [PostgresDialect(), SQLiteDialect(), MariaDBDialect()])
def test_the_join_alias_differs_from_the_table_name(dialect: Dialect) -> None:
    q = dialect.quote
    query = JaManager.select(JaManager.name, JaManager.ja_manager.name)
    sql = dialect.compile(query._statement()).sql
    assert sql.startswith(f"SELECT {q('ja_manager')}.{q('name')}, ")
    # The join goes by the key's name with a "$" more; result keys are the column paths.
    renamed = q("ja_manager$")
    assert (
        f"LEFT JOIN {q('ja_manager')} AS {renamed} "
        f"ON {q('ja_manager')}.{q('ja_manager')} = {renamed}.{q('id')}"
    ) in sql
    assert f"{renamed}.{q('name')} AS {q('ja_manager.name')}" in sql
    # An alias that clashes with nothing stays the key's name.
    sql = dialect.compile(JaBand.select(JaBand.ja_manager.name)._statement()).sql
    assert f"LEFT JOIN {q('ja_manager')} AS {q('ja_manager')} " in sql


@pytest.mark.parametrize("depth", [1, 2, 3])
async def test_cached_statements_keep_their_aliases(
    db: Engine, use_tables: UseTables, depth: int
) -> None:
    # The same shape twice: the second run comes from the compiled cache.
    await managers(db, use_tables)
    column: Any = JaManager.ja_manager
    for _ in range(depth - 1):
        column = column.ja_manager
    for _ in range(2):
        rows = await JaManager.select(column.name).where(JaManager.name == "Bob")
        assert rows == [{f"{'ja_manager.' * depth}name": [None, "Alice", "Boss", None][depth]}]
