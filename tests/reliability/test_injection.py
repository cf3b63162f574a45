"""Hostile input (plan rank 20): the injection vectors of the plan against every API that
takes a name or a value, on SQLite, PostgreSQL and MariaDB, plus Hypothesis-generated text.

Each call must either treat the input as a literal (the value comes back exactly, the
name becomes exactly that result key / table / column), or be refused with a Vivace
error (or Piccolo's TypeError/ValueError for a malformed argument) before any SQL is
sent, or be refused by the database with a specific error (``DataError`` for text
PostgreSQL cannot store, ``ProgrammingError`` for a name that does not exist). A
statement recorder checks that at most one statement is sent per call (none when
refused), and a canary table must be intact after every test.

A name MariaDB cannot hold (``support.name_gap``: an emoji, a trailing space) must be
refused by its server with an error, never changed into another name. MariaDB cannot name
a conflict target (its ON DUPLICATE KEY covers every unique key): the target is not sent.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import UseTables
from tests.reliability.harness import StatementRecorder
from tests.reliability.support import HYPOTHESIS, name_gap
from vivace import Table, create_table_class
from vivace.columns import JSON, JSONB, Integer, Text, Timestamptz, Varchar
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.exceptions import (
    DatabaseError,
    DataError,
    InvalidValue,
    ProgrammingError,
    QueryError,
    TransactionError,
    UnsafeIdentifierError,
)
from vivace.functions import AtTimeZone, Extract, Strftime, Upper
from vivace.query import CTE, QueryString

#: The plan's payload set (values and identifiers alike).
PAYLOADS: list[str] = [
    "'",
    "''",
    "\\'",
    '"',
    "`",
    'x"; DROP TABLE rel_canary; --',
    "x`; DROP TABLE rel_canary; --",
    "x'; DROP TABLE rel_canary; --",
    "x' OR '1'='1",
    "1 OR 1=1",
    "--",
    "#",
    "/*",
    "*/",
    ";",
    "%",
    "_",
    "\\",
    "trailing backslash\\",
    "$1",
    "%s",
    "%(a)s",
    "?",
    "{}",
    "\x00",
    "a\x00b",
    "\n",
    "\r",
    "\t",
    "\u2028",
    "\uff07",  # fullwidth apostrophe
    "\u02bc",  # modifier letter apostrophe
    "e\u0301",  # combining acute accent
    "\u202e",  # right-to-left override
    "🎸",
    "n" * 64,
    "n" * 200,
    "é" * 32,  # 32 characters, 64 bytes
    "é" * 31 + "n",  # 63 bytes
    "",
    "order",
    "select",
    "Mixed Case",
]
AT = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)


class Canary(Table, tablename="rel_canary"):
    secret = Varchar(length=40)


class Victim(Table, tablename="rel_victim"):
    name = Text(null=True)
    n = Integer(default=0)
    data = JSON(null=True)
    blob = JSONB(null=True)
    at = Timestamptz(null=True)


CANARY_ROWS = [{"id": i + 1, "secret": s} for i, s in enumerate(["alpha", "beta", "gamma"])]


def identifier_ok(text: str) -> bool:
    """Whether Vivace must accept ``text`` as a (quoted) identifier."""
    return bool(text) and "\x00" not in text and len(text.encode()) <= 63


@dataclass(repr=False)
class Surface:
    """The engine under attack, its recorder, and what each call ended in."""

    engine: Engine
    record: StatementRecorder
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def postgres(self) -> bool:
        return isinstance(self.engine, PostgresEngine)

    def __repr__(self) -> str:  # Hypothesis prints it with every example
        return f"<Surface {self.engine.engine_type}>"

    @property
    def sqlite(self) -> bool:
        return isinstance(self.engine, SQLiteEngine)

    def gap(self, name: str, alias: bool = False) -> str | None:
        """Why the database cannot hold ``name`` (MariaDB only), or None."""
        return name_gap(self.engine, name, alias)

    async def server_refuses(self, api: str, run: Callable[[], Awaitable[Any]]) -> None:
        """A name the database cannot hold: its server refuses the call with an error
        (a Vivace error, never a bare driver one), and no other name is used instead."""
        with pytest.raises(DatabaseError):
            await run()
        self.outcomes[f"{api}: refused by the server (a name it cannot hold)"] += 1

    def stores(self, text: str) -> bool:
        """Whether ``text`` can be stored as a text value: PostgreSQL cannot store NUL, and
        Vivace refuses it (InvalidValue, before any SQL) on every engine alike."""
        return "\x00" not in text

    async def call(self, api: str, run: Callable[[], Awaitable[Any]], refused: bool = False) -> Any:
        """Run one API call; classify and check its outcome. Returns its result (or None)."""
        before = len(self.record.statements)
        try:
            result = await run()
        except (QueryError, TransactionError, InvalidValue) as error:
            sent = self.record.statements[before:]
            assert sent == [], f"{api}: refused with {error!r} after sending {sent}"
            self.outcomes[f"{api}: refused before SQL"] += 1
            return error
        except (DataError, ProgrammingError) as error:
            assert not refused, f"{api}: expected a refusal before SQL, got {error!r}"
            assert len(self.record.statements) - before <= 1
            self.outcomes[f"{api}: database refused"] += 1
            return error
        except (TypeError, ValueError) as error:
            # Piccolo's own errors for a malformed argument ("Limit must be an integer",
            # an unknown LockStrength): a refusal only where one is expected.
            if not refused:
                raise
            sent = self.record.statements[before:]
            assert sent == [], f"{api}: refused with {error!r} after sending {sent}"
            self.outcomes[f"{api}: refused before SQL ({type(error).__name__})"] += 1
            return error
        assert not refused, f"{api}: expected a refusal, the call ran and gave {result!r}"
        assert len(self.record.statements) - before <= 1, self.record.statements[before:]
        self.outcomes[f"{api}: literal"] += 1
        return result


@pytest.fixture
def hostile_db(engine_kind: str, request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"{engine_kind}_db")
    return engine


@pytest.fixture
async def surface(
    hostile_db: Engine,
    use_tables: UseTables,
    recorder: Callable[[Engine], StatementRecorder],
) -> AsyncIterator[Surface]:
    await use_tables(hostile_db, Canary, Victim)
    await Canary.insert(*[Canary(secret=r["secret"]) for r in CANARY_ROWS])
    target = Surface(hostile_db, recorder(hostile_db))
    yield target
    # The canary: still there, unchanged, whatever was thrown at the engine.
    assert await hostile_db.fetch_sql("SELECT id, secret FROM rel_canary ORDER BY id") == (
        CANARY_ROWS
    )


async def fresh(text: str, surface: Surface) -> Victim | None:
    """An empty victim table with one row named ``text`` (None if it cannot be stored)."""
    await Victim.delete(force=True)
    row = Victim(name=text, at=AT)
    result = await surface.call("insert", lambda: Victim.insert(row).run())
    if isinstance(result, DataError):
        assert not surface.stores(text), result
        return None
    assert surface.stores(text)
    return row


# values -------------------------------------------------------------------------------------------


async def check_value(surface: Surface, text: str) -> None:
    """``text`` as a value, through every API that takes one."""
    row = await fresh(text, surface)
    if row is None:
        where = await surface.call(
            "where", lambda: Victim.select().where(Victim.name == text).run()
        )
        assert isinstance(where, DataError), where
        # Raw SQL's values go to the driver as they are: PostgreSQL refuses NUL, SQLite
        # gives the literal back.
        raw = await surface.call("raw", lambda: Victim.raw("SELECT {} AS v", text).run())
        if surface.postgres:
            assert isinstance(raw, DataError), raw
        else:
            assert raw == [{"v": text}], raw
        return
    plain = not any(c in text for c in "%_\\")
    checks: list[tuple[str, Callable[[], Awaitable[Any]], Any]] = [
        ("where", lambda: Victim.select(Victim.name).where(Victim.name == text).run(), [text]),
        ("where !=", lambda: Victim.count().where(Victim.name != text).run(), 0),
        (
            "is_in",
            lambda: Victim.select(Victim.name).where(Victim.name.is_in([text, "~"])).run(),
            [text],
        ),
        ("not_in", lambda: Victim.count().where(Victim.name.not_in([text])).run(), 0),
        (
            "like",
            lambda: Victim.select(Victim.name).where(Victim.name.like(text)).run(),
            [text] if plain else None,
        ),
        (
            "ilike",
            lambda: Victim.count().where(Victim.name.ilike(text)).run(),
            1 if plain and text.lower() == text else None,
        ),
        ("raw", lambda: Victim.raw("SELECT {} AS v", text).run(), [{"v": text}]),
        (
            "raw literals",
            lambda: Victim.raw("SELECT '?' AS a, '$1' AS b, '%s' AS c, {} AS d", text).run(),
            [{"a": "?", "b": "$1", "c": "%s", "d": text}],
        ),
        ("QueryString", lambda: Victim.count().where(QueryString("name = {}", text)).run(), 1),
        (
            "coalesce",
            lambda: Victim.select((Victim.name | text).as_alias("v")).run(),
            [{"v": text}],
        ),
    ]
    for api, run, expected in checks:
        result = await surface.call(api, run)
        if isinstance(result, Exception):
            if api in ("like", "ilike"):
                # The pattern is the caller's: PostgreSQL refuses one that ends in its
                # escape character (22025).
                assert surface.postgres and text.endswith("\\"), result
                assert isinstance(result, DataError) and result.code == "22025", result
                continue
            # SQLite binds an IN list as JSON, whose json_each cuts text at NUL: refused.
            assert api in ("is_in", "not_in") and "\x00" in text and not surface.postgres
            assert isinstance(result, QueryError), result
            continue
        if expected is not None:
            got = [r["name"] for r in result] if api in ("where", "is_in", "like") else result
            assert got == expected, (api, text, result)
    # update, and JSON keys and values
    await surface.call(
        "update", lambda: Victim.update({Victim.name: text + "!"}).where(Victim.id == row.id).run()
    )
    assert await Victim.select(Victim.name).output(as_list=True) == [text + "!"]
    document = {text: [text, {"k": text}], "plain": text}
    for column in (Victim.data, Victim.blob):
        result = await surface.call(
            f"json {column._meta.name}",
            lambda column=column: (
                Victim.update({column: document}).where(Victim.id == row.id).run()
            ),
        )
        if isinstance(result, DataError):  # jsonb: PostgreSQL refuses \u0000 in strings
            assert "\x00" in text and surface.postgres
            continue
        stored = await Victim.select(column).output(as_list=True)
        assert json.loads(stored[0]) == document, (column, text)


@pytest.mark.parametrize("text", PAYLOADS, ids=range(len(PAYLOADS)))
async def test_values(surface: Surface, text: str) -> None:
    await check_value(surface, text)


@hypothesis_settings(HYPOTHESIS, max_examples=60)
@given(text=st.text(max_size=80) | st.sampled_from(PAYLOADS))
@example(text="\ud7ff\ue000\U0010ffff")
async def test_generated_values(surface: Surface, text: str) -> None:
    await check_value(surface, text)


# identifiers in queries ---------------------------------------------------------------------------


async def check_query_names(surface: Surface, text: str) -> None:
    """``text`` as a result key (aliases), and as a column name looked up by string."""
    row = await fresh("stored", surface)
    assert row is not None
    ok = identifier_ok(text)
    gap = surface.gap(text, alias=True) if ok else None
    aliased: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("as_alias", lambda: Victim.select(Victim.name.as_alias(text)).run()),
        ("function alias", lambda: Victim.select(Upper(Victim.name, alias=text)).run()),
        ("QueryString alias", lambda: Victim.select(QueryString("{}", "stored", alias=text)).run()),
        ("CTE column alias", lambda: _cte_select(text)),
    ]
    for api, run in aliased:
        if text == "" and api in ("function alias", "QueryString alias"):
            # alias="" reads as no alias: the default key (never an empty one).
            result = await surface.call(api, run)
            assert "" not in result[0], result
            continue
        if gap is not None:
            await surface.server_refuses(api, run)
            continue
        result = await surface.call(api, run, refused=not ok)
        if ok:
            expected = "STORED" if api == "function alias" else "stored"
            assert result == [{text: expected}], (api, text, result)
        else:
            assert isinstance(result, UnsafeIdentifierError), (api, result)
    # A column looked up by name: no such column, refused before any SQL.
    by_name: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("select(str)", lambda: Victim.select(text).run()),
        ("order_by(str)", lambda: Victim.select().order_by(text).run()),
        ("group_by(str)", lambda: Victim.select(Victim.name).group_by(text).run()),
        ("count(column=str)", lambda: Victim.count(column=text).run()),
        ("update(**{str: v})", lambda: Victim.update(**{text: 1}).where(Victim.id == 1).run()),
        ("update({str: v})", lambda: Victim.update({text: 1}).where(Victim.id == 1).run()),
        ("Table(**{str: v})", lambda: Victim.insert(Victim(**{text: 1})).run()),
        ("returning(str)", lambda: Victim.insert(Victim(name="x")).returning(text).run()),
        ("lock_rows", lambda: Victim.select().lock_rows(text).run()),
        ("Extract", lambda: Victim.select(Extract(Victim.at, text)).run()),
        ("on_conflict action", lambda: Victim.insert(Victim()).on_conflict(action=text).run()),
    ]
    for api, run in by_name:
        await surface.call(api, lambda run=run: _refused(run), refused=True)
    # Second order: a name read back from the database is as hostile as it was.
    await surface.call("update", lambda: Victim.update({Victim.name: text}, force=True).run())
    stored = await Victim.select(Victim.name).output(as_list=True)
    if surface.stores(text) and gap is not None:
        assert stored == [text]
        await surface.server_refuses(
            "stored alias", lambda: Victim.select(Victim.n.as_alias(stored[0])).run()
        )
    elif surface.stores(text):
        assert stored == [text]
        await surface.call(
            "stored alias",
            lambda: Victim.select(Victim.n.as_alias(stored[0])).run(),
            refused=not ok,
        )


async def _refused(run: Callable[[], Awaitable[Any]]) -> Any:
    """Builder errors (raised while building, not running) count as refused too."""
    return await run()


async def _cte_select(alias: str) -> Any:
    named = CTE("named", Victim.select(Victim.name.as_alias(alias)))
    return await named.select(named[alias]).run()


@pytest.mark.parametrize("text", PAYLOADS, ids=range(len(PAYLOADS)))
async def test_names_in_queries(surface: Surface, text: str) -> None:
    await check_query_names(surface, text)


@hypothesis_settings(HYPOTHESIS, max_examples=40)
@given(text=st.text(min_size=0, max_size=70) | st.sampled_from(PAYLOADS))
async def test_generated_names_in_queries(surface: Surface, text: str) -> None:
    await check_query_names(surface, text)


# literals the dialect writes itself, and options -----------------------------------------------


async def check_literals(surface: Surface, text: str) -> None:
    """Strftime formats are written into the SQL as literals; time zones, isolation
    levels, transaction types and savepoint names are options."""
    await fresh("x", surface)
    result = await surface.call(
        "Strftime",
        lambda: Victim.select(Strftime(Victim.at, text, alias="f")).run(),
        refused="\x00" in text,
    )
    if text == "" and not surface.sqlite:
        # TO_CHAR(v, '') and DATE_FORMAT(v, '') are NULL (SQLite: '')
        assert result == [{"f": None}], result
    elif "%" not in text and "\x00" not in text:
        assert result == [{"f": text}], (text, result)
    if surface.sqlite:
        option = {"transaction_type": text}
    else:
        await surface.call(
            "AtTimeZone", lambda: Victim.select(AtTimeZone(Victim.at, text, alias="z")).run()
        )
        option = {"isolation_level": text}

    async def in_transaction() -> None:
        async with surface.engine.transaction(**option):
            pass

    await surface.call("transaction option", in_transaction, refused=True)

    # (An empty name means "name it for me", as with no name.)
    plain = text == "" or (text.isascii() and text.isidentifier() and len(text) <= 63)
    async with surface.engine.transaction() as transaction:
        saved = await surface.call("savepoint", lambda: transaction.savepoint(text), not plain)
        await Victim.insert(Victim(name="inside"))
        if plain:
            await saved.rollback_to()
            assert await Victim.count().where(Victim.name == "inside") == 0
        # Refused or not, the transaction goes on (nothing failed on the server).
        await Victim.insert(Victim(name="after"))
    assert await Victim.count().where(Victim.name == "after") == 1


@pytest.mark.parametrize("text", PAYLOADS, ids=range(len(PAYLOADS)))
async def test_literals_and_options(surface: Surface, text: str) -> None:
    await check_literals(surface, text)


@pytest.mark.parametrize(
    "value", ["1; DROP TABLE rel_canary", "1", 1.5, -1, True, None, 2**70, [1], b"1"]
)
async def test_limit_and_offset(surface: Surface, value: Any) -> None:
    """LIMIT and OFFSET take a non-negative int, nothing else (SQLAlchemy CVE-2012-0805)."""
    await fresh("x", surface)
    for api, build in [("limit", Victim.select().limit), ("offset", Victim.select().offset)]:

        async def run(build: Callable[[Any], Any] = build) -> Any:
            return await build(value).run()

        refused = isinstance(value, bool) or not isinstance(value, int) or value < 0
        result = await surface.call(api, run, refused=refused)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 2**63:
            assert isinstance(result, DataError | QueryError), result


async def test_raw_runs_one_statement(surface: Surface) -> None:
    """Raw SQL is sent as one statement: a second one is refused by the database."""
    for sql, args in [
        ("SELECT 1; DROP TABLE rel_canary", ()),
        ("SELECT {}; DROP TABLE rel_canary", ("x",)),
        ("SELECT 1; DELETE FROM rel_canary", ()),
    ]:
        result = await surface.call(
            "raw stacked", lambda sql=sql, args=args: Victim.raw(sql, *args).run()
        )
        assert isinstance(result, ProgrammingError), result


# names in DDL: tables, columns, schemas, conflict targets, alterations ----------------------------


def suffixed(text: str) -> str:
    """``text`` cut to fit 61 bytes, plus ``_2``: another hostile but valid name."""
    while len(text.encode()) > 61:
        text = text[:-1]
    return text + "_2"


async def check_ddl_names(surface: Surface, text: str) -> None:
    engine, ok = surface.engine, identifier_ok(text)
    if text == "":
        # tablename="" reads as no tablename: the class name's (never an empty name).
        assert create_table_class("H", class_kwargs={"tablename": text})._meta.tablename == "h"
    if not ok:
        for api, build in [
            ("table name", lambda: create_table_class("H", class_kwargs={"tablename": text})),
            (
                "column name",
                lambda: create_table_class(
                    "H", class_kwargs={"tablename": "rel_h"}, class_members={text: Text()}
                ),
            ),
            ("db_column_name", lambda: Integer(db_column_name=text)),
            ("rename_table", lambda: Victim.alter().rename_table(text)),
            ("add_column", lambda: Victim.alter().add_column(text, Integer())),
            ("rename_column", lambda: Victim.alter().rename_column(Victim.n, text)),
        ]:
            if api == "table name" and text == "":
                continue

            async def build_it(build: Callable[[], Any] = build) -> Any:
                built = build()
                if hasattr(built, "run"):
                    return await built.run()
                return built

            assert isinstance(
                await surface.call(api, build_it, refused=True), UnsafeIdentifierError
            )
        return
    # A table and a column both named `text`: created, written, read, altered, dropped.
    # Dots are syntax, not names: tablename="a.b" is table b in schema a (as in Piccolo),
    # and a dotted column name walks a foreign key. A Python attribute named like a Table
    # method (`select`) would hide the method. Such names go in db_column_name.
    tablename = text.replace(".", "_")
    plain_attribute = "." not in text and not hasattr(Table, text)
    attribute = text if plain_attribute else "renamed"
    hostile: Any = create_table_class(
        "Hostile",
        class_kwargs={"tablename": tablename, "db": engine},
        class_members={
            attribute: Text(null=True, db_column_name=text),
            "other": Integer(db_column_name=suffixed(text)),
        },
    )
    column = hostile._meta.get_column_by_name(attribute)
    if surface.gap(tablename) or surface.gap(text):
        await surface.server_refuses("table and column name", lambda: hostile.create_table().run())
        await surface.server_refuses(
            "add_column", lambda: Victim.alter().add_column(text, Integer(null=True)).run()
        )
        return
    await hostile.create_table(if_not_exists=True)
    try:
        await hostile.insert(hostile(**{attribute: text, "other": 1}))
        # As in Piccolo, select results are keyed by the database column names.
        expected = {text: text, suffixed(text): 1}
        assert await hostile.select(column, hostile.other) == [expected]
        assert await hostile.count().where(column == text) == 1
        await hostile.update({column: text + "!"}, force=True)
        assert await hostile.select(column).output(as_list=True) == [text + "!"]
        assert await hostile.table_exists()
        await hostile.create_index([column], if_not_exists=True)
        await hostile.drop_index([column])
    except UnsafeIdentifierError as error:  # a generated index name over 63 bytes
        assert "index name" in str(error), error
    finally:
        await hostile.alter().drop_table(if_exists=True)
    # The same name for alterations of the victim table, undone after.
    await Victim.alter().add_column(text, Integer(null=True))
    await Victim.alter().drop_column(text)
    await Victim.alter().rename_column(Victim.n, text)
    await Victim.alter().rename_column(text, "n")
    # A conflict target that names no constraint: refused by the database (MariaDB names
    # none: the target is not sent, the insert runs).
    result = await surface.call(
        "on_conflict target", lambda: Victim.insert(Victim(name="c")).on_conflict(target=text).run()
    )
    if isinstance(surface.engine, MySQLEngine):
        assert not isinstance(result, Exception), result
    else:
        assert isinstance(result, ProgrammingError), result
    # The value of a DO UPDATE: a literal.
    await fresh("c", surface)
    row = await Victim.objects().first()
    assert row is not None
    await Victim.insert(Victim(id=row.id, name="c")).on_conflict(
        target=[Victim.id], action="DO UPDATE", values=[(Victim.name, text)]
    )
    if surface.stores(text):
        assert await Victim.select(Victim.name).output(as_list=True) == [text]


@pytest.mark.parametrize("text", PAYLOADS, ids=range(len(PAYLOADS)))
async def test_names_in_ddl(surface: Surface, text: str) -> None:
    await check_ddl_names(surface, text)


@hypothesis_settings(HYPOTHESIS, max_examples=25)
@given(text=st.text(min_size=1, max_size=40))
async def test_generated_names_in_ddl(surface: Surface, text: str) -> None:
    await check_ddl_names(surface, text)


async def test_schema_names(surface: Surface) -> None:
    """PostgreSQL schema names (``schema=``) from the payload set: quoted or refused."""
    if not surface.postgres:
        pytest.skip("schemas are a PostgreSQL feature (SQLite and MariaDB ignore schema=)")
    for text in PAYLOADS:
        if not identifier_ok(text):
            with pytest.raises(UnsafeIdentifierError):
                create_table_class("S", class_kwargs={"tablename": "rel_s", "schema": text})
            continue
        table: Any = create_table_class(
            "S",
            class_kwargs={"tablename": "rel_s", "schema": text, "db": surface.engine},
            class_members={"v": Text()},
        )
        await table.create_table()
        try:
            await table.insert(table(v=text))
            assert await table.select(table.v).output(as_list=True) == [text]
        finally:
            await table.alter().drop_table()
            quoted = surface.engine.dialect.quote(text)
            await surface.engine.fetch_sql(f"DROP SCHEMA {quoted}")
        surface.outcomes["schema name: literal"] += 1


async def test_literals_without_standard_conforming_strings(surface: Surface) -> None:
    """The literals the dialect writes itself (column defaults, Strftime formats) mean
    the same on a session with ``standard_conforming_strings=off`` (MariaDB: always, as
    its sql_mode has no NO_BACKSLASH_ESCAPES), where a backslash escapes the quote after
    it: no payload gets out of its quotes."""
    if surface.sqlite:
        pytest.skip("SQLite has no backslash escapes in literals")
    from tests.reliability.support import pg_engine

    engine: Engine
    if isinstance(surface.engine, MySQLEngine):
        engine = surface.engine
        rows = await engine.fetch_sql("SELECT @@SESSION.sql_mode AS mode")
        assert "NO_BACKSLASH_ESCAPES" not in rows[0]["mode"]
    else:
        engine = pg_engine(server_settings={"standard_conforming_strings": "off"})
        assert await engine.fetch_sql("SHOW standard_conforming_strings") == [
            {"standard_conforming_strings": "off"}
        ]
    for text in [p for p in PAYLOADS if "\x00" not in p] + ["x\\' || current_user || '"]:
        table: Any = create_table_class(
            "Defaults",
            class_kwargs={"tablename": "rel_defaults", "db": engine},
            class_members={"v": Text(default=text), "at": Timestamptz(null=True)},
        )
        await table.alter().drop_table(if_exists=True)
        await table.create_table()
        try:
            await engine.fetch_sql(
                f"INSERT INTO rel_defaults (at) VALUES ({engine.placeholder(1)})", [AT]
            )
            assert await table.select(table.v).output(as_list=True) == [text]
            if "%" not in text and text:
                formatted = await table.select(Strftime(table.at, text, alias="f"))
                assert formatted == [{"f": text}], (text, formatted)
        finally:
            await table.alter().drop_table(if_exists=True)
        surface.outcomes["literal with backslash escapes on: literal"] += 1
    if engine is not surface.engine:
        await engine.close_connection_pool()
