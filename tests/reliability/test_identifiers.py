"""Identifiers and the statement cache (plan ranks 22 and 24).

Names of 63, 64 and 65 bytes (multibyte too), SQL reserved words, mixed case, quotes and
unicode as table and column names: create, insert, select, alter, drop all work, and an
over-long name is refused before any SQL (PostgreSQL would truncate it silently).
Names Vivace makes itself (indexes, constraints, join aliases) stay within the limit and
are the same every time. 5,000 distinct IN-list lengths and 5,000 distinct statements
leave every statement cache bounded.

On MariaDB too, where a name it cannot hold (``support.name_gap``: an emoji, a trailing
space) must be refused by the server with an error, never turned into another name.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.reliability.harness import StatementRecorder
from tests.reliability.support import name_gap, pg_engine, tables_on
from vivace import Table, create_table_class
from vivace.columns import ForeignKey, Integer, Text, Unique, Varchar
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import DatabaseError, UnsafeIdentifierError

RESERVED = ["order", "user", "group", "select", "key", "desc", "from", "table", "limit"]
ODD = ["Mixed Case", 'quo"te', "it's", "ünïcödé", "🎸 guitar", "a.b", "semi;colon", "-- x"]
N63 = "é" * 31 + "n"  # 63 bytes
N64 = "é" * 32  # 64 bytes, 32 characters


def byte_names() -> list[tuple[str, bool]]:
    """(name, allowed): ASCII and multibyte names around the 63-byte limit."""
    names = [("a" * 63, True), ("a" * 64, False), ("a" * 65, False)]
    names += [(N63, True), (N64, False), ("🎸" * 15 + "abc", True), ("🎸" * 16, False)]
    return names


@pytest.fixture
def ident_db(engine_kind: str, request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{engine_kind}_db")
    return engine


def odd_table(engine: Engine, tablename: str, names: list[str]) -> Any:
    """A table named ``tablename`` whose columns are named ``names`` in the database."""
    members: dict[str, Any] = {
        f"c{i}": Text(null=True, db_column_name=n) for i, n in enumerate(names)
    }
    with warnings.catch_warnings():
        # "user" warns as a reserved table name (tested in test_schema_manager.py); here
        # the table is meant to work all the same.
        warnings.simplefilter("ignore")
        return create_table_class(
            "OddTable", class_kwargs={"tablename": tablename, "db": engine}, class_members=members
        )


async def refused_by_the_server(table: Any) -> None:
    """A table whose name (or a column's) the database cannot hold: creating it fails
    with an error, and nothing is left behind."""
    with pytest.raises(DatabaseError):
        await table.create_table()
    if not name_gap(table._meta.db, table._meta.tablename):
        # (Asked with a name MariaDB cannot hold, table_exists() itself fails: "Illegal mix
        # of collations", information_schema being utf8mb3. A defect of the dialect's
        # table_exists_sql, reported; not this scenario's subject.)
        assert not await table.table_exists()


async def exercise(table: Any, names: list[str]) -> None:
    """Create, write, read, filter, sort, group, update, alter and drop ``table``.
    Where the database cannot hold one of the names, creating it must fail instead."""
    engine = table._meta.db
    if any(name_gap(engine, n) for n in [table._meta.tablename, *names]):
        await refused_by_the_server(table)
        return
    await table.alter().drop_table(if_exists=True)
    await table.create_table()
    try:
        columns = [table._meta.get_column_by_name(f"c{i}") for i in range(len(names))]
        row = {f"c{i}": f"v{i}" for i in range(len(names))}
        await table.insert(table(**row), table(**row))
        # As in Piccolo, select results are keyed by the database column names.
        keyed = {name: f"v{i}" for i, name in enumerate(names)}
        assert await table.select(*columns) == [keyed, keyed]
        assert await table.count().where(columns[0] == "v0") == 2
        grouped = await table.select(columns[-1]).group_by(columns[-1]).order_by(columns[-1])
        assert grouped == [{names[-1]: f"v{len(names) - 1}"}]
        await table.update({columns[0]: "changed"}, force=True)
        assert await table.select(columns[0].as_alias(names[0])).first() == {names[0]: "changed"}
        renamed = names[0].encode()[:60].decode(errors="ignore") + "2"
        await table.alter().rename_column(columns[0], renamed)
        await table.alter().rename_column(renamed, names[0])
        await table.alter().add_column("extra", Integer(null=True))
        await table.create_index([columns[1]])
        assert len(await table.indexes()) >= 1
        await table.drop_index([columns[1]])
        objects = await table.objects().where(columns[0] == "changed")
        assert len(objects) == 2
        await objects[0].remove()
        assert await table.count() == 1
        assert await table.table_exists()
    finally:
        await table.alter().drop_table(if_exists=True)
    assert not await table.table_exists()


@pytest.mark.parametrize("tablename", [*RESERVED, *ODD], ids=range(len(RESERVED) + len(ODD)))
async def test_reserved_and_odd_names(ident_db: Engine, tablename: str) -> None:
    """A table named by a reserved word (or an odd name) with columns named by all of them
    (all the database can hold; one it cannot is refused, see ``exercise``)."""
    names = [n for n in RESERVED + ODD if n != "a.b" and not name_gap(ident_db, n)] + [N63]
    await exercise(odd_table(ident_db, tablename.replace(".", "_"), names), names)
    for odd in [n for n in ODD if name_gap(ident_db, n)]:
        await refused_by_the_server(odd_table(ident_db, "rel_odd_column", ["plain", odd]))


async def test_names_around_the_byte_limit(
    ident_db: Engine, recorder: Callable[[Engine], StatementRecorder]
) -> None:
    """63 bytes work as table, column and alias names; 64 and 65 bytes (ASCII or
    multibyte) are refused with UnsafeIdentifierError before any SQL is sent."""
    record = recorder(ident_db)
    for name, allowed in byte_names():
        if allowed:
            await exercise(odd_table(ident_db, name, [name, "other"]), [name, "other"])
            continue
        with record.none_sent():
            with pytest.raises(UnsafeIdentifierError):
                odd_table(ident_db, name, ["x"])
            with pytest.raises(UnsafeIdentifierError):
                odd_table(ident_db, "rel_ok", [name])
            with pytest.raises(UnsafeIdentifierError):
                await Probe.select(Probe.v.as_alias(name))
            with pytest.raises(UnsafeIdentifierError):
                await Probe.alter().rename_table(name)
            with pytest.raises(UnsafeIdentifierError):
                await Probe.alter().add_column(name, Integer())


class Probe(Table, tablename="rel_probe"):
    v = Integer(null=True)


@pytest.fixture(autouse=True)
async def _probe(ident_db: Engine, use_tables: UseTables) -> None:
    await use_tables(ident_db, Probe)


# names Vivace makes itself ------------------------------------------------------------------------


LONG_TABLE = "rel_" + "t" * 56  # 60 bytes
LONG_COLUMN = "c" * 60


async def test_generated_names_fit_and_are_stable(ident_db: Engine) -> None:
    """Index, constraint and join-alias names derived from long table and column names
    are at most 63 bytes, distinct, and the same each time; the tables work."""
    parent = create_table_class(
        "LongParent",
        class_kwargs={"tablename": LONG_TABLE, "db": ident_db},
        class_members={LONG_COLUMN: Varchar(length=30, index=True, unique=True)},
    )
    first_key, own = ForeignKey(parent), Varchar(length=30, index=True)
    child = create_table_class(
        "LongChild",
        class_kwargs={"tablename": LONG_TABLE[:-1] + "2", "db": ident_db},
        class_members={
            "first_reference_with_a_rather_long_name_for_a_column_abcdefg": first_key,
            "second_reference_with_a_rather_long_name_for_a_column_xyzwvu": ForeignKey(parent),
            LONG_COLUMN: own,
            "pair_of_columns_that_must_be_unique_together_across_rows_abc": Unique(
                [first_key, own]
            ),
        },
    )
    first_ddl = [*parent.create_table().statements(), *child.create_table().statements()]
    again = [*parent.create_table().statements(), *child.create_table().statements()]
    assert first_ddl == again
    async with tables_on(ident_db, parent, child):
        names = await parent.indexes() + await child.indexes()
        for name in names:
            assert len(name.encode()) <= 63, name
        parent_row = parent(**{LONG_COLUMN: "p"})
        await parent_row.save()
        first = child._meta.get_column_by_name(
            "first_reference_with_a_rather_long_name_for_a_column_abcdefg"
        )
        second = child._meta.get_column_by_name(
            "second_reference_with_a_rather_long_name_for_a_column_xyzwvu"
        )
        await child.insert(
            child(**{first._meta.name: parent_row, second._meta.name: parent_row, LONG_COLUMN: "c"})
        )
        deep_first = getattr(first, LONG_COLUMN)
        deep_second = getattr(second, LONG_COLUMN)
        rows = await child.select(deep_first, deep_second)
        assert rows == [
            {deep_first._meta.get_full_name(): "p", deep_second._meta.get_full_name(): "p"}
        ]


# rank 24: statement caches stay bounded -----------------------------------------------------------


async def prepared_statements(engine: PostgresEngine, like: str = "%") -> int:
    """Server-side prepared statements of the engine's (single) connection."""
    async with engine.transaction():
        rows = await engine.fetch_sql(
            "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1", [like]
        )
    return int(rows[0]["n"])


@pytest.mark.not_on_mariadb(
    "the compiled cache is engine-neutral (bounded here on SQLite and PostgreSQL) and asyncmy "
    "keeps no server-side prepared statements (stmt_cache_size 0); MariaDB's one IN-list "
    "shape (JSON_TABLE) is checked in tests/unit/test_mysql_compile.py"
)
async def test_statement_caches_stay_bounded(engine_kind: str, tmp_path: Any) -> None:
    """5,000 IN lists of 5,000 different lengths share one compiled statement (and one
    server-side prepared statement); 5,000 distinct statements keep the compiled cache
    at its size and PostgreSQL's prepared statements at asyncpg's cache size."""
    engine: Engine
    if engine_kind == "sqlite":
        engine = SQLiteEngine(path=str(tmp_path / "cache.sqlite"), compiled_cache_size=128)
    else:
        engine = pg_engine(max_size=1, statement_cache_size=50)
        engine.compiled_cache.maxsize = 128
    async with tables_on(engine, Probe):
        await Probe.insert(*[Probe(v=i) for i in range(100)])
        before = len(engine.compiled_cache)
        for length in range(1, 5001):
            ids = list(range(length))
            assert await Probe.count().where(Probe.v.is_in(ids)) == min(length, 100)
        assert len(engine.compiled_cache) - before == 1, "IN lists made new shapes"
        if isinstance(engine, PostgresEngine):
            assert await prepared_statements(engine, "%= ANY(%") == 1
        for number in range(5000):
            rows = await Probe.select(Probe.v.as_alias(f"alias_{number}")).where(Probe.v == 1)
            assert rows == [{f"alias_{number}": 1}]
        assert len(engine.compiled_cache) <= 128
        if isinstance(engine, PostgresEngine):
            assert await prepared_statements(engine) <= 50
    await engine.close_connection_pool()
