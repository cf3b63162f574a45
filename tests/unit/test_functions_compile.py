"""Exact SQL of functions, window functions, EXISTS, CTEs, frozen queries and batches'
statements, on both dialects. No database is touched: engines are made without connecting.

Where the two dialects write the same text except for placeholders, ``ph()`` derives the
SQLite text from the PostgreSQL one; otherwise both are written out.
"""

from __future__ import annotations

import decimal
import gc
import re
from collections.abc import Iterator
from typing import Any

import pytest

from vivace import Table, create_table_class
from vivace.columns import (
    Array,
    BigInt,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.dialects.postgres_functions import to_char_format
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.exceptions import QueryError
from vivace.functions import (
    Abs,
    ArrayAppend,
    ArrayCat,
    ArrayPrepend,
    ArrayRemove,
    ArrayReplace,
    AtTimeZone,
    Avg,
    Cast,
    Ceil,
    Coalesce,
    Concat,
    Count,
    Day,
    DenseRank,
    Extract,
    Floor,
    Hour,
    Lag,
    Lead,
    Length,
    Lower,
    Ltrim,
    Max,
    Min,
    Minute,
    Month,
    NullIf,
    Rank,
    Replace,
    Reverse,
    Round,
    RowNumber,
    Rtrim,
    Second,
    Strftime,
    Sum,
    Upper,
    Year,
)
from vivace.query import CTE, Exists, OrderByRaw, Placeholder
from vivace.sql import Node

PG = PostgresEngine(config={})
SL = SQLiteEngine(path=":memory:")


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage_after_module() -> Iterator[None]:
    """Table classes made here die in reference cycles; collect them before other modules."""
    yield
    gc.collect()


def make(name: str, tablename: str, members: dict[str, Any]) -> Any:
    table: type[Table] = create_table_class(
        f"Fc{name}", class_kwargs={"db": PG, "tablename": tablename}, class_members=members
    )
    return table


Manager = make("Manager", "manager", {"name": Varchar(length=50)})
Band = make(
    "Band",
    "band",
    {
        "name": Varchar(length=100),
        "manager": ForeignKey(Manager),
        "popularity": Integer(),
        "fans": BigInt(),
        "price": Numeric(digits=(5, 2)),
        "rating": DoublePrecision(),
        "score": Real(),
        "starts": Timestamptz(null=True),
        "local": Timestamp(null=True),
        "day": Date(null=True),
        "at": Time(null=True),
        "length": Interval(null=True),
        "tags": Array(base_column=Varchar()),
        "boss": Integer(null=True),
    },
)
Concert = make("Concert", "concert", {"band": ForeignKey(Band), "city": Varchar(length=50)})

ENGINES = {"postgres": PG, "sqlite": SL}


@pytest.fixture(params=["postgres", "sqlite"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return ENGINES[request.param]


def compile_on(engine: Engine, query: Any) -> tuple[str, list[Any]]:
    statement = query if isinstance(query, Node) else query._statement()
    compiled, values = engine.compile(statement)
    return compiled.sql, list(compiled.bind(values))


def sql(engine: Engine, query: Any) -> str:
    return compile_on(engine, query)[0]


def names(engine: Engine, query: Any) -> tuple[str, ...]:
    return engine.compile(query._statement())[0].result_names


def ph(engine: Engine, pg_sql: str) -> str:
    return pg_sql if engine is PG else re.sub(r"\$\d+", "?", pg_sql)


def select_sql(columns: str, rest: str = "") -> str:
    return f'SELECT {columns} FROM "band"' + (f" {rest}" if rest else "")


# text --------------------------------------------------------------------------------------------
def test_text_functions_render_and_take_piccolo_keys(engine: Engine) -> None:
    query = Band.select(
        Upper(Band.name), Lower(Band.name), Length(Band.name), Ltrim(Band.name), Rtrim(Band.name)
    )
    assert sql(engine, query) == select_sql(
        'UPPER("band"."name") AS "upper", LOWER("band"."name") AS "lower", '
        'LENGTH("band"."name") AS "length", LTRIM("band"."name") AS "ltrim", '
        'RTRIM("band"."name") AS "rtrim"'
    )
    assert names(engine, query) == ("upper", "lower", "length", "ltrim", "rtrim")


def test_every_function_takes_alias(engine: Engine) -> None:
    query = Band.select(
        Upper(Band.name, alias="shout"),
        Count(alias="n"),
        Year(Band.starts, alias="y"),
        Cast(Band.popularity, Varchar(), alias="text"),
        Coalesce(Band.name, "x", alias="c"),
        Rank(alias="r").over(order_by=Band.id),
    )
    assert names(engine, query) == ("shout", "n", "y", "text", "c", "r")
    assert names(engine, Band.select(Upper(Band.name).as_alias("other"))) == ("other",)


def test_replace_binds_its_values(engine: Engine) -> None:
    query = Band.select(Replace(Band.name, "a", "b"))
    assert compile_on(engine, query) == (
        ph(engine, select_sql('REPLACE("band"."name", $1, $2) AS "replace"')),
        ["a", "b"],
    )


def test_reverse(engine: Engine) -> None:
    if engine is PG:
        expected = 'REVERSE("band"."name")'
    else:
        expected = (
            '(WITH RECURSIVE vivace_s(vivace_v) AS (SELECT "band"."name"), '
            "vivace_r(vivace_i, vivace_o) AS (SELECT LENGTH(vivace_v), '' FROM vivace_s "
            "UNION ALL SELECT vivace_i - 1, vivace_o || SUBSTR(vivace_v, vivace_i, 1) "
            "FROM vivace_r, vivace_s WHERE vivace_i > 0) "
            "SELECT vivace_o FROM vivace_r WHERE vivace_i = 0)"
        )
    assert sql(engine, Band.select(Reverse(Band.name))) == select_sql(f'{expected} AS "reverse"')


def test_concat(engine: Engine) -> None:
    query = Band.select(Concat(Band.name, "-", Band.popularity))
    if engine is PG:
        expected = 'CONCAT("band"."name", CAST($1 AS TEXT), "band"."popularity")'
    else:
        expected = (
            "(COALESCE(CAST(\"band\".\"name\" AS TEXT), '') || COALESCE(CAST(? AS TEXT), '') "
            '|| COALESCE(CAST("band"."popularity" AS TEXT), \'\'))'
        )
    assert compile_on(engine, query) == (select_sql(f'{expected} AS "concat"'), ["-"])
    with pytest.raises(QueryError, match="at least two"):
        Concat(Band.name)


# math --------------------------------------------------------------------------------------------
def test_abs_and_rounding_of_whole_numbers_is_the_number_itself(engine: Engine) -> None:
    query = Band.select(Abs(Band.popularity), Ceil(Band.popularity), Round(Band.fans))
    assert sql(engine, query) == select_sql(
        'ABS("band"."popularity") AS "abs", "band"."popularity" AS "ceil", "band"."fans" AS "round"'
    )


def test_ceil_floor_round_of_decimals_and_floats(engine: Engine) -> None:
    query = Band.select(Ceil(Band.price), Floor(Band.rating), Round(Band.price), Round(Band.rating))
    if engine is PG:
        expected = (
            'CEIL("band"."price") AS "ceil", FLOOR("band"."rating") AS "floor", '
            'ROUND("band"."price") AS "round", '
            'CAST(ROUND(CAST("band"."rating" AS NUMERIC)) AS DOUBLE PRECISION) AS "round"'
        )
    else:
        expected = (
            "(SELECT CAST(vivace_v AS INTEGER) + (vivace_v > CAST(vivace_v AS INTEGER)) "
            'FROM (SELECT CAST("band"."price" AS REAL) AS vivace_v)) AS "ceil", '
            "CAST((SELECT CAST(vivace_v AS INTEGER) - (vivace_v < CAST(vivace_v AS INTEGER)) "
            'FROM (SELECT CAST("band"."rating" AS REAL) AS vivace_v)) AS REAL) AS "floor", '
            'CAST(ROUND("band"."price") AS INTEGER) AS "round", '
            'ROUND("band"."rating") AS "round"'
        )
    assert sql(engine, query) == select_sql(expected)


# aggregates -------------------------------------------------------------------------------------
def test_count_forms(engine: Engine) -> None:
    query = Band.select(
        Count(),
        Count(Band.manager, alias="managed"),
        Count(distinct=[Band.manager], alias="managers"),
        Count(distinct=[Band.name, Band.manager], alias="pairs"),
    )
    pairs = (
        '("band"."name", "band"."manager")'
        if engine is PG
        else 'JSON_ARRAY("band"."name", "band"."manager")'
    )
    assert sql(engine, query) == select_sql(
        'COUNT(*) AS "count", COUNT("band"."manager") AS "managed", '
        'COUNT(DISTINCT "band"."manager") AS "managers", '
        f'COUNT(DISTINCT {pairs}) AS "pairs"'
    )
    with pytest.raises(QueryError, match="not both"):
        Count(Band.name, distinct=[Band.name])


def test_aggregates_of_whole_numbers(engine: Engine) -> None:
    query = Band.select(Avg(Band.popularity), Sum(Band.popularity), Min(Band.name), Max(Band.id))
    assert sql(engine, query) == select_sql(
        'AVG("band"."popularity") AS "avg", SUM("band"."popularity") AS "sum", '
        'MIN("band"."name") AS "min", MAX("band"."id") AS "max"'
    )


def test_sum_of_a_bigint_stays_an_int_on_postgres(engine: Engine) -> None:
    expected = 'SUM("band"."fans")'
    if engine is PG:
        expected = f"CAST({expected} AS BIGINT)"
    assert sql(engine, Band.select(Sum(Band.fans))) == select_sql(f'{expected} AS "sum"')


def test_aggregates_of_decimals_compare_numbers_on_sqlite(engine: Engine) -> None:
    query = Band.select(Sum(Band.price), Min(Band.price), Max(Band.price), Avg(Band.price))
    if engine is PG:
        expected = (
            'SUM("band"."price") AS "sum", MIN("band"."price") AS "min", '
            'MAX("band"."price") AS "max", AVG("band"."price") AS "avg"'
        )
    else:
        expected = (
            'ROUND(SUM(CAST("band"."price" AS REAL)), 2) AS "sum", '
            'ROUND(MIN(CAST("band"."price" AS REAL)), 2) AS "min", '
            'ROUND(MAX(CAST("band"."price" AS REAL)), 2) AS "max", '
            'AVG(CAST("band"."price" AS REAL)) AS "avg"'
        )
    assert sql(engine, query) == select_sql(expected)


def test_result_types_choose_the_converters(engine: Engine) -> None:
    query = Band.select(Count(), Sum(Band.price), Avg(Band.popularity), Min(Band.starts))
    compiled, _ = engine.compile(query._statement())
    has = [c is not None for c in compiled.result_converters]
    # SQLite reads decimals and times back from text; asyncpg gives them typed already.
    assert has == ([False, False, False, False] if engine is PG else [False, True, True, True])
    assert Count().value_type is not None and Count().value_type.name == "bigint"
    assert Sum(Band.price).value_type == Band.price.value_type
    assert Avg(Band.popularity).value_type.name == "numeric"  # type: ignore[union-attr]
    assert Avg(Band.rating).value_type.name == "double"  # type: ignore[union-attr]
    assert Length(Band.name).value_type.name == "integer"  # type: ignore[union-attr]


# datetime ----------------------------------------------------------------------------------------
def test_year_to_second(engine: Engine) -> None:
    query = Band.select(
        Year(Band.local), Month(Band.local), Day(Band.day), Hour(Band.at), Minute(Band.at)
    )
    if engine is PG:
        expected = (
            'CAST(EXTRACT(YEAR FROM "band"."local") AS INTEGER) AS "year", '
            'CAST(EXTRACT(MONTH FROM "band"."local") AS INTEGER) AS "month", '
            'CAST(EXTRACT(DAY FROM "band"."day") AS INTEGER) AS "day", '
            'CAST(EXTRACT(HOUR FROM "band"."at") AS INTEGER) AS "hour", '
            'CAST(EXTRACT(MINUTE FROM "band"."at") AS INTEGER) AS "minute"'
        )
    else:
        expected = (
            'CAST(STRFTIME(\'%Y\', "band"."local") AS INTEGER) AS "year", '
            'CAST(STRFTIME(\'%m\', "band"."local") AS INTEGER) AS "month", '
            'CAST(STRFTIME(\'%d\', "band"."day") AS INTEGER) AS "day", '
            'CAST(STRFTIME(\'%H\', "band"."at") AS INTEGER) AS "hour", '
            'CAST(STRFTIME(\'%M\', "band"."at") AS INTEGER) AS "minute"'
        )
    assert sql(engine, query) == select_sql(expected)


def test_timestamptz_parts_are_taken_in_utc(engine: Engine) -> None:
    query = Band.select(Second(Band.starts), Extract(Band.starts, "epoch"))
    if engine is PG:
        utc = '("band"."starts" AT TIME ZONE \'UTC\')'
        expected = (
            f'CAST(FLOOR(EXTRACT(SECOND FROM {utc})) AS INTEGER) AS "second", '
            f'CAST(FLOOR(EXTRACT(EPOCH FROM {utc})) AS BIGINT) AS "epoch"'
        )
    else:
        expected = (
            'CAST(STRFTIME(\'%S\', "band"."starts") AS INTEGER) AS "second", '
            'CAST(STRFTIME(\'%s\', "band"."starts") AS INTEGER) AS "epoch"'
        )
    assert sql(engine, query) == select_sql(expected)


def test_extract_parts_sqlite_computes(engine: Engine) -> None:
    query = Band.select(Extract(Band.local, "quarter"), Extract(Band.local, "isodow"))
    if engine is PG:
        expected = (
            'CAST(EXTRACT(QUARTER FROM "band"."local") AS INTEGER) AS "quarter", '
            'CAST(EXTRACT(ISODOW FROM "band"."local") AS INTEGER) AS "isodow"'
        )
    else:
        expected = (
            '((CAST(STRFTIME(\'%m\', "band"."local") AS INTEGER) + 2) / 3) AS "quarter", '
            '((CAST(STRFTIME(\'%w\', "band"."local") AS INTEGER) + 6) % 7 + 1) AS "isodow"'
        )
    assert sql(engine, query) == select_sql(expected)


def test_extract_refuses_unknown_parts_and_sqlite_refuses_what_it_lacks() -> None:
    with pytest.raises(QueryError, match="Extract"):
        Extract(Band.local, "fortnight")
    century = Band.select(Extract(Band.local, "century"))
    assert "CENTURY" in sql(PG, century)
    with pytest.raises(QueryError, match=r"'century'.*sqlite"):
        sql(SL, century)
    with pytest.raises(QueryError, match=r"Interval.*sqlite"):
        sql(SL, Band.select(Extract(Band.length, "epoch")))


def test_strftime(engine: Engine) -> None:
    query = Band.select(Strftime(Band.starts, "%Y-%m-%d %H:%M:%S"))
    if engine is PG:
        expected = (
            'TO_CHAR(("band"."starts" AT TIME ZONE \'UTC\'), \'YYYY"-"MM"-"DD" "HH24":"MI":"SS\')'
        )
    else:
        expected = 'STRFTIME(\'%Y-%m-%d %H:%M:%S\', "band"."starts")'
    assert sql(engine, query) == select_sql(f'{expected} AS "strftime"')


def test_to_char_translation() -> None:
    assert to_char_format("%Y") == "YYYY"
    assert to_char_format("%j %f%%") == 'DDD" "SS.MS"%"'
    assert to_char_format('at "%H"\\') == '"at \\""HH24"\\"\\\\"'
    with pytest.raises(QueryError, match="%W"):
        to_char_format("%W")
    with pytest.raises(QueryError, match="not supported on postgres"):
        sql(PG, Band.select(Strftime(Band.starts, "%s")))


def test_at_time_zone_is_postgres_only() -> None:
    query = Band.select(AtTimeZone(Band.starts, "Europe/Paris"))
    assert compile_on(PG, query) == (
        select_sql('("band"."starts" AT TIME ZONE $1) AS "starts"'),
        ["Europe/Paris"],
    )
    assert query._statement().columns[0].value_type.name == "timestamp"
    assert AtTimeZone(Band.local, "UTC").value_type.name == "timestamptz"  # type: ignore[union-attr]
    with pytest.raises(QueryError, match=r"AtTimeZone.*sqlite"):
        sql(SL, query)


# conditional and casts ---------------------------------------------------------------------------
def test_coalesce_keeps_the_column_key_and_nullif(engine: Engine) -> None:
    query = Band.select(
        Coalesce(Band.manager.name, "none"), Coalesce("a", Band.name), NullIf(Band.name, "")
    )
    assert compile_on(engine, query) == (
        ph(
            engine,
            'SELECT COALESCE("manager"."name", $1) AS "manager.name", '
            'COALESCE($2, "band"."name") AS "coalesce", NULLIF("band"."name", $3) AS "name" '
            'FROM "band" LEFT JOIN "manager" AS "manager" ON "band"."manager" = "manager"."id"',
        ),
        ["none", "a", ""],
    )
    with pytest.raises(QueryError):
        Coalesce(Band.name)


def test_cast(engine: Engine) -> None:
    query = Band.select(
        Cast(Band.popularity, Varchar(length=10)),
        Cast(Band.name, Integer(), alias="n"),
        Cast(Band.rating, Numeric(digits=(6, 2)), alias="d"),
        Cast(Band.local, Date(), alias="on"),
        Cast(1, BigInt(), alias="one"),
    )
    if engine is PG:
        expected = (
            'CAST("band"."popularity" AS VARCHAR(10)) AS "popularity", '
            'CAST("band"."name" AS INTEGER) AS "n", '
            'CAST("band"."rating" AS NUMERIC(6, 2)) AS "d", '
            'CAST("band"."local" AS DATE) AS "on", CAST($1 AS BIGINT) AS "one"'
        )
    else:
        expected = (
            'CAST("band"."popularity" AS TEXT) AS "popularity", '
            'CAST("band"."name" AS INTEGER) AS "n", '
            'CAST("band"."rating" AS TEXT) AS "d", '
            'DATE("band"."local") AS "on", CAST(? AS INTEGER) AS "one"'
        )
    assert compile_on(engine, query) == (select_sql(expected), [1])
    with pytest.raises(QueryError, match="column instance"):
        Cast(Band.name, int)


# arrays ------------------------------------------------------------------------------------------
def test_array_functions_on_postgres() -> None:
    query = Band.select(
        ArrayCat(Band.tags, ["a"]),
        ArrayAppend(Band.tags, "b"),
        ArrayPrepend(Band.tags, "c"),
        ArrayRemove(Band.tags, "d"),
        ArrayReplace(Band.tags, "e", "f"),
    )
    assert compile_on(PG, query) == (
        select_sql(
            'ARRAY_CAT("band"."tags", $1) AS "array_cat", '
            'ARRAY_APPEND("band"."tags", $2) AS "array_append", '
            'ARRAY_PREPEND($3, "band"."tags") AS "array_prepend", '
            'ARRAY_REMOVE("band"."tags", $4) AS "array_remove", '
            'ARRAY_REPLACE("band"."tags", $5, $6) AS "array_replace"'
        ),
        [["a"], "b", "c", "d", "e", "f"],
    )


@pytest.mark.parametrize(
    "function",
    [
        lambda: ArrayCat(Band.tags, ["a"]),
        lambda: ArrayAppend(Band.tags, "a"),
        lambda: ArrayPrepend(Band.tags, "a"),
        lambda: ArrayRemove(Band.tags, "a"),
        lambda: ArrayReplace(Band.tags, "a", "b"),
    ],
)
def test_array_functions_are_a_clear_error_on_sqlite(function: Any) -> None:
    # Piccolo's messages: "Only Postgres and Cockroach support array concatenation." ...
    with pytest.raises(QueryError, match=r"^Only Postgres and Cockroach support array "):
        sql(SL, Band.select(function()))


# functions in every clause -----------------------------------------------------------------------
def test_functions_in_where_order_by_group_by_having(engine: Engine) -> None:
    query = (
        Band.select(Upper(Band.name), Count())
        .where(Length(Band.name) > 3, Lower(Band.name).like("p%"))
        .group_by(Upper(Band.name))
        .having(Count() >= 2)
        .order_by(Count(), ascending=False)
    )
    assert compile_on(engine, query) == (
        ph(
            engine,
            'SELECT UPPER("band"."name") AS "upper", COUNT(*) AS "count" FROM "band" '
            'WHERE (LENGTH("band"."name") > $1 AND LOWER("band"."name") LIKE $2) '
            'GROUP BY UPPER("band"."name") HAVING COUNT(*) >= $3 ORDER BY COUNT(*) DESC',
        ),
        [3, "p%", 2],
    )


def test_functions_of_joined_columns_make_their_joins(engine: Engine) -> None:
    query = Band.select(Upper(Band.manager.name)).group_by(Upper(Band.manager.name))
    assert sql(engine, query) == (
        'SELECT UPPER("manager"."name") AS "upper" FROM "band" LEFT JOIN "manager" AS '
        '"manager" ON "band"."manager" = "manager"."id" GROUP BY UPPER("manager"."name")'
    )


def test_functions_in_update(engine: Engine) -> None:
    query = Band.update({Band.name: Upper(Band.name), Band.popularity: Abs(Band.popularity)}).where(
        Length(Band.name) < 5
    )
    assert compile_on(engine, query) == (
        ph(
            engine,
            'UPDATE "band" SET "name" = UPPER("name"), "popularity" = ABS("popularity") '
            'WHERE LENGTH("name") < $1',
        ),
        [5],
    )


def test_sqlite_compares_decimal_aggregates_as_numbers() -> None:
    query = Band.select(Band.manager).group_by(Band.manager).having(Sum(Band.price) > 10)
    assert sql(SL, query) == (
        'SELECT "band"."manager" FROM "band" GROUP BY "band"."manager" '
        'HAVING CAST(ROUND(SUM(CAST("band"."price" AS REAL)), 2) AS REAL) > CAST(? AS REAL)'
    )


# windows ----------------------------------------------------------------------------------------
def test_numbering_window_functions(engine: Engine) -> None:
    query = Band.select(
        RowNumber().over(order_by=[Band.id]),
        Rank().over(partition_by=Band.manager, order_by=Band.popularity, ascending=False),
        DenseRank().over(order_by=[Band.popularity, OrderByRaw("1")]),
    )
    assert sql(engine, query) == select_sql(
        'ROW_NUMBER() OVER (ORDER BY "band"."id" ASC) AS "row_number", '
        'RANK() OVER (PARTITION BY "band"."manager" ORDER BY "band"."popularity" DESC) '
        'AS "rank", DENSE_RANK() OVER (ORDER BY "band"."popularity" ASC, 1 ASC) AS "dense_rank"'
    )
    assert names(engine, query) == ("row_number", "rank", "dense_rank")


def test_lag_and_lead(engine: Engine) -> None:
    query = Band.select(
        Lag(Band.name).over(order_by=[Band.id]),
        Lead(Band.popularity, offset=2, default=0).over(order_by=[Band.id]),
    )
    assert compile_on(engine, query) == (
        ph(
            engine,
            select_sql(
                'LAG("band"."name", 1) OVER (ORDER BY "band"."id" ASC) AS "lag", '
                'LEAD("band"."popularity", 2, $1) OVER (ORDER BY "band"."id" ASC) AS "lead"'
            ),
        ),
        [0],
    )


def test_aggregate_over_a_window_with_a_frame(engine: Engine) -> None:
    query = Band.select(
        Sum(Band.popularity).over(partition_by=[Band.manager]),
        Avg(Band.popularity, alias="moving").over(order_by=[Band.id], rows=(-2, 0)),
        Count(alias="rest").over(order_by=[Band.id], rows=(1, None)),
    )
    assert sql(engine, query) == select_sql(
        'SUM("band"."popularity") OVER (PARTITION BY "band"."manager") AS "sum", '
        'AVG("band"."popularity") OVER (ORDER BY "band"."id" ASC ROWS BETWEEN 2 PRECEDING '
        'AND CURRENT ROW) AS "moving", COUNT(*) OVER (ORDER BY "band"."id" ASC ROWS BETWEEN '
        '1 FOLLOWING AND UNBOUNDED FOLLOWING) AS "rest"'
    )


def test_a_decimal_window_sum_is_rounded_outside_its_over_clause_on_sqlite() -> None:
    query = Band.select(Sum(Band.price).over(order_by=[Band.id], rows=(None, 0)))
    assert sql(SL, query) == select_sql(
        'ROUND(SUM(CAST("band"."price" AS REAL)) OVER (ORDER BY "band"."id" ASC ROWS BETWEEN '
        'UNBOUNDED PRECEDING AND CURRENT ROW), 2) AS "sum"'
    )


def test_window_parameters_follow_text_order(engine: Engine) -> None:
    # the call's arguments are written before its OVER clause; the shape key agrees
    query = Band.select(
        Lag(Band.name, 1, "none").over(partition_by=[Band.popularity + 1], order_by=[Band.id * 2])
    )
    text, values = compile_on(engine, query)
    assert values == ["none", 1, 2]
    assert text == ph(
        engine,
        select_sql(
            'LAG("band"."name", 1, $1) OVER (PARTITION BY ("band"."popularity" + $2) '
            'ORDER BY ("band"."id" * $3) ASC) AS "lag"'
        ),
    )


def test_window_function_misuse_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(QueryError, match=r"rank\(\) is a window function"):
        sql(engine, Band.select(Rank()))
    with pytest.raises(QueryError, match="rows"):
        Rank().over(rows=(0, -1))
    with pytest.raises(QueryError, match="rows"):
        Rank().over(rows=(0,))  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="partition_by"):
        Rank().over(partition_by=["name"])
    with pytest.raises(QueryError, match="offset"):
        Lag(Band.name, offset=-1)


# EXISTS and subqueries ---------------------------------------------------------------------------
def test_correlated_exists(engine: Engine) -> None:
    concerts = Concert.select(Concert.id).where(Concert.band == Band.id, Concert.city == "Oslo")
    query = Band.select(Band.name).where(Exists(concerts))
    expected = (
        'SELECT "band"."name" FROM "band" WHERE EXISTS (SELECT "concert"."id" FROM "concert" '
        'WHERE ("concert"."band" = "band"."id" AND "concert"."city" = $1))'
    )
    assert compile_on(engine, query) == (ph(engine, expected), ["Oslo"])
    negated = Band.select(Band.name).where(~Exists(concerts), Band.popularity > 1)
    assert compile_on(engine, negated)[1] == ["Oslo", 1]
    assert "WHERE (NOT (EXISTS (SELECT" in sql(engine, negated)
    with pytest.raises(QueryError, match="select query"):
        Exists(Band.name)


def test_exists_in_delete_refers_to_the_deleted_table(engine: Engine) -> None:
    query = Band.delete().where(Exists(Concert.select(Concert.id).where(Concert.band == Band.id)))
    assert sql(engine, query) == (
        'DELETE FROM "band" WHERE EXISTS (SELECT "concert"."id" FROM "concert" '
        'WHERE "concert"."band" = "band"."id")'
    )


# common table expressions ------------------------------------------------------------------------
def test_cte_as_the_source_of_a_select(engine: Engine) -> None:
    top = CTE("top", Band.select(Band.id, Band.name, Band.manager.name).where(Band.popularity > 10))
    query = top.select(top.name, top["manager.name"]).where(top.id > 2).order_by(top.name).limit(5)
    expected = (
        'WITH "top"("id", "name", "manager.name") AS (SELECT "band"."id", "band"."name", '
        '"manager"."name" AS "manager.name" FROM "band" LEFT JOIN "manager" AS "manager" ON '
        '"band"."manager" = "manager"."id" WHERE "band"."popularity" > $1) '
        'SELECT "top"."name" AS "name", "top"."manager.name" AS "manager.name" FROM "top" '
        'WHERE "top"."id" > $2 ORDER BY "top"."name" ASC LIMIT $3'
    )
    assert compile_on(engine, query) == (ph(engine, expected), [10, 2, 5])
    assert names(engine, query) == ("name", "manager.name")
    # every column by default, and by dotted string
    assert names(engine, top.select()) == ("id", "name", "manager.name")
    assert names(engine, top.select("manager.name")) == ("manager.name",)


def test_cte_columns_keep_their_types(engine: Engine) -> None:
    top = CTE("top", Band.select(Band.price, Count(alias="n")).group_by(Band.price))
    assert top.price.value_type == Band.price.value_type
    compiled, _ = engine.compile(top.select(top.price)._statement())
    assert (compiled.result_converters[0] is not None) is (engine is SL)
    assert "CAST(? AS REAL)" in sql(SL, top.select().where(top.price > decimal.Decimal(1)))


def test_cte_in_a_subquery(engine: Engine) -> None:
    top = CTE("top", Band.select(Band.manager).where(Band.popularity > 10))
    query = Manager.select(Manager.name).where(Manager.id.is_in(top.select(top.manager)))
    assert compile_on(engine, query) == (
        ph(
            engine,
            'SELECT "manager"."name" FROM "manager" WHERE "manager"."id" IN (WITH "top"("manager") '
            'AS (SELECT "band"."manager" FROM "band" WHERE "band"."popularity" > $1) '
            'SELECT "top"."manager" AS "manager" FROM "top")',
        ),
        [10],
    )


def test_recursive_cte_cross_joins_itself_into_the_recursive_part(engine: Engine) -> None:
    chain = CTE(
        "chain",
        Band.select(Band.id, Band.name, Cast(0, Integer(), alias="depth")).where(
            Band.boss.is_null()
        ),
        recursive=True,
    )
    chain = chain.union_all(
        Band.select(Band.id, Band.manager.name, (chain.depth + 1).as_alias("depth")).where(
            Band.boss == chain.id
        )
    )
    query = chain.select(chain.name).where(chain.depth < 5)
    expected = (
        'WITH RECURSIVE "chain"("id", "name", "depth") AS (SELECT "band"."id", "band"."name", '
        'CAST($1 AS INTEGER) AS "depth" FROM "band" WHERE "band"."boss" IS NULL UNION ALL '
        'SELECT "band"."id", "manager"."name" AS "manager.name", ("chain"."depth" + $2) AS '
        '"depth" FROM "band" CROSS JOIN "chain" LEFT JOIN "manager" AS "manager" ON '
        '"band"."manager" = "manager"."id" WHERE "band"."boss" = "chain"."id") '
        'SELECT "chain"."name" AS "name" FROM "chain" WHERE "chain"."depth" < $3'
    )
    assert compile_on(engine, query) == (ph(engine, expected), [0, 1, 5])


def test_recursive_cte_reading_only_itself(engine: Engine) -> None:
    numbers = CTE("numbers", Band.select(Cast(1, Integer(), alias="n")).limit(1), recursive=False)
    assert "LIMIT" in sql(engine, numbers.select())
    counter = CTE("counter", Manager.select(Cast(1, Integer(), alias="n")), recursive=True)
    counter = counter.union(counter.select((counter.n + 1).as_alias("n")).where(counter.n < 10))
    assert compile_on(engine, counter.select()) == (
        ph(
            engine,
            'WITH RECURSIVE "counter"("n") AS (SELECT CAST($1 AS INTEGER) AS "n" FROM "manager" '
            'UNION SELECT ("counter"."n" + $2) AS "n" FROM "counter" WHERE "counter"."n" < $3) '
            'SELECT "counter"."n" AS "n" FROM "counter"',
        ),
        [1, 1, 10],
    )


def test_cte_misuse_is_a_clear_error() -> None:
    chain = CTE("chain", Band.select(Band.id), recursive=True)
    with pytest.raises(QueryError, match="recursive part"):
        chain.select()._statement()
    with pytest.raises(QueryError, match="selects 2 values"):
        chain.union_all(Band.select(Band.id, Band.name))
    with pytest.raises(QueryError, match="ordered or limited"):
        chain.union_all(Band.select(Band.id).limit(1))
    with pytest.raises(QueryError, match="ordered or limited"):
        CTE("x", Band.select(Band.id).order_by(Band.id), recursive=True)
    done = chain.union_all(Band.select(Band.id).where(Band.boss == chain.id))
    with pytest.raises(QueryError, match="already"):
        done.union_all(Band.select(Band.id))
    with pytest.raises(QueryError, match="no column 'nope'"):
        chain.nope  # noqa: B018
    with pytest.raises(QueryError, match="distinct keys"):
        CTE("twice", Band.select(Band.name, Upper(Band.name, alias="name")))
    with pytest.raises(QueryError, match="select query"):
        CTE("bad", Band.name)
    other = CTE("other", Band.select(Band.id))
    with pytest.raises(QueryError, match="another CTE"):
        CTE("x", Band.select(Band.id)).union_all(other.select())


# frozen queries ----------------------------------------------------------------------------------
def test_freeze_keeps_the_statement_and_its_placeholders() -> None:
    query = Band.select(Band.name).where(
        Band.popularity >= Placeholder("least"), Band.name.like(Placeholder("pattern"))
    )
    frozen = query.freeze()
    assert frozen.placeholders == {"least", "pattern"}
    assert frozen._values({"least": 5, "pattern": "a%"}) == [5, "a%"]
    with pytest.raises(QueryError, match="missing values for pattern"):
        frozen._values({"least": 5})
    with pytest.raises(QueryError, match="no placeholders named other"):
        frozen._values({"least": 5, "pattern": "a", "other": 1})
    assert str(frozen) == (
        'SELECT "band"."name" FROM "band" WHERE ("band"."popularity" >= \':least\' '
        'AND "band"."name" LIKE \':pattern\')'
    )
    for engine in (PG, SL):
        misses = engine.compiled_cache.misses
        first = frozen._compiled_for(engine)
        assert frozen._compiled_for(engine) is first
        assert engine.compiled_cache.misses == misses  # its own, not the LRU's


def test_placeholder_names_are_checked() -> None:
    with pytest.raises(QueryError, match="identifier"):
        Placeholder("not a name")
    with pytest.raises(QueryError, match="keyword of run"):
        Placeholder("node")


def test_batch_size_is_checked() -> None:
    from vivace.orm.batch import Batch

    with pytest.raises(QueryError, match="positive int"):
        Batch(Band.select(), 0, None)
