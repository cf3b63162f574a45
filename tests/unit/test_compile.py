"""Compiled SQL text and bound parameters for every statement kind, on both dialects.

No database is touched: engines are built without connecting, and every test reads
``engine.compile(query._statement())`` (or the DDL statements) and ``compiled.bind(values)``.

The PostgreSQL text is the reference; where SQLite's text differs only by its ``?``
placeholders, ``d.ph()`` derives it, otherwise both texts are written out.
"""

from __future__ import annotations

import datetime
import decimal
import gc
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from vivace import Table, create_table_class
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Bytea,
    Char,
    Check,
    Date,
    DoublePrecision,
    ForeignKey,
    IndexMethod,
    Integer,
    Interval,
    Numeric,
    OnDelete,
    OnUpdate,
    Real,
    Serial,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import InvalidValue, QueryError, UnsafeIdentifierError
from vivace.query import And, Or, WhereRaw
from vivace.sql import FunctionCall, Star

PG = PostgresEngine(config={})


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage_after_module() -> Iterator[None]:
    """Table classes made here die in reference cycles; collect them before other modules
    run, so their registry callbacks never land inside another test's measurements."""
    yield
    gc.collect()


SL = SQLiteEngine(path=":memory:")

UTC = datetime.UTC
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


def build_tables(engine: Engine, prefix: str) -> SimpleNamespace:
    """One set of table classes bound to ``engine`` (class names unique per prefix)."""

    def make(name: str, tablename: str, members: dict[str, Any]) -> type[Table]:
        return create_table_class(
            f"{prefix}{name}",
            class_kwargs={"db": engine, "tablename": tablename},
            class_members=members,
        )

    manager = make("Manager", "manager", {"name": Varchar(length=50)})
    band = make(
        "Band",
        "band",
        {
            "name": Varchar(length=100),
            "manager": ForeignKey(manager),
            "popularity": Integer(),
            "label": Varchar(length=20, db_column_name="label_col"),
        },
    )
    concert = make("Concert", "concert", {"band_1": ForeignKey(band), "band_2": ForeignKey(band)})
    ticket = make(
        "Ticket",
        "ticket",
        {
            "price": Numeric(digits=(5, 2)),
            "starts": Timestamptz(null=True),
            "local": Timestamp(null=True),
            "day": Date(null=True),
            "at": Time(null=True),
            "length": Interval(null=True),
            "code": UUID(null=True),
            "data": JSON(),
            "tags": Array(base_column=Integer()),
            "moments": Array(base_column=Timestamptz(), null=True),
            "paid": Boolean(),
            "raw": Bytea(),
        },
    )
    nothing = make("Nothing", "nothing", {})
    return SimpleNamespace(
        engine=engine, manager=manager, band=band, concert=concert, ticket=ticket, nothing=nothing
    )


@dataclass
class Dia:
    """One dialect under test: its engine, its tables and text helpers."""

    name: str
    engine: Engine
    t: SimpleNamespace

    @property
    def pg(self) -> bool:
        return self.name == "postgres"

    def ph(self, pg_sql: str) -> str:
        """The PostgreSQL text with this dialect's placeholders."""
        return pg_sql if self.pg else re.sub(r"\$\d+", "?", pg_sql)

    def pick(self, pg: Any, sqlite: Any) -> Any:
        return pg if self.pg else sqlite

    def compile(self, query: Any) -> tuple[str, list[Any]]:
        compiled, values = self.engine.compile(query._statement())
        return compiled.sql, list(compiled.bind(values))

    def names(self, query: Any) -> tuple[str, ...]:
        return self.engine.compile(query._statement())[0].result_names


DIALECTS = {
    "postgres": Dia("postgres", PG, build_tables(PG, "CompilePg")),
    "sqlite": Dia("sqlite", SL, build_tables(SL, "CompileSl")),
}


@pytest.fixture(params=["postgres", "sqlite"])
def d(request: pytest.FixtureRequest) -> Dia:
    return DIALECTS[request.param]


BAND_COLUMNS = (
    '"band"."id", "band"."name", "band"."manager", "band"."popularity", "band"."label_col"'
)
SELECT_BAND = f'SELECT {BAND_COLUMNS} FROM "band"'
MANAGER_JOIN = 'LEFT JOIN "manager" AS "manager" ON "band"."manager" = "manager"."id"'


# select ------------------------------------------------------------------------------------------
def test_select_all_columns(d: Dia) -> None:
    band = d.t.band
    assert d.compile(band.select()) == (SELECT_BAND, [])
    assert d.names(band.select()) == ("id", "name", "manager", "popularity", "label_col")


def test_select_chosen_columns(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name, band.popularity)
    assert d.compile(query) == ('SELECT "band"."name", "band"."popularity" FROM "band"', [])
    assert d.names(query) == ("name", "popularity")


def test_select_columns_given_as_a_list_or_added_later(d: Dia) -> None:
    band = d.t.band
    expected = ('SELECT "band"."name", "band"."popularity" FROM "band"', [])
    assert d.compile(band.select([band.name, band.popularity])) == expected
    assert d.compile(band.select(band.name).columns(band.popularity)) == expected


def test_select_joined_column_makes_a_left_join_and_a_dotted_key(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name, band.manager.name)
    sql = f'SELECT "band"."name", "manager"."name" AS "manager.name" FROM "band" {MANAGER_JOIN}'
    assert d.compile(query) == (sql, [])
    assert d.names(query) == ("name", "manager.name")


def test_select_by_dotted_string_names(d: Dia) -> None:
    band = d.t.band
    by_name = band.select("name", "manager.name")
    by_column = band.select(band.name, band.manager.name)
    assert d.compile(by_name) == d.compile(by_column)
    assert d.names(by_name) == ("name", "manager.name")


def test_select_db_column_name_is_the_result_key(d: Dia) -> None:
    # As in Piccolo: a column with db_column_name is keyed by that name in select results.
    band = d.t.band
    query = band.select(band.label)
    assert d.compile(query) == ('SELECT "band"."label_col" FROM "band"', [])
    assert d.names(query) == ("label_col",)


def test_select_through_two_foreign_keys(d: Dia) -> None:
    concert = d.t.concert
    query = concert.select(concert.band_1.manager.name, concert.band_2.name).where(
        concert.band_1.manager.name == "Guido"
    )
    sql = (
        'SELECT "band_1$manager"."name" AS "band_1.manager.name", "band_2"."name" AS "band_2.name" '
        'FROM "concert" '
        'LEFT JOIN "band" AS "band_1" ON "concert"."band_1" = "band_1"."id" '
        'LEFT JOIN "manager" AS "band_1$manager" ON "band_1"."manager" = "band_1$manager"."id" '
        'LEFT JOIN "band" AS "band_2" ON "concert"."band_2" = "band_2"."id" '
        'WHERE "band_1$manager"."name" = $1'
    )
    assert d.compile(query) == (d.ph(sql), ["Guido"])
    assert d.names(query) == ("band_1.manager.name", "band_2.name")


def test_select_all_columns_of_a_joined_table(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name, *band.manager.all_columns())
    sql = (
        'SELECT "band"."name", "manager"."id" AS "manager.id", "manager"."name" AS "manager.name" '
        f'FROM "band" {MANAGER_JOIN}'
    )
    assert d.compile(query) == (sql, [])


def test_select_alias_and_coalesce(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name.as_alias("title"), band.name | "unknown")
    # Piccolo keys `column | value` as the column.
    sql = 'SELECT "band"."name" AS "title", COALESCE("band"."name", $1) AS "name" FROM "band"'
    assert d.compile(query) == (d.ph(sql), ["unknown"])
    assert d.names(query) == ("title", "name")


def test_objects_selects_every_column_and_prefetch_joins(d: Dia) -> None:
    band = d.t.band
    assert d.compile(band.objects()) == (SELECT_BAND, [])
    sql = (
        f'SELECT {BAND_COLUMNS}, "manager"."id" AS "manager.id", '
        f'"manager"."name" AS "manager.name" FROM "band" {MANAGER_JOIN}'
    )
    assert d.compile(band.objects(band.manager)) == (sql, [])


# where -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "operator"),
    [
        (lambda b: b.popularity == 10, "="),
        (lambda b: b.popularity != 10, "<>"),
        (lambda b: b.popularity < 10, "<"),
        (lambda b: b.popularity <= 10, "<="),
        (lambda b: b.popularity > 10, ">"),
        (lambda b: b.popularity >= 10, ">="),
    ],
    ids=["eq", "ne", "lt", "le", "gt", "ge"],
)
def test_where_comparison_operators(d: Dia, build: Callable[[Any], Any], operator: str) -> None:
    band = d.t.band
    query = band.select(band.name).where(build(band))
    sql = f'SELECT "band"."name" FROM "band" WHERE "band"."popularity" {operator} $1'
    assert d.compile(query) == (d.ph(sql), [10])


def test_reflected_comparison_puts_the_column_on_the_left(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(10 < band.popularity)  # noqa: SIM300
    sql = 'SELECT "band"."name" FROM "band" WHERE "band"."popularity" > $1'
    assert d.compile(query) == (d.ph(sql), [10])


@pytest.mark.parametrize(
    ("build", "postfix"),
    [
        (lambda b: b.manager == None, "IS NULL"),  # noqa: E711 (the query builder's syntax)
        (lambda b: b.manager != None, "IS NOT NULL"),  # noqa: E711
        (lambda b: b.manager.is_null(), "IS NULL"),
        (lambda b: b.manager.is_not_null(), "IS NOT NULL"),
    ],
    ids=["eq-none", "ne-none", "is_null", "is_not_null"],
)
def test_where_null_checks(d: Dia, build: Callable[[Any], Any], postfix: str) -> None:
    band = d.t.band
    query = band.select(band.name).where(build(band))
    assert d.compile(query) == (
        f'SELECT "band"."name" FROM "band" WHERE "band"."manager" {postfix}',
        [],
    )


def test_where_is_in_binds_the_whole_list_as_one_parameter(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.id.is_in([1, 2, 3]))
    head = 'SELECT "band"."name" FROM "band" WHERE '
    if d.pg:
        assert d.compile(query) == (head + '"band"."id" = ANY($1)', [[1, 2, 3]])
    else:
        assert d.compile(query) == (
            head + '"band"."id" IN (SELECT value FROM json_each(?))',
            ["[1, 2, 3]"],
        )


def test_where_not_in(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.name.not_in(["a", "b"]))
    head = 'SELECT "band"."name" FROM "band" WHERE '
    if d.pg:
        assert d.compile(query) == (head + 'NOT ("band"."name" = ANY($1))', [["a", "b"]])
    else:
        assert d.compile(query) == (
            head + '"band"."name" NOT IN (SELECT value FROM json_each(?))',
            ['["a", "b"]'],
        )


def test_is_in_an_empty_list(d: Dia) -> None:
    band = d.t.band
    _, params = d.compile(band.select(band.name).where(band.id.is_in(())))
    assert params == d.pick([[]], ["[]"])


def test_is_in_converts_each_element(d: Dia) -> None:
    ticket = d.t.ticket
    moment = datetime.datetime(2024, 1, 1, 12, tzinfo=PLUS_TWO)
    _, params = d.compile(ticket.select(ticket.id).where(ticket.starts.is_in([moment])))
    if d.pg:
        assert params == [[datetime.datetime(2024, 1, 1, 10, tzinfo=UTC)]]
    else:
        assert params == ['["2024-01-01 10:00:00.000000+00:00"]']
    _, params = d.compile(ticket.select(ticket.id).where(ticket.paid.is_in([True, False])))
    assert params == d.pick([[True, False]], ["[1, 0]"])


def test_is_in_a_subquery(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(
        band.id.is_in(band.select(band.id).where(band.popularity > 5)),
        band.name.not_in(band.select(band.name).where(band.popularity < 2)),
    )
    sql = (
        'SELECT "band"."name" FROM "band" WHERE ('
        '"band"."id" IN (SELECT "band"."id" FROM "band" WHERE "band"."popularity" > $1) AND '
        '"band"."name" NOT IN (SELECT "band"."name" FROM "band" WHERE "band"."popularity" < $2))'
    )
    assert d.compile(query) == (d.ph(sql), [5, 2])


def test_is_in_refuses_a_string(d: Dia) -> None:
    with pytest.raises(QueryError, match="list of values"):
        d.t.band.name.is_in("abc")


def test_like_and_not_like(d: Dia) -> None:
    band = d.t.band
    head = 'SELECT "band"."name" FROM "band" WHERE '
    query = band.select(band.name).where(band.name.like("Py%"))
    assert d.compile(query) == (d.ph(head + '"band"."name" LIKE $1'), ["Py%"])
    query = band.select(band.name).where(band.name.not_like("%_x"))
    assert d.compile(query) == (d.ph(head + '"band"."name" NOT LIKE $1'), ["%_x"])


def test_ilike(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.name.ilike("py%"))
    head = 'SELECT "band"."name" FROM "band" WHERE '
    if d.pg:
        assert d.compile(query) == (head + '"band"."name" ILIKE $1', ["py%"])
    else:
        assert d.compile(query) == (head + 'LOWER("band"."name") LIKE LOWER(?)', ["py%"])


def test_and_or_not_operators(d: Dia) -> None:
    band = d.t.band
    condition = ((band.name == "a") & (band.popularity > 1)) | ~(band.popularity == 2)
    query = band.select(band.name).where(condition)
    sql = (
        'SELECT "band"."name" FROM "band" WHERE '
        '(("band"."name" = $1 AND "band"."popularity" > $2) OR NOT ("band"."popularity" = $3))'
    )
    assert d.compile(query) == (d.ph(sql), ["a", 1, 2])


def test_and_or_functions_and_where_raw(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(
        And(band.name == "a", Or(band.id < 1, band.id <= 2, band.id > 9)),
        WhereRaw("length(name) > {} AND {} = {}", 3, band.popularity, 4),
    )
    sql = (
        'SELECT "band"."name" FROM "band" WHERE '
        '(("band"."name" = $1 AND ("band"."id" < $2 OR "band"."id" <= $3 OR "band"."id" > $4)) '
        'AND length(name) > $5 AND "band"."popularity" = $6)'
    )
    assert d.compile(query) == (d.ph(sql), ["a", 1, 2, 9, 3, 4])


def test_where_called_twice_ands_the_conditions(d: Dia) -> None:
    band = d.t.band
    base = band.select(band.name)
    query = base.where(band.name == "a").where(band.popularity == 1)
    sql = 'SELECT "band"."name" FROM "band" WHERE ("band"."name" = $1 AND "band"."popularity" = $2)'
    assert d.compile(query) == (d.ph(sql), ["a", 1])
    # clause methods return a new query and leave the original alone
    assert d.compile(base) == ('SELECT "band"."name" FROM "band"', [])


def test_where_on_a_joined_column_adds_the_join(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.manager.name == "Guido")
    sql = f'SELECT "band"."name" FROM "band" {MANAGER_JOIN} WHERE "manager"."name" = $1'
    assert d.compile(query) == (d.ph(sql), ["Guido"])


def test_a_bare_python_bool_in_where_is_an_error(d: Dia) -> None:
    band = d.t.band
    with pytest.raises(QueryError, match="A boolean value has been passed in to a where"):
        band.select().where(band.name is None)
    with pytest.raises(QueryError, match="A boolean value has been passed in to a where"):
        band.select().where(True)
    with pytest.raises(QueryError, match="A boolean value has been passed in to a where"):
        And(band.name == "a", False)
    with pytest.raises(QueryError, match="A boolean value has been passed in to a where"):
        band.delete().where(False)
    with pytest.raises(QueryError, match="not a query condition"):
        band.select().where("name = 'a'")


def test_where_raw_checks_its_placeholder_count(d: Dia) -> None:
    with pytest.raises(QueryError, match="placeholder"):
        WhereRaw("a = {} AND b = {}", 1)


# order, limit, offset, distinct, group by --------------------------------------------------------
def test_order_by_ascending_and_descending(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).order_by(band.name).order_by(band.popularity, ascending=False)
    sql = 'SELECT "band"."name" FROM "band" ORDER BY "band"."name" ASC, "band"."popularity" DESC'
    assert d.compile(query) == (sql, [])


def test_order_by_a_joined_column_by_name(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).order_by("manager.name", ascending=False)
    sql = f'SELECT "band"."name" FROM "band" {MANAGER_JOIN} ORDER BY "manager"."name" DESC'
    assert d.compile(query) == (sql, [])


def test_limit_and_offset_are_parameters(d: Dia) -> None:
    band = d.t.band
    base = band.select(band.name)
    head = 'SELECT "band"."name" FROM "band" '
    assert d.compile(base.limit(5)) == (d.ph(head + "LIMIT $1"), [5])
    assert d.compile(base.limit(5).offset(10)) == (d.ph(head + "LIMIT $1 OFFSET $2"), [5, 10])
    if d.pg:
        assert d.compile(base.offset(10)) == (head + "OFFSET $1", [10])
    else:
        # Piccolo's refusal: SQLite has no OFFSET without LIMIT.
        with pytest.raises(QueryError, match="A limit clause must be provided"):
            d.compile(base.offset(10))


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_limit_and_offset_refuse_bad_values(d: Dia, bad: Any) -> None:
    band = d.t.band
    # Piccolo's TypeError for a value that is no int; a negative one is a QueryError.
    error = QueryError if bad == -1 else TypeError
    with pytest.raises(error):
        band.select().limit(bad)
    with pytest.raises(error):
        band.select().offset(bad)


def test_order_where_limit_offset_together(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.popularity > 3).order_by(band.name).limit(2).offset(4)
    sql = (
        'SELECT "band"."name" FROM "band" WHERE "band"."popularity" > $1 '
        'ORDER BY "band"."name" ASC LIMIT $2 OFFSET $3'
    )
    assert d.compile(query) == (d.ph(sql), [3, 2, 4])


def test_distinct(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).distinct()
    assert d.compile(query) == ('SELECT DISTINCT "band"."name" FROM "band"', [])


def test_distinct_on(d: Dia) -> None:
    band = d.t.band
    if not d.pg:  # refused when called, as in Piccolo
        with pytest.raises(NotImplementedError, match="SQLite doesn't support DISTINCT ON"):
            band.select(band.name).distinct(on=[band.name])
        return
    query = (
        band.select(band.name, band.popularity)
        .distinct(on=[band.name])
        .order_by(band.name)
        .order_by(band.popularity, ascending=False)
    )
    if d.pg:
        sql = (
            'SELECT DISTINCT ON ("band"."name") "band"."name", "band"."popularity" FROM "band" '
            'ORDER BY "band"."name" ASC, "band"."popularity" DESC'
        )
        assert d.compile(query) == (sql, [])


def test_group_by_and_having_with_count(d: Dia) -> None:
    band = d.t.band
    count = FunctionCall("COUNT", (Star(),), default_alias="count")
    query = (
        band.select(band.manager.name, count)
        .group_by(band.manager.name)
        .having(FunctionCall("COUNT", (Star(),)) > 1)
    )
    sql = (
        'SELECT "manager"."name" AS "manager.name", COUNT(*) AS "count" '
        f'FROM "band" {MANAGER_JOIN} GROUP BY "manager"."name" HAVING COUNT(*) > $1'
    )
    assert d.compile(query) == (d.ph(sql), [1])
    assert d.names(query) == ("manager.name", "count")


def test_first_limits_to_one_row(d: Dia) -> None:
    band = d.t.band
    sql = d.ph('SELECT "band"."name" FROM "band" WHERE "band"."id" = $1 LIMIT $2')
    assert d.compile(band.select(band.name).where(band.id == 3).first()) == (sql, [3, 1])
    assert d.compile(band.objects().first()) == (d.ph(SELECT_BAND + " LIMIT $1"), [1])
    get = band.objects().get(band.name == "x")
    assert d.compile(get) == (d.ph(SELECT_BAND + ' WHERE "band"."name" = $1 LIMIT $2'), ["x", 1])


def test_lock_rows(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.id == 1).lock_rows("update", skip_locked=True)
    if d.pg:
        sql = 'SELECT "band"."name" FROM "band" WHERE "band"."id" = $1 FOR UPDATE SKIP LOCKED'
        assert d.compile(query) == (sql, [1])
        query = band.select(band.name).lock_rows("SHARE", nowait=True, of=(band,))
        assert d.compile(query)[0] == 'SELECT "band"."name" FROM "band" FOR SHARE OF "band" NOWAIT'
    else:
        with pytest.raises(NotImplementedError, match="doesn't support row locking"):
            d.compile(query)


# insert ------------------------------------------------------------------------------------------
INSERT_BAND = 'INSERT INTO "band" ("name", "manager", "popularity", "label_col") VALUES '


def test_insert_one_row_returns_the_primary_key(d: Dia) -> None:
    band = d.t.band
    query = band.insert(band(name="Pythonistas", popularity=1000, label="EMI"))
    sql = INSERT_BAND + '($1, $2, $3, $4) RETURNING "id"'
    assert d.compile(query) == (d.ph(sql), ["Pythonistas", None, 1000, "EMI"])
    assert d.names(query) == ("id",)


def test_insert_many_rows(d: Dia) -> None:
    band, manager = d.t.band, d.t.manager
    guido = manager(id=7, name="Guido")
    query = band.insert(band(name="a", manager=guido), band(name="b", popularity=2)).add(
        band(name="c", manager=8)
    )
    sql = INSERT_BAND + '($1, $2, $3, $4), ($5, $6, $7, $8), ($9, $10, $11, $12) RETURNING "id"'
    params = ["a", 7, 0, "", "b", None, 2, "", "c", 8, 0, ""]
    assert d.compile(query) == (d.ph(sql), params)


def test_insert_with_a_primary_key_value_and_chosen_returning(d: Dia) -> None:
    band = d.t.band
    query = band.insert(band(id=5, name="x")).returning(band.id, band.name, band.label)
    sql = (
        'INSERT INTO "band" ("id", "name", "manager", "popularity", "label_col") '
        'VALUES ($1, $2, $3, $4, $5) RETURNING "id", "name", "label_col"'
    )
    assert d.compile(query) == (d.ph(sql), [5, "x", None, 0, ""])
    assert d.names(query) == ("id", "name", "label_col")


def test_insert_without_column_values_uses_default_values(d: Dia) -> None:
    nothing = d.t.nothing
    query = nothing.insert(nothing())
    assert d.compile(query) == ('INSERT INTO "nothing" DEFAULT VALUES RETURNING "id"', [])


def test_insert_refuses_rows_of_another_table(d: Dia) -> None:
    with pytest.raises(TypeError):
        d.t.band.insert(d.t.manager(name="x"))
    with pytest.raises(QueryError, match="no rows"):
        d.t.band.insert()._statement()


def test_on_conflict_do_nothing(d: Dia) -> None:
    manager = d.t.manager
    query = manager.insert(manager(name="a")).on_conflict(action="DO NOTHING")
    sql = 'INSERT INTO "manager" ("name") VALUES ($1) ON CONFLICT DO NOTHING RETURNING "id"'
    assert d.compile(query) == (d.ph(sql), ["a"])
    query = manager.insert(manager(name="a")).on_conflict(target=manager.name)
    sql = (
        'INSERT INTO "manager" ("name") VALUES ($1) ON CONFLICT ("name") DO NOTHING RETURNING "id"'
    )
    assert d.compile(query) == (d.ph(sql), ["a"])


def test_on_conflict_on_a_named_constraint(d: Dia) -> None:
    manager = d.t.manager
    query = manager.insert(manager(name="a")).on_conflict(target="manager_name_key")
    sql = (
        'INSERT INTO "manager" ("name") VALUES ($1) '
        'ON CONFLICT ON CONSTRAINT "manager_name_key" DO NOTHING RETURNING "id"'
    )
    assert d.compile(query) == (d.ph(sql), ["a"])


def test_on_conflict_do_update_with_values_and_where(d: Dia) -> None:
    band = d.t.band
    query = (
        band.insert(band(name="a", popularity=5))
        .on_conflict(
            target=[band.name],
            action="DO UPDATE",
            values=[band.popularity, (band.label, "new"), (band.manager, band.manager)],
            where=band.popularity < 100,
        )
        .returning(band.id, band.popularity)
    )
    # the existing row's columns are qualified: unqualified names would be ambiguous
    # with EXCLUDED on PostgreSQL
    sql = (
        INSERT_BAND + "($1, $2, $3, $4) "
        'ON CONFLICT ("name") DO UPDATE SET "popularity" = EXCLUDED."popularity", '
        '"label_col" = $5, "manager" = "band"."manager" '
        'WHERE "band"."popularity" < $6 RETURNING "id", "popularity"'
    )
    assert d.compile(query) == (d.ph(sql), ["a", None, 5, "", "new", 100])


def test_on_conflict_do_update_with_arithmetic(d: Dia) -> None:
    band = d.t.band
    query = band.insert(band(name="a")).on_conflict(
        target=band.name, action="do_update", values=[(band.popularity, band.popularity + 1)]
    )
    sql = (
        INSERT_BAND + "($1, $2, $3, $4) "
        'ON CONFLICT ("name") DO UPDATE SET "popularity" = ("band"."popularity" + $5) '
        'RETURNING "id"'
    )
    assert d.compile(query) == (d.ph(sql), ["a", None, 0, "", 1])


def test_on_conflict_errors(d: Dia) -> None:
    manager = d.t.manager
    # Piccolo's errors, raised when on_conflict() is called.
    with pytest.raises(QueryError, match="is not a valid OnConflictAction"):
        manager.insert(manager(name="a")).on_conflict(action="DO SOMETHING")
    with pytest.raises(QueryError, match="The `target` option must be provided with DO UPDATE"):
        manager.insert(manager(name="a")).on_conflict(action="DO UPDATE", values=[manager.name])
    with pytest.raises(QueryError, match="The `where` option can only be used with DO NOTHING"):
        manager.insert(manager(name="a")).on_conflict(where=manager.name == "a")


# update and delete -------------------------------------------------------------------------------
def test_update_with_values(d: Dia) -> None:
    band = d.t.band
    query = band.update({band.name: "x", "popularity": 3}).where(band.id == 1)
    sql = 'UPDATE "band" SET "name" = $1, "popularity" = $2 WHERE "id" = $3'
    assert d.compile(query) == (d.ph(sql), ["x", 3, 1])
    assert d.compile(band.update(name="x", popularity=3).where(band.id == 1)) == d.compile(query)


def test_update_stores_a_related_row_as_its_primary_key(d: Dia) -> None:
    band, manager = d.t.band, d.t.manager
    query = band.update({band.manager: manager(id=4, name="m")}).where(band.id == 1)
    sql = 'UPDATE "band" SET "manager" = $1 WHERE "id" = $2'
    assert d.compile(query) == (d.ph(sql), [4, 1])


def test_update_with_column_arithmetic(d: Dia) -> None:
    band = d.t.band
    query = band.update({band.popularity: band.popularity + 1}).where(band.name == "a")
    sql = 'UPDATE "band" SET "popularity" = ("popularity" + $1) WHERE "name" = $2'
    assert d.compile(query) == (d.ph(sql), [1, "a"])
    query = band.update({band.popularity: 100 - band.popularity * 2}, force=True)
    sql = 'UPDATE "band" SET "popularity" = ($1 - ("popularity" * $2))'
    assert d.compile(query) == (d.ph(sql), [100, 2])
    query = band.update({band.popularity: band.popularity / 2 - 1}, force=True)
    sql = 'UPDATE "band" SET "popularity" = (("popularity" / $1) - $2)'
    assert d.compile(query) == (d.ph(sql), [2, 1])


def test_arithmetic_keeps_its_grouping(d: Dia) -> None:
    band = d.t.band
    query = band.update({band.popularity: (band.popularity + 1) * 10}, force=True)
    sql = 'UPDATE "band" SET "popularity" = (("popularity" + $1) * $2)'
    assert d.compile(query) == (d.ph(sql), [1, 10])


def test_text_plus_is_concatenation(d: Dia) -> None:
    band = d.t.band
    query = band.update({band.name: band.name + "!"}, force=True)
    assert d.compile(query) == (d.ph('UPDATE "band" SET "name" = ("name" || $1)'), ["!"])
    query = band.update({band.name: "The " + band.name}, force=True)
    assert d.compile(query) == (d.ph('UPDATE "band" SET "name" = ($1 || "name")'), ["The "])


def test_update_with_returning(d: Dia) -> None:
    band = d.t.band
    query = band.update(popularity=0).where(band.id == 2).returning(band.name, "label")
    sql = 'UPDATE "band" SET "popularity" = $1 WHERE "id" = $2 RETURNING "name", "label_col"'
    assert d.compile(query) == (d.ph(sql), [0, 2])
    assert d.names(query) == ("name", "label_col")


def test_update_errors(d: Dia) -> None:
    band = d.t.band
    # Piccolo's messages; an update with no values is refused when it runs.
    with pytest.raises(QueryError, match="Related values can't be updated"):
        band.update({band.manager.name: "x"})
    with pytest.raises(ValueError, match=r"^No matching column found with name == nope$"):
        band.update(nope=1)


def test_update_and_delete_where_on_a_joined_column_use_a_subquery(d: Dia) -> None:
    band = d.t.band
    # UPDATE and DELETE cannot join: the rows are picked by primary key (as Piccolo does)
    subquery = f'SELECT "band"."id" FROM "band" {MANAGER_JOIN} WHERE "manager"."name" = $2'
    query = band.update(popularity=1).where(band.manager.name == "x")
    sql = f'UPDATE "band" SET "popularity" = $1 WHERE "id" IN ({subquery})'
    assert d.compile(query) == (d.ph(sql), [1, "x"])
    query = band.delete().where(band.manager.name == "x", band.id > 2)
    sql = (
        f'DELETE FROM "band" WHERE "id" IN (SELECT "band"."id" FROM "band" {MANAGER_JOIN} '
        'WHERE ("manager"."name" = $1 AND "band"."id" > $2))'
    )
    assert d.compile(query) == (d.ph(sql), ["x", 2])


def test_delete(d: Dia) -> None:
    band = d.t.band
    query = band.delete().where(band.popularity < 10)
    assert d.compile(query) == (d.ph('DELETE FROM "band" WHERE "popularity" < $1'), [10])
    assert d.compile(band.delete(force=True)) == ('DELETE FROM "band"', [])


def test_delete_with_returning(d: Dia) -> None:
    band = d.t.band
    query = band.delete().where(band.name.like("x%")).returning(band.id, band.name)
    sql = 'DELETE FROM "band" WHERE "name" LIKE $1 RETURNING "id", "name"'
    assert d.compile(query) == (d.ph(sql), ["x%"])
    assert d.names(query) == ("id", "name")


async def test_update_and_delete_without_where_or_force_are_refused(d: Dia) -> None:
    band = d.t.band
    # Refused before the engine is asked anything (the PostgreSQL engine has nowhere to connect).
    with pytest.raises(QueryError, match="force=True"):
        await band.delete()
    with pytest.raises(QueryError, match="force=True"):
        await band.update(popularity=1)


# count, exists, raw ------------------------------------------------------------------------------
def test_count(d: Dia) -> None:
    band = d.t.band
    assert d.compile(band.count()) == ('SELECT COUNT(*) AS "count" FROM "band"', [])
    assert d.names(band.count()) == ("count",)
    assert d.compile(band.count(band.name)) == (
        'SELECT COUNT("band"."name") AS "count" FROM "band"',
        [],
    )
    distinct = ('SELECT COUNT(DISTINCT "band"."name") AS "count" FROM "band"', [])
    assert d.compile(band.count(distinct=[band.name])) == distinct
    assert d.compile(band.count().distinct([band.name])) == distinct
    several = band.count(distinct=[band.name, band.popularity])
    assert "COUNT(DISTINCT " in d.compile(several)[0]


def test_count_with_where_on_a_joined_column(d: Dia) -> None:
    band = d.t.band
    query = band.count().where(band.manager.name == "Guido")
    sql = f'SELECT COUNT(*) AS "count" FROM "band" {MANAGER_JOIN} WHERE "manager"."name" = $1'
    assert d.compile(query) == (d.ph(sql), ["Guido"])


def test_exists(d: Dia) -> None:
    band = d.t.band
    assert d.compile(band.exists()) == (d.ph('SELECT "band"."id" FROM "band" LIMIT $1'), [1])
    query = band.exists().where(band.name == "x")
    sql = 'SELECT "band"."id" FROM "band" WHERE "band"."name" = $1 LIMIT $2'
    assert d.compile(query) == (d.ph(sql), ["x", 1])


def test_raw_binds_its_placeholders(d: Dia) -> None:
    band = d.t.band
    query = band.raw("SELECT * FROM band WHERE name = {} AND popularity > {}", "x", 3)
    sql = "SELECT * FROM band WHERE name = $1 AND popularity > $2"
    assert d.compile(query) == (d.ph(sql), ["x", 3])
    assert str(query) == "SELECT * FROM band WHERE name = 'x' AND popularity > 3"
    with pytest.raises(QueryError, match="placeholder"):
        band.raw("SELECT {}")


# values and their converters ---------------------------------------------------------------------
def test_numeric_comparisons(d: Dia) -> None:
    ticket = d.t.ticket
    query = ticket.select(ticket.id).where(ticket.price >= decimal.Decimal("1.234"))
    if d.pg:
        sql = 'SELECT "ticket"."id" FROM "ticket" WHERE "ticket"."price" >= $1'
        assert d.compile(query) == (sql, [decimal.Decimal("1.234")])
    else:
        # exact text compared as a number, and not rounded to the column's scale:
        # a stored 1.23 must not match >= 1.234
        sql = (
            'SELECT "ticket"."id" FROM "ticket" '
            'WHERE CAST("ticket"."price" AS REAL) >= CAST(? AS REAL)'
        )
        assert d.compile(query) == (sql, ["1.234"])


def test_numeric_order_by_on_sqlite_sorts_by_number(d: Dia) -> None:
    ticket = d.t.ticket
    query = ticket.select(ticket.id).order_by(ticket.price, ascending=False)
    column = d.pick('"ticket"."price"', 'CAST("ticket"."price" AS REAL)')
    assert d.compile(query) == (f'SELECT "ticket"."id" FROM "ticket" ORDER BY {column} DESC', [])


def ticket_row(t: SimpleNamespace, **values: Any) -> Any:
    defaults: dict[str, Any] = {
        "price": decimal.Decimal("1.5"),
        "starts": None,
        "local": None,
        "day": None,
        "at": None,
        "length": None,
        "code": None,
        "data": "{}",
        "tags": [],
        "moments": None,
        "paid": False,
        "raw": b"",
    }
    return t.ticket(**{**defaults, **values})


def insert_params(d: Dia, row: Any) -> dict[str, Any]:
    """The bound insert parameters of ``row``, by column name."""
    compiled, values = d.engine.compile(d.t.ticket.insert(row)._statement())
    names = [c._meta.name for c in d.t.ticket._meta.columns if c._meta.name != "id"]
    return dict(zip(names, compiled.bind(values), strict=True))


def test_decimal_parameters(d: Dia) -> None:
    params = insert_params(d, ticket_row(d.t, price=decimal.Decimal("1.5")))
    assert params["price"] == d.pick(decimal.Decimal("1.5"), "1.50")
    # More places than the column's scale: refused on every engine, never rounded (issue 11).
    with pytest.raises(InvalidValue, match=r"ticket\.price expects .* 2 after"):
        insert_params(d, ticket_row(d.t, price=decimal.Decimal("2.005")))
    params = insert_params(d, ticket_row(d.t, price=3))
    assert params["price"] == d.pick(3, "3.00")


def test_datetime_parameters(d: Dia) -> None:
    row = ticket_row(
        d.t,
        starts=datetime.datetime(2024, 5, 1, 12, 30, tzinfo=PLUS_TWO),
        local=datetime.datetime(2024, 5, 1, 12, 30, 1, 5),
        day=datetime.date(2024, 5, 1),
        at=datetime.time(9, 15),
        length=datetime.timedelta(days=1, seconds=2, microseconds=3),
    )
    params = insert_params(d, row)
    if d.pg:
        assert params["starts"] == datetime.datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
        assert params["starts"].tzinfo is UTC
        assert params["local"] == datetime.datetime(2024, 5, 1, 12, 30, 1, 5)
        assert params["day"] == datetime.date(2024, 5, 1)
        assert params["at"] == datetime.time(9, 15)
        assert params["length"] == datetime.timedelta(days=1, seconds=2, microseconds=3)
    else:
        assert params["starts"] == "2024-05-01 10:30:00.000000+00:00"
        assert params["local"] == "2024-05-01 12:30:01.000005"
        assert params["day"] == "2024-05-01"
        assert params["at"] == "09:15:00.000000"
        assert params["length"] == 86_402_000_003


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("starts", datetime.datetime(2024, 1, 1), "timezone-aware"),
        ("local", datetime.datetime(2024, 1, 1, tzinfo=UTC), "naive"),
        ("day", datetime.datetime(2024, 1, 1), "expects a date"),
    ],
    ids=["naive-into-timestamptz", "aware-into-timestamp", "datetime-into-date"],
)
def test_refused_datetime_values(d: Dia, column: str, value: Any, message: str) -> None:
    ticket = d.t.ticket
    compiled, values = d.engine.compile(
        ticket.insert(ticket_row(d.t, **{column: value}))._statement()
    )
    with pytest.raises(ValueError, match=message):
        compiled.bind(values)
    # in a where() too
    compiled, values = d.engine.compile(
        ticket.select(ticket.id).where(getattr(ticket, column) == value)._statement()
    )
    with pytest.raises(ValueError, match=message):
        compiled.bind(values)


def test_json_uuid_array_bool_bytes_parameters(d: Dia) -> None:
    code = uuid.UUID("12345678-1234-5678-1234-567812345678")
    moment = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    row = ticket_row(
        d.t,
        data={"a": [1, "é"]},
        code=code,
        tags=[1, 2],
        moments=[moment, None],
        paid=True,
        raw=bytearray(b"\x00\x01"),
    )
    params = insert_params(d, row)
    assert params["data"] == '{"a": [1, "é"]}'  # spaced, as Piccolo's json.dumps
    assert params["paid"] is True
    if d.pg:
        assert params["code"] == code
        assert params["tags"] == [1, 2]
        assert params["moments"] == [moment, None]
        assert params["raw"] == bytearray(b"\x00\x01")
    else:
        assert params["code"] == "12345678-1234-5678-1234-567812345678"
        assert params["tags"] == "[1,2]"
        assert params["moments"] == '["2024-01-01 00:00:00.000000+00:00",null]'
        assert params["raw"] == b"\x00\x01"
        assert type(params["raw"]) is bytes
    # JSON given as text is passed on as is
    assert insert_params(d, ticket_row(d.t, data='{"b": 2}'))["data"] == '{"b": 2}'


def test_uuid_given_as_text(d: Dia) -> None:
    ticket = d.t.ticket
    text = "12345678-1234-5678-1234-567812345678"
    _, params = d.compile(ticket.select(ticket.id).where(ticket.code == text))
    assert params == [d.pick(uuid.UUID(text), text)]


def test_none_is_never_converted(d: Dia) -> None:
    params = insert_params(d, ticket_row(d.t, starts=None, moments=None, code=None))
    assert params["starts"] is None
    assert params["moments"] is None
    assert params["code"] is None


def test_update_converts_its_values(d: Dia) -> None:
    ticket = d.t.ticket
    query = ticket.update({ticket.price: decimal.Decimal("7.1"), ticket.data: {"k": 1}}).where(
        ticket.id == 1
    )
    sql = 'UPDATE "ticket" SET "price" = $1, "data" = $2 WHERE "id" = $3'
    assert d.compile(query) == (
        d.ph(sql),
        [d.pick(decimal.Decimal("7.1"), "7.10"), '{"k": 1}', 1],
    )


# str(query) --------------------------------------------------------------------------------------
def test_str_inlines_values_with_quotes_escaped(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(
        band.name == "it's",
        band.popularity > 3,
        band.manager == None,  # noqa: E711 (the query builder's syntax)
    )
    assert str(query) == (
        'SELECT "band"."name" FROM "band" WHERE '
        '("band"."name" = \'it\'\'s\' AND "band"."popularity" > 3 AND "band"."manager" IS NULL)'
    )
    query = band.insert(band(name="O'Neil", popularity=1, label="x"))
    assert str(query) == (INSERT_BAND + "('O''Neil', NULL, 1, 'x') RETURNING \"id\"")
    query = band.update({band.name: "a'b"}).where(band.id == 1)
    assert str(query) == 'UPDATE "band" SET "name" = \'a\'\'b\' WHERE "id" = 1'


def test_str_never_changes_the_compiled_cache(d: Dia) -> None:
    band = d.t.band
    query = band.select(band.name).where(band.name == "it's")
    before = len(d.engine.compiled_cache)
    str(query)
    assert len(d.engine.compiled_cache) == before
    # and the real statement still has a placeholder, not the value
    assert d.compile(query) == (
        d.ph('SELECT "band"."name" FROM "band" WHERE "band"."name" = $1'),
        ["it's"],
    )


def test_str_refuses_text_with_nul(d: Dia) -> None:
    band = d.t.band
    with pytest.raises(QueryError, match="NUL"):
        str(band.select().where(band.name == "a\x00b"))


# DDL ---------------------------------------------------------------------------------------------
def every_type_table(d: Dia, prefix: str) -> type[Table]:
    return create_table_class(
        f"{prefix}{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "every_type"},
        class_members={
            "v_varchar": Varchar(length=10),
            "v_char": Char(length=2),
            "v_text": Text(),
            "v_integer": Integer(),
            "v_bigint": BigInt(),
            "v_smallint": SmallInt(),
            "v_serial": Serial(),
            "v_bigserial": BigSerial(),
            "v_boolean": Boolean(),
            "v_numeric": Numeric(digits=(7, 3)),
            "v_numeric_any": Numeric(),
            "v_real": Real(),
            "v_double": DoublePrecision(),
            "v_timestamp": Timestamp(),
            "v_timestamptz": Timestamptz(),
            "v_date": Date(),
            "v_time": Time(),
            "v_interval": Interval(),
            "v_uuid": UUID(),
            "v_json": JSON(),
            "v_jsonb": JSONB(),
            "v_bytea": Bytea(),
            "v_array": Array(base_column=Integer()),
            "v_text_array": Array(base_column=Varchar(length=5)),
        },
    )


def test_create_table_with_every_column_type(d: Dia) -> None:
    table = every_type_table(d, "DdlEveryType")
    pg_columns = [
        '"id" SERIAL PRIMARY KEY',
        "\"v_varchar\" VARCHAR(10) NOT NULL DEFAULT ''",
        "\"v_char\" CHAR(2) NOT NULL DEFAULT ''",
        "\"v_text\" TEXT NOT NULL DEFAULT ''",
        '"v_integer" INTEGER NOT NULL DEFAULT 0',
        '"v_bigint" BIGINT NOT NULL DEFAULT 0',
        '"v_smallint" SMALLINT NOT NULL DEFAULT 0',
        '"v_serial" SERIAL NOT NULL',
        '"v_bigserial" BIGSERIAL NOT NULL',
        '"v_boolean" BOOLEAN NOT NULL DEFAULT FALSE',
        '"v_numeric" NUMERIC(7, 3) NOT NULL DEFAULT 0',
        '"v_numeric_any" NUMERIC NOT NULL DEFAULT 0',
        '"v_real" REAL NOT NULL DEFAULT 0.0',
        '"v_double" DOUBLE PRECISION NOT NULL DEFAULT 0.0',
        '"v_timestamp" TIMESTAMP NOT NULL DEFAULT current_timestamp',
        '"v_timestamptz" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp',
        '"v_date" DATE NOT NULL DEFAULT current_date',
        '"v_time" TIME NOT NULL DEFAULT current_time',
        "\"v_interval\" INTERVAL NOT NULL DEFAULT '0:00:00'",  # IntervalCustom(): fixed
        '"v_uuid" UUID NOT NULL DEFAULT gen_random_uuid()',
        "\"v_json\" JSON NOT NULL DEFAULT '{}'",
        "\"v_jsonb\" JSONB NOT NULL DEFAULT '{}'",
        "\"v_bytea\" BYTEA NOT NULL DEFAULT '\\x'::bytea",
        "\"v_array\" INTEGER[] NOT NULL DEFAULT '{}'",
        "\"v_text_array\" VARCHAR(5)[] NOT NULL DEFAULT '{}'",
    ]
    sqlite_columns = [
        '"id" INTEGER PRIMARY KEY',
        "\"v_varchar\" VARCHAR(10) NOT NULL DEFAULT ''",
        "\"v_char\" CHAR(2) NOT NULL DEFAULT ''",
        "\"v_text\" TEXT NOT NULL DEFAULT ''",
        '"v_integer" INTEGER NOT NULL DEFAULT 0',
        '"v_bigint" BIGINT NOT NULL DEFAULT 0',
        '"v_smallint" SMALLINT NOT NULL DEFAULT 0',
        '"v_serial" INTEGER NOT NULL',
        '"v_bigserial" INTEGER NOT NULL',
        '"v_boolean" BOOLEAN NOT NULL DEFAULT 0',
        "\"v_numeric\" NUMERIC_TEXT(7, 3) NOT NULL DEFAULT '0.000'",
        "\"v_numeric_any\" NUMERIC_TEXT NOT NULL DEFAULT '0'",
        '"v_real" REAL NOT NULL DEFAULT 0.0',
        '"v_double" DOUBLE PRECISION NOT NULL DEFAULT 0.0',
        '"v_timestamp" TIMESTAMP NOT NULL',
        '"v_timestamptz" TIMESTAMPTZ NOT NULL',
        '"v_date" DATE NOT NULL',
        '"v_time" TIME NOT NULL',
        '"v_interval" INTERVAL NOT NULL DEFAULT 0',  # microseconds
        '"v_uuid" UUID NOT NULL',
        "\"v_json\" JSON_TEXT NOT NULL DEFAULT '{}'",
        "\"v_jsonb\" JSONB_TEXT NOT NULL DEFAULT '{}'",
        "\"v_bytea\" BLOB NOT NULL DEFAULT X''",
        "\"v_array\" ARRAY_TEXT OF INTEGER NOT NULL DEFAULT '[]'",
        "\"v_text_array\" ARRAY_TEXT OF VARCHAR(5) NOT NULL DEFAULT '[]'",
    ]
    columns = d.pick(pg_columns, sqlite_columns)
    expected = f'CREATE TABLE "every_type" ({", ".join(columns)})'
    assert table.create_table().statements() == [expected]
    assert str(table.create_table()) == expected
    assert table.create_table(if_not_exists=True).statements() == [
        expected.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
    ]


def test_create_table_column_options(d: Dia) -> None:
    table = create_table_class(
        f"DdlOptions{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "options"},
        class_members={
            "nick": Varchar(length=30, null=True, unique=True, index=True),
            "score": Integer(default=5, null=True),
            "motto": Text(default="it's"),
            "amount": Numeric(digits=(7, 3), default=decimal.Decimal("1.5")),
            "active": Boolean(default=True),
            "labels": Array(base_column=Varchar(length=5), default=[]),
            "blob": Bytea(default=b"\x01\xff"),
            "ratio": Real(default=0.5, unique=True),
        },
    )
    pg = [
        '"id" SERIAL PRIMARY KEY',
        "\"nick\" VARCHAR(30) UNIQUE DEFAULT ''",  # a nullable column keeps its default (Piccolo)
        '"score" INTEGER DEFAULT 5',
        "\"motto\" TEXT NOT NULL DEFAULT 'it''s'",
        '"amount" NUMERIC(7, 3) NOT NULL DEFAULT 1.5',
        '"active" BOOLEAN NOT NULL DEFAULT TRUE',
        "\"labels\" VARCHAR(5)[] NOT NULL DEFAULT '{}'",
        "\"blob\" BYTEA NOT NULL DEFAULT '\\x01ff'::bytea",
        '"ratio" REAL NOT NULL UNIQUE DEFAULT 0.5',
    ]
    sqlite = [
        '"id" INTEGER PRIMARY KEY',
        "\"nick\" VARCHAR(30) UNIQUE DEFAULT ''",  # a nullable column keeps its default (Piccolo)
        '"score" INTEGER DEFAULT 5',
        "\"motto\" TEXT NOT NULL DEFAULT 'it''s'",
        "\"amount\" NUMERIC_TEXT(7, 3) NOT NULL DEFAULT '1.500'",
        '"active" BOOLEAN NOT NULL DEFAULT 1',
        "\"labels\" ARRAY_TEXT OF VARCHAR(5) NOT NULL DEFAULT '[]'",
        "\"blob\" BLOB NOT NULL DEFAULT X'01ff'",
        '"ratio" REAL NOT NULL UNIQUE DEFAULT 0.5',
    ]
    index = d.pick(
        'CREATE INDEX "options_nick" ON "options" USING btree ("nick")',
        'CREATE INDEX "options_nick" ON "options" ("nick")',
    )
    assert table.create_table().statements() == [
        f'CREATE TABLE "options" ({", ".join(d.pick(pg, sqlite))})',
        index,
    ]
    assert str(table.create_table(if_not_exists=True)).endswith(
        ";\n" + index.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS")
    )


def test_create_table_custom_primary_keys(d: Dia) -> None:
    by_code = create_table_class(
        f"DdlCodePk{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "by_code"},
        class_members={"code": Varchar(length=8, primary_key=True)},
    )
    assert by_code.create_table().statements() == [
        'CREATE TABLE "by_code" ("code" VARCHAR(8) PRIMARY KEY)'
    ]
    big = create_table_class(
        f"DdlBigPk{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "big"},
        class_members={"id": BigSerial(primary_key=True)},
    )
    assert big.create_table().statements() == [
        d.pick(
            'CREATE TABLE "big" ("id" BIGSERIAL PRIMARY KEY)',
            'CREATE TABLE "big" ("id" INTEGER PRIMARY KEY)',
        )
    ]
    by_uuid = create_table_class(
        f"DdlUuidPk{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "by_uuid"},
        class_members={"id": UUID(primary_key=True)},
    )
    assert by_uuid.create_table().statements() == [
        d.pick(  # PostgreSQL makes the key itself too (raw SQL inserts), as in Piccolo
            'CREATE TABLE "by_uuid" ("id" UUID PRIMARY KEY DEFAULT gen_random_uuid())',
            'CREATE TABLE "by_uuid" ("id" UUID PRIMARY KEY)',
        )
    ]
    # a foreign key to them takes the key's type (serial keys become plain integers)
    refs = create_table_class(
        f"DdlRefs{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "refs"},
        class_members={
            "to_big": ForeignKey(big),
            "to_code": ForeignKey(by_code, on_delete=OnDelete.restrict),
            "to_uuid": ForeignKey(by_uuid, on_update=OnUpdate.no_action),
        },
    )
    columns = [
        d.pick('"id" SERIAL PRIMARY KEY', '"id" INTEGER PRIMARY KEY'),
        '"to_big" BIGINT REFERENCES "big" ("id") ON DELETE CASCADE ON UPDATE CASCADE',
        '"to_code" VARCHAR(8) REFERENCES "by_code" ("code") ON DELETE RESTRICT ON UPDATE CASCADE',
        '"to_uuid" UUID REFERENCES "by_uuid" ("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    ]
    assert refs.create_table().statements() == [f'CREATE TABLE "refs" ({", ".join(columns)})']


def test_create_table_foreign_keys(d: Dia) -> None:
    manager = d.t.manager
    table = create_table_class(
        f"DdlFk{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "fk"},
        class_members={
            "boss": ForeignKey(manager, on_delete=OnDelete.set_null, on_update=OnUpdate.restrict),
            "boss_name": ForeignKey(
                manager, target_column="name", null=False, on_delete=OnDelete.set_default
            ),
            "parent": ForeignKey("self", db_column_name="parent_id"),
        },
    )
    columns = [
        d.pick('"id" SERIAL PRIMARY KEY', '"id" INTEGER PRIMARY KEY'),
        '"boss" INTEGER REFERENCES "manager" ("id") ON DELETE SET NULL ON UPDATE RESTRICT',
        '"boss_name" VARCHAR(50) NOT NULL REFERENCES "manager" ("name") '
        "ON DELETE SET DEFAULT ON UPDATE CASCADE",
        '"parent_id" INTEGER REFERENCES "fk" ("id") ON DELETE CASCADE ON UPDATE CASCADE',
    ]
    assert table.create_table().statements() == [f'CREATE TABLE "fk" ({", ".join(columns)})']


def test_create_table_unique_and_check_constraints(d: Dia) -> None:
    name = Varchar(length=20)
    popularity = Integer()
    table = create_table_class(
        f"DdlConstraints{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "constrained"},
        class_members={
            "name": name,
            "popularity": popularity,
            "name_popularity": Unique([name, popularity]),
            "positive": Check(popularity >= 0),
            "small": Check("popularity < 100", name="small_enough"),
            "named": Check((popularity != 13) & (name != "it's")),
        },
    )
    columns = [
        d.pick('"id" SERIAL PRIMARY KEY', '"id" INTEGER PRIMARY KEY'),
        "\"name\" VARCHAR(20) NOT NULL DEFAULT ''",
        '"popularity" INTEGER NOT NULL DEFAULT 0',
        # in name order: a table spec holds its constraints as a set, sorted by name
        'CONSTRAINT "constrained_name_popularity" UNIQUE ("name", "popularity")',
        'CONSTRAINT "constrained_named" CHECK (("popularity" <> 13 AND "name" <> \'it\'\'s\'))',
        'CONSTRAINT "constrained_positive" CHECK ("popularity" >= 0)',
        'CONSTRAINT "small_enough" CHECK (popularity < 100)',
    ]
    assert table.create_table().statements() == [
        f'CREATE TABLE "constrained" ({", ".join(columns)})'
    ]


def test_unique_nulls_not_distinct(d: Dia) -> None:
    code = Varchar(length=5, null=True)
    table = create_table_class(
        f"DdlNullsNotDistinct{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "nnd"},
        class_members={"code": code, "one_code": Unique([code], nulls_distinct=False)},
    )
    if d.pg:
        assert table.create_table().statements() == [
            'CREATE TABLE "nnd" ("id" SERIAL PRIMARY KEY, "code" VARCHAR(5) DEFAULT \'\', '
            'CONSTRAINT "nnd_one_code" UNIQUE NULLS NOT DISTINCT ("code"))'
        ]
    else:
        with pytest.raises(QueryError, match="nulls_distinct"):
            table.create_table().statements()


def test_create_table_in_a_schema(d: Dia) -> None:
    # "schema.table" names both (with Piccolo's warning to use the schema argument)
    with pytest.warns(UserWarning, match="please use the `schema` argument"):
        table = create_table_class(
            f"DdlSchema{d.name.title()}",
            class_kwargs={"db": d.engine, "tablename": "music.records"},
            class_members={"title": Varchar(length=10)},
        )
    if d.pg:
        assert table.create_table().statements() == [
            'CREATE SCHEMA IF NOT EXISTS "music"',
            'CREATE TABLE "music"."records" ("id" SERIAL PRIMARY KEY, '
            "\"title\" VARCHAR(10) NOT NULL DEFAULT '')",
        ]
        assert d.compile(table.select(table.title)) == (
            'SELECT "music"."records"."title" FROM "music"."records"',
            [],
        )
    else:
        # SQLite has no schemas: the table name alone is used
        assert table.create_table().statements() == [
            'CREATE TABLE "records" ("id" INTEGER PRIMARY KEY, '
            "\"title\" VARCHAR(10) NOT NULL DEFAULT '')"
        ]


def test_create_and_drop_index(d: Dia) -> None:
    band = d.t.band
    using = d.pick(" USING btree", "")
    assert band.create_index([band.name, band.popularity]).statements() == [
        f'CREATE INDEX "band_name_popularity" ON "band"{using} ("name", "popularity")'
    ]
    assert band.create_index(["label"], if_not_exists=True).statements() == [
        f'CREATE INDEX IF NOT EXISTS "band_label_col" ON "band"{using} ("label_col")'
    ]
    assert band.drop_index([band.name, band.popularity]).statements() == [
        'DROP INDEX IF EXISTS "band_name_popularity"'
    ]
    assert band.drop_index([band.name], if_exists=False).statements() == ['DROP INDEX "band_name"']


def test_index_methods(d: Dia) -> None:
    band = d.t.band
    query = band.create_index([band.name], method=IndexMethod.hash)
    if d.pg:
        assert query.statements() == ['CREATE INDEX "band_name" ON "band" USING hash ("name")']
    else:
        with pytest.raises(QueryError, match="hash"):
            query.statements()


# ALTER -------------------------------------------------------------------------------------------
def test_alter_add_drop_rename(d: Dia) -> None:
    band = d.t.band
    alter = band.alter()
    assert alter.add_column("genre", Varchar(length=20, null=True)).statements() == [
        'ALTER TABLE "band" ADD COLUMN "genre" VARCHAR(20) DEFAULT \'\''  # Piccolo's default
    ]
    assert alter.add_column("rank", Integer(default=3)).statements() == [
        'ALTER TABLE "band" ADD COLUMN "rank" INTEGER NOT NULL DEFAULT 3'
    ]
    assert alter.drop_column(band.popularity).statements() == [
        'ALTER TABLE "band" DROP COLUMN "popularity"'
    ]
    assert alter.drop_column("label_col").statements() == [
        'ALTER TABLE "band" DROP COLUMN "label_col"'
    ]
    assert alter.rename_column(band.label, "tag").statements() == [
        'ALTER TABLE "band" RENAME COLUMN "label_col" TO "tag"'
    ]
    renamed = alter.rename_table("group").statements()
    assert renamed[0] == 'ALTER TABLE "band" RENAME TO "group"'
    # PostgreSQL's name of the foreign key follows the table, as migrations expect
    assert len(renamed) == d.pick(2, 1)
    if d.pg:
        assert '"band_manager_fkey" TO "group_manager_fkey"' in renamed[1]
    # alter() builders are immutable: nothing was collected on `alter` itself
    assert alter.statements() == []


def test_alter_chains_run_in_order(d: Dia) -> None:
    band = d.t.band
    query = band.alter().add_column("extra", Integer(null=True)).rename_column("extra", "more")
    assert query.statements() == [
        'ALTER TABLE "band" ADD COLUMN "extra" INTEGER DEFAULT 0',
        'ALTER TABLE "band" RENAME COLUMN "extra" TO "more"',
    ]
    assert str(query) == ";\n".join(query.statements())


def test_alter_drop_table(d: Dia) -> None:
    band = d.t.band
    assert band.alter().drop_table().statements() == ['DROP TABLE "band"']
    assert band.alter().drop_table(cascade=True, if_exists=True).statements() == [
        d.pick('DROP TABLE IF EXISTS "band" CASCADE', 'DROP TABLE IF EXISTS "band"')
    ]


def rebuilt_table(statements: list[str]) -> str:
    """The ``CREATE TABLE`` of the one SQLite table rebuild ``statements`` make, checked to
    end with its foreign key check."""
    creates = [s for s in statements if s.startswith('CREATE TABLE "_vivace_new_')]
    assert len(creates) == 1
    assert "pragma_foreign_key_check" in statements[-2]
    return creates[0]


def test_alter_set_null(d: Dia) -> None:
    band = d.t.band
    allow = band.alter().set_null(band.popularity, True)
    forbid = band.alter().set_null("popularity", False)
    if d.pg:
        assert allow.statements() == ['ALTER TABLE "band" ALTER COLUMN "popularity" DROP NOT NULL']
        assert forbid.statements() == ['ALTER TABLE "band" ALTER COLUMN "popularity" SET NOT NULL']
    else:
        # SQLite: a table rebuild (the class's spec here; the live table's when run)
        assert '"popularity" INTEGER DEFAULT 0' in rebuilt_table(allow.statements())
        assert forbid.statements() == []  # the class says NOT NULL already: nothing to do
        assert str(allow) == ";\n".join(allow.statements())


def test_alter_set_default(d: Dia) -> None:
    band = d.t.band
    query = band.alter().set_default(band.popularity, 10)
    text = band.alter().set_default(band.name, "it's")
    drop = band.alter().set_default(band.popularity, None)
    if d.pg:
        assert query.statements() == ['ALTER TABLE "band" ALTER COLUMN "popularity" SET DEFAULT 10']
        assert text.statements() == [
            "ALTER TABLE \"band\" ALTER COLUMN \"name\" SET DEFAULT 'it''s'"
        ]
        assert drop.statements() == ['ALTER TABLE "band" ALTER COLUMN "popularity" DROP DEFAULT']
        assert band.alter().drop_default(band.name).statements() == [
            'ALTER TABLE "band" ALTER COLUMN "name" DROP DEFAULT'
        ]
    else:
        assert '"popularity" INTEGER NOT NULL DEFAULT 10' in rebuilt_table(query.statements())
        assert "\"name\" VARCHAR(100) NOT NULL DEFAULT 'it''s'" in rebuilt_table(text.statements())
        assert '"popularity" INTEGER NOT NULL,' in rebuilt_table(drop.statements())
        dropped = rebuilt_table(band.alter().drop_default(band.name).statements())
        assert '"name" VARCHAR(100) NOT NULL,' in dropped
    # rendering the statement leaves the Table's column as it was
    assert band.popularity._meta.default == 0
    assert band.popularity.get_default_value() == 0


def test_alter_set_unique(d: Dia) -> None:
    band = d.t.band
    add = band.alter().set_unique(band.name).statements()
    remove = band.alter().set_unique("name", False).statements()
    if d.pg:
        assert add == ['ALTER TABLE "band" ADD CONSTRAINT "band_name_key" UNIQUE ("name")']
        assert remove == ['ALTER TABLE "band" DROP CONSTRAINT "band_name_key"']
    else:
        assert '"name" VARCHAR(100) NOT NULL UNIQUE' in rebuilt_table(add)
        assert remove == []  # not unique in the class: nothing to do


def test_alter_set_length(d: Dia) -> None:
    band = d.t.band
    statements = band.alter().set_length(band.name, 300).statements()
    if d.pg:
        assert statements == ['ALTER TABLE "band" ALTER COLUMN "name" TYPE VARCHAR(300)']
    else:  # SQLite never enforces the length, but keeps the declared type: rebuilt
        assert "\"name\" VARCHAR(300) NOT NULL DEFAULT ''" in rebuilt_table(statements)


def test_alter_set_column_type(d: Dia) -> None:
    band = d.t.band
    plain = band.alter().set_column_type(band.popularity, BigInt())
    using = band.alter().set_column_type(band.name, Integer(), using_expression='"name"::integer')
    if d.pg:
        assert plain.statements() == ['ALTER TABLE "band" ALTER COLUMN "popularity" TYPE BIGINT']
        assert using.statements() == [
            'ALTER TABLE "band" ALTER COLUMN "name" TYPE INTEGER USING "name"::integer'
        ]
    else:
        assert '"popularity" BIGINT NOT NULL DEFAULT 0' in rebuilt_table(plain.statements())
        # the default '' is no integer: refused, as PostgreSQL refuses to convert it
        with pytest.raises(QueryError, match="drop_default"):
            using.statements()
        copy = '"id", CAST("name" AS INTEGER), "manager"'
        cast = band.alter().drop_default(band.name)
        cast = cast.set_column_type(band.name, Integer(), 'CAST("name" AS INTEGER)')
        assert copy in [s for s in cast.statements() if s.startswith('INSERT INTO "_')][-1]


def test_alter_set_digits(d: Dia) -> None:
    ticket = d.t.ticket
    query = ticket.alter().set_digits(ticket.price, (8, 3))
    if d.pg:
        assert query.statements() == [
            'ALTER TABLE "ticket" ALTER COLUMN "price" TYPE NUMERIC(8, 3)'
        ]
        assert ticket.alter().set_digits("price", None).statements() == [
            'ALTER TABLE "ticket" ALTER COLUMN "price" TYPE NUMERIC'
        ]
    else:
        assert '"price" NUMERIC_TEXT(8, 3) NOT NULL' in rebuilt_table(query.statements())


# identifiers -------------------------------------------------------------------------------------
def test_names_with_quotes_are_quoted_safely(d: Dia) -> None:
    table = create_table_class(
        f"IdentQuoted{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": 'we"ird'},
        class_members={"nick": Varchar(length=5, db_column_name='ni"ck')},
    )
    query = table.select(table.nick).where(table.nick == "x")
    sql = 'SELECT "we""ird"."ni""ck" FROM "we""ird" WHERE "we""ird"."ni""ck" = $1'
    assert d.compile(query) == (d.ph(sql), ["x"])
    assert table.create_table().statements()[0].startswith('CREATE TABLE "we""ird" (')
    assert '"ni""ck" VARCHAR(5)' in table.create_table().statements()[0]
    assert d.compile(table.select(table.nick.as_alias('a"b')))[0] == (
        'SELECT "we""ird"."ni""ck" AS "a""b" FROM "we""ird"'
    )


def test_long_or_nul_names_are_refused_before_any_sql(d: Dia) -> None:
    with pytest.raises(UnsafeIdentifierError, match="63 bytes"):
        create_table_class("IdentLongTable", class_kwargs={"db": d.engine, "tablename": "t" * 64})
    with pytest.raises(UnsafeIdentifierError, match="NUL"):
        create_table_class("IdentNulTable", class_kwargs={"db": d.engine, "tablename": "a\x00b"})
    with pytest.raises(UnsafeIdentifierError, match="63 bytes"):
        Varchar(db_column_name="c" * 64)
    with pytest.raises(UnsafeIdentifierError, match="NUL"):
        Varchar(db_column_name="c\x00")
    with pytest.raises(UnsafeIdentifierError, match="63 bytes"):
        create_table_class(
            "IdentLongColumn",
            class_kwargs={"db": d.engine, "tablename": "ok"},
            class_members={"c" * 64: Integer()},
        )
    # bytes are counted, not characters: 32 two-byte characters are 64 bytes
    with pytest.raises(UnsafeIdentifierError):
        create_table_class("IdentWide", class_kwargs={"db": d.engine, "tablename": "é" * 32})
    ok = create_table_class(
        f"IdentMaxLength{d.name.title()}",
        class_kwargs={"db": d.engine, "tablename": "é" * 31 + "x"},
    )
    assert ok._meta.tablename == "é" * 31 + "x"


def test_unsafe_alias_and_alter_names_are_refused(d: Dia) -> None:
    band = d.t.band
    with pytest.raises(UnsafeIdentifierError):
        d.compile(band.select(band.name.as_alias("a" * 64)))
    with pytest.raises(UnsafeIdentifierError):
        d.compile(band.select(band.name.as_alias("a\x00")))
    with pytest.raises(UnsafeIdentifierError):
        band.alter().rename_column(band.name, "n" * 64).statements()
    with pytest.raises(UnsafeIdentifierError):
        band.alter().rename_table("x\x00").statements()
    with pytest.raises(UnsafeIdentifierError):
        band.alter().add_column("z" * 64, Integer())


def test_foreign_key_to_a_table_defined_later(d: Dia) -> None:
    suffix = d.name.title()
    early = create_table_class(
        f"FkEarly{suffix}",
        class_kwargs={"db": d.engine, "tablename": "early"},
        class_members={"later": ForeignKey(f"FkLater{suffix}")},
    )
    # Kept in a name: the registry holds tables weakly, and a collection between here and
    # the lookup below would forget an unreferenced class (a flaky failure otherwise).
    later = create_table_class(
        f"FkLater{suffix}",
        class_kwargs={"db": d.engine, "tablename": "later"},
        class_members={"title": Varchar(length=10)},
    )
    assert later._meta.tablename == "later"
    assert early.create_table().statements() == [
        'CREATE TABLE "early" ('
        + d.pick('"id" SERIAL PRIMARY KEY', '"id" INTEGER PRIMARY KEY')
        + ', "later" INTEGER REFERENCES "later" ("id") ON DELETE CASCADE ON UPDATE CASCADE)'
    ]
    query = early.select(early.later.title)
    assert d.compile(query) == (
        'SELECT "later"."title" AS "later.title" FROM "early" '
        'LEFT JOIN "later" AS "later" ON "early"."later" = "later"."id"',
        [],
    )
