"""Issue 11, item 3: query shape errors are raised before the database is asked, alike
on every engine; raw fragments and inherited constraints are taken as written."""

from __future__ import annotations

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Check, ForeignKey, Integer, Unique, Varchar
from vivace.engine import Engine
from vivace.exceptions import CheckViolation, QueryError, UniqueViolation
from vivace.query import QueryString


class QsManager(Table, tablename="qs_manager"):
    name = Varchar(length=20)


class QsBand(Table, tablename="qs_band"):
    name = Varchar(length=20)
    manager = ForeignKey(QsManager, null=True)
    popularity = Integer(default=0)


class QsStranger(Table, tablename="qs_stranger"):
    name = Varchar(length=20)


async def test_a_column_of_a_table_not_in_the_query_is_refused(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, QsManager, QsBand, QsStranger)
    guido = QsManager(name="Guido")
    await guido.save()
    await QsBand.insert(QsBand(name="Pythonistas", manager=guido))
    misplaced = r"QsManager\.name> is a column of QsManager, which is not in this query on QsBand"
    with pytest.raises(QueryError, match=misplaced):
        await QsBand.select().where(QsManager.name == "Guido")
    with pytest.raises(QueryError, match=misplaced):
        await QsBand.select(QsBand.name, QsManager.name)
    with pytest.raises(QueryError, match=misplaced):
        await QsBand.select().order_by(QsManager.name)
    with pytest.raises(QueryError, match=r"QsStranger\.name> is a column of QsStranger"):
        await QsBand.delete().where(QsStranger.name == "x")
    with pytest.raises(QueryError, match=r"QsStranger"):
        await QsBand.update({QsBand.popularity: 1}).where(QsStranger.name == "x")
    assert await QsBand.count() == 1
    # Reached through the foreign key, the same column is fine; so is a subquery's own table.
    rows = await QsBand.select(QsBand.name).where(QsBand.manager.name == "Guido")
    assert rows == [{"name": "Pythonistas"}]
    managers = QsManager.select(QsManager.id).where(QsManager.name == "Guido")
    assert await QsBand.count().where(QsBand.manager.is_in(managers)) == 1


async def test_an_unknown_column_name_is_the_same_error_through_a_join(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, QsManager, QsBand)
    # Piccolo's messages
    with pytest.raises(QueryError, match=r"^No matching column found with name == nme$"):
        await QsBand.select("nme")
    with pytest.raises(QueryError, match=r"^No matching column found with name == nme$"):
        QsBand.select(QsBand.name).order_by("nme")
    with pytest.raises(QueryError, match=r"^Unable to find column - nme$"):
        await QsBand.select("manager.nme")
    with pytest.raises(QueryError, match=r"is not a foreign key; cannot follow 'x'"):
        await QsBand.select("name.x")
    assert await QsBand.select("manager.name") == []


async def test_a_query_string_naming_itself_is_taken_as_written(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, QsManager, QsBand)
    await QsBand.insert(QsBand(name="a", popularity=21))
    doubled = QsBand.select(QsBand.name, QueryString("popularity * 2 AS doubled"))
    assert " AS doubled" in str(doubled) and 'AS "' not in str(doubled).split("doubled")[1]
    assert await doubled == [{"name": "a", "doubled": 42}]
    quoted = QsBand.select(QueryString('popularity + {} as "Plus One"', 1))
    assert await quoted == [{"Plus One": 22}]
    # Without AS, the fragment is named by its text (or alias=), as before.
    assert await QsBand.select(QueryString("popularity", alias="p")) == [{"p": 21}]


class PositiveMixin:
    popularity = Integer(default=0)
    popularity_positive = Check(popularity >= 0)


class QsMixed(PositiveMixin, Table, tablename="qs_mixed"):
    name = Varchar(length=20)


class QsBase(Table, tablename="qs_base"):
    name = Varchar(length=20)
    name_unique = Unique([name])


class QsChild(QsBase, tablename="qs_child"):
    extra = Integer(default=0)


async def test_constraints_declared_in_mixins_and_base_classes_work(
    db: Engine, use_tables: UseTables
) -> None:
    await use_tables(db, QsMixed, QsBase, QsChild)
    await QsMixed.insert(QsMixed(name="ok", popularity=1))
    with pytest.raises(CheckViolation):
        await QsMixed.insert(QsMixed(name="bad", popularity=-1))
    await QsChild.insert(QsChild(name="a"))
    with pytest.raises(UniqueViolation):
        await QsChild.insert(QsChild(name="a"))
    await QsBase.insert(QsBase(name="a"))
    with pytest.raises(UniqueViolation):
        await QsBase.insert(QsBase(name="a"))
    # Each table names its own copy of an inherited constraint.
    (base_unique,) = QsBase._meta.constraints
    (child_unique,) = QsChild._meta.constraints
    assert base_unique is not child_unique
    assert (base_unique.name, child_unique.name) == ("qs_base_name_unique", "qs_child_name_unique")
