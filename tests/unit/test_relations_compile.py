"""Exact SQL of joins, ``join_on``, ``reverse()``, reverse foreign keys and M2M, on both dialects,
and the shape keys that let every one of them hit the compiled-statement cache.

No database is touched: statements are compiled by the dialects directly.
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterator
from typing import Any

import pytest

from vivace import Table
from vivace.columns import (
    M2M,
    ForeignKey,
    Integer,
    LazyTableReference,
    ReverseForeignKey,
    Varchar,
)
from vivace.dialects import Dialect, PostgresDialect, SQLiteDialect
from vivace.engine import PostgresEngine, SQLiteEngine
from vivace.exceptions import QueryError
from vivace.orm.related import related_select
from vivace.sql import Node, RelatedRows

PG, SL = PostgresDialect(), SQLiteDialect()
ENGINE = SQLiteEngine(path=":memory:")


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage_after_module() -> Iterator[None]:
    yield
    gc.collect()


class RcCountry(Table, db=ENGINE, tablename="country"):
    name = Varchar(length=50)


class RcManager(Table, db=ENGINE, tablename="manager"):
    name = Varchar(length=50)
    country = ForeignKey(RcCountry)
    bands = ReverseForeignKey(LazyTableReference("RcBand", module_path=__name__))


class RcBand(Table, db=ENGINE, tablename="band"):
    name = Varchar(length=50)
    manager = ForeignKey(RcManager)
    popularity = Integer()
    genres = M2M(LazyTableReference("RcGenreToBand", module_path=__name__))


class RcGenre(Table, db=ENGINE, tablename="genre"):
    name = Varchar(length=50)


class RcGenreToBand(Table, db=ENGINE, tablename="genre_to_band"):
    band = ForeignKey(RcBand)
    genre = ForeignKey(RcGenre)


class RcConcert(Table, db=ENGINE, tablename="concert"):
    band_1 = ForeignKey(RcBand)
    band_2 = ForeignKey(RcBand)


class RcFanClub(Table, db=ENGINE, tablename="fan_club"):
    band = ForeignKey(RcBand, unique=True)
    address = Varchar(length=100)


class RcRecord(Table, db=ENGINE, tablename="record"):
    code = Varchar(length=10, unique=True)


class RcPressing(Table, db=ENGINE, tablename="pressing"):
    record = ForeignKey(RcRecord, target_column=RcRecord.code)


def sql_of(dialect: Dialect, node: Node) -> str:
    return dialect.compile(node).sql


def both(node: Node) -> tuple[str, str]:
    return sql_of(PG, node), sql_of(SL, node)


def qmarks(sql: str) -> str:
    """The SQLite text of a PostgreSQL statement whose placeholders are the only difference."""
    import re

    return re.sub(r"\$\d+", "?", sql)


def key_of(node: Node) -> tuple[Hashable, list[Any]]:
    values: list[Any] = []
    return node._key(values), values


# joins through foreign keys ---


BAND_1 = 'LEFT JOIN "band" AS "band_1" ON "concert"."band_1" = "band_1"."id"'
BAND_1_MANAGER = (
    'LEFT JOIN "manager" AS "band_1$manager" ON "band_1"."manager" = "band_1$manager"."id"'
)
BAND_1_COUNTRY = (
    'LEFT JOIN "country" AS "band_1$manager$country" '
    'ON "band_1$manager"."country" = "band_1$manager$country"."id"'
)


def test_three_levels_in_every_clause() -> None:
    country = RcConcert.band_1.manager.country.name
    query = (
        RcConcert.select(RcConcert.id, country)
        .where(RcConcert.band_1.manager.name == "Guido")
        .group_by(RcConcert.id, country)
        .having(country.is_not_null())
        .order_by(RcConcert.band_1.name)
    )
    pg, sqlite = both(query._statement())
    assert pg == (
        'SELECT "concert"."id", "band_1$manager$country"."name" AS "band_1.manager.country.name" '
        f'FROM "concert" {BAND_1} {BAND_1_MANAGER} {BAND_1_COUNTRY} '
        'WHERE "band_1$manager"."name" = $1 '
        'GROUP BY "concert"."id", "band_1$manager$country"."name" '
        'HAVING "band_1$manager$country"."name" IS NOT NULL '
        'ORDER BY "band_1"."name" ASC'
    )
    assert sqlite == qmarks(pg)


def test_typed_access_and_string_paths_are_the_same_columns() -> None:
    assert RcBand.manager._.name is RcBand.manager.name
    assert RcBand._meta.get_column_by_name("manager.country.name") is (RcBand.manager.country.name)
    assert key_of(RcBand.manager.name)[0] == key_of(RcBand.manager._.name)[0]


def test_target_column_joins_on_it() -> None:
    pg, sqlite = both(RcPressing.select(RcPressing.record.id)._statement())
    assert pg == (
        'SELECT "record"."id" AS "record.id" FROM "pressing" '
        'LEFT JOIN "record" AS "record" ON "pressing"."record" = "record"."code"'
    )
    assert sqlite == pg


def test_reverse_one_to_one() -> None:
    club = RcFanClub.band.reverse()
    pg, sqlite = both(
        RcBand.select(RcBand.name, club.address).where(club.address == "x")._statement()
    )
    join = 'LEFT JOIN "fan_club" AS "id=fan_club.band" ON "band"."id" = "id=fan_club.band"."band"'
    assert pg == (
        'SELECT "band"."name", "id=fan_club.band"."address" AS "fan_club.address" '
        f'FROM "band" {join} WHERE "id=fan_club.band"."address" = $1'
    )
    assert sqlite == qmarks(pg)
    # a path reversed: from a country, through its manager, to the manager's band
    path = RcBand.manager.country.reverse()
    assert both(RcCountry.select(path.name)._statement())[0] == (
        'SELECT "id=manager.country$id=band.manager"."name" AS "manager.band.name" '
        'FROM "country" '
        'LEFT JOIN "manager" AS "id=manager.country" '
        'ON "country"."id" = "id=manager.country"."country" '
        'LEFT JOIN "band" AS "id=manager.country$id=band.manager" '
        'ON "id=manager.country"."id" = "id=manager.country$id=band.manager"."manager"'
    )


def test_join_on_columns_without_a_key() -> None:
    same = RcBand.name.join_on(RcManager.name)
    pg, _ = both(RcBand.select(RcBand.name, same.id)._statement())
    assert pg == (
        'SELECT "band"."name", "name=manager.name"."id" AS "manager.id" FROM "band" '
        'LEFT JOIN "manager" AS "name=manager.name" ON "band"."name" = "name=manager.name"."name"'
    )
    # another pair of columns is another join, another alias and another shape
    other = RcBand.popularity.join_on(RcManager.id)
    assert key_of(same.id)[0] != key_of(other.id)[0]
    assert key_of(same.id)[0] != key_of(RcBand.manager.id)[0]
    with pytest.raises(Exception, match="join_on"):
        RcBand.name.join_on(RcConcert.band_1.name)


def test_long_paths_get_short_stable_aliases() -> None:
    column: Any = RcConcert.band_1.manager.country
    for _ in range(6):
        column = column.name.join_on(RcCountry.name)
    far = column.name
    sql = sql_of(PG, RcConcert.select(far)._statement())
    aliases = [a for a in sql.split('"') if "~" in a]
    assert aliases and all(len(a.encode()) <= 63 for a in aliases)
    assert sql == sql_of(PG, RcConcert.select(far)._statement())  # stable


# related rows: reverse foreign keys and M2M ---


BANDS = (
    '(SELECT COALESCE(array_agg(ROW("bands[]"."name") ORDER BY "bands[]"."id" ASC), \'{}\') '
    'FROM "band" AS "bands[]" WHERE "manager"."id" = "bands[]"."manager") AS "bands"'
)


def test_reverse_foreign_key_on_postgres_is_one_statement() -> None:
    query = RcManager.select(RcManager.name, RcManager.bands(RcBand.name, as_list=True))
    assert sql_of(PG, query._statement()) == f'SELECT "manager"."name", {BANDS} FROM "manager"'
    several = RcManager.select(
        RcManager.bands(RcBand.name, RcBand.manager.country.name, order_by=RcBand.popularity)
    ).where(RcManager.name == "x")
    assert sql_of(PG, several._statement()) == (
        'SELECT (SELECT COALESCE(array_agg(ROW("bands[]"."name", '
        '"bands[]$manager$country"."name") ORDER BY "bands[]"."popularity" ASC), \'{}\') '
        'FROM "band" AS "bands[]" '
        'LEFT JOIN "manager" AS "bands[]$manager" '
        'ON "bands[]"."manager" = "bands[]$manager"."id" '
        'LEFT JOIN "country" AS "bands[]$manager$country" '
        'ON "bands[]$manager"."country" = "bands[]$manager$country"."id" '
        'WHERE "manager"."id" = "bands[]"."manager") AS "bands" '
        'FROM "manager" WHERE "manager"."name" = $1'
    )


def test_m2m_on_postgres_is_one_statement() -> None:
    query = RcBand.select(RcBand.name, RcBand.genres(RcGenre.name, as_list=True))
    assert sql_of(PG, query._statement()) == (
        'SELECT "band"."name", (SELECT COALESCE(array_agg(ROW("genres[]$genre"."name") '
        'ORDER BY "genres[]"."id" ASC), \'{}\') FROM "genre_to_band" AS "genres[]" '
        'LEFT JOIN "genre" AS "genres[]$genre" ON "genres[]"."genre" = "genres[]$genre"."id" '
        'WHERE ("band"."id" = "genres[]"."band" AND "genres[]"."genre" IS NOT NULL)) '
        'AS "genres" FROM "band"'
    )


def test_related_rows_with_outer_joins_join_apart() -> None:
    # the outer query's join to manager and the related rows' own joins do not mix
    query = RcBand.select(RcBand.manager.name, RcBand.genres(RcGenre.name, as_list=True))
    sql = sql_of(PG, query._statement())
    assert sql.endswith(
        'AS "genres" FROM "band" '
        'LEFT JOIN "manager" AS "manager" ON "band"."manager" = "manager"."id"'
    )
    assert sql.count("LEFT JOIN") == 2


def test_sqlite_runs_a_second_in_query() -> None:
    with pytest.raises(QueryError, match="second"):
        sql_of(SL, RcManager.select(RcManager.bands())._statement())
    # str(query) is for reading: it says where the list comes from
    assert SL.render_inline(RcManager.select(RcManager.bands())._statement()) == (
        'SELECT NULL /* bands: listed by a second query */ AS "bands" FROM "manager"'
    )
    node = RcManager.bands(RcBand.name, as_list=True)
    sqlite = sql_of(SL, related_select(node.spec, [1, 2]))
    assert sqlite == (
        'SELECT "band"."manager", "band"."name" FROM "band" '
        'WHERE "band"."manager" IN (SELECT value FROM json_each(?)) ORDER BY "band"."id" ASC'
    )
    m2m = RcBand.genres(RcGenre.name, order_by=RcGenre.name, ascending=False)
    assert sql_of(SL, related_select(m2m.spec, [1])) == (
        'SELECT "genre_to_band"."band", "genre"."name" AS "genre.name" FROM "genre_to_band" '
        'LEFT JOIN "genre" AS "genre" ON "genre_to_band"."genre" = "genre"."id" '
        'WHERE ("genre_to_band"."band" IN (SELECT value FROM json_each(?)) '
        'AND "genre_to_band"."genre" IS NOT NULL) ORDER BY "genre"."name" DESC'
    )
    # any number of keys: one shape
    assert key_of(related_select(m2m.spec, [1]))[0] == key_of(related_select(m2m.spec, [1, 2]))[0]


def test_result_keys_and_converters() -> None:
    query = RcManager.select(
        RcManager.name, RcManager.bands(RcBand.id, RcBand.name).as_alias("acts")
    )
    compiled = PG.compile(query._statement())
    assert compiled.result_names == ("name", "acts")
    read = compiled.result_converters[1]
    assert read is not None
    assert read([(1, "a"), (2, None)]) == [{"id": 1, "name": "a"}, {"id": 2, "name": None}]
    as_list = PG.compile(RcManager.select(RcManager.bands(RcBand.name, as_list=True))._statement())
    convert = as_list.result_converters[0]
    assert convert is not None and convert([("a",), ("b",)]) == ["a", "b"]


# shape keys: the cache hits for every new construct ---


def shapes() -> list[Node]:
    m, b = RcManager, RcBand
    return [
        m.select(m.bands(b.name, as_list=True))._statement(),
        m.select(m.bands(b.name))._statement(),
        m.select(m.bands(b.id, b.name))._statement(),
        m.select(m.bands())._statement(),
        m.select(m.bands(b.name, as_list=True).as_alias("x"))._statement(),
        m.select(m.bands(b.name, as_list=True, order_by=b.name))._statement(),
        m.select(m.bands(b.name, as_list=True, order_by=b.name, ascending=False))._statement(),
        m.select(m.bands(b.name, as_list=True, load_json=True))._statement(),
        m.select(m.bands(b.manager.name, as_list=True))._statement(),
        b.select(b.genres(RcGenre.name, as_list=True))._statement(),
        b.select(b.genres(RcGenre.id, as_list=True))._statement(),
        b.select(RcFanClub.band.reverse().address)._statement(),
        b.select(b.id.join_on(RcFanClub.id).address)._statement(),
        b.select(b.popularity.join_on(RcFanClub.band).address)._statement(),
        b.select(b.name.join_on(RcManager.name).name)._statement(),
        b.select(b.manager.name)._statement(),
        RcConcert.select(RcConcert.band_1.manager.name)._statement(),
        RcConcert.select(RcConcert.band_2.manager.name)._statement(),
    ]


def test_each_new_construct_has_its_own_key() -> None:
    keys = [key_of(node)[0] for node in shapes()]
    for i, a in enumerate(keys):
        for j in range(i + 1, len(keys)):
            assert a != keys[j], f"shapes {i} and {j} share a key"


def test_a_reversed_key_is_the_same_join_as_its_join_on() -> None:
    reversed_key = RcBand.select(RcFanClub.band.reverse().address)._statement()
    joined_on = RcBand.select(RcBand.id.join_on(RcFanClub.band).address)._statement()
    assert key_of(reversed_key)[0] == key_of(joined_on)[0]
    assert sql_of(PG, reversed_key) == sql_of(PG, joined_on)


def test_building_again_gives_equal_keys_and_a_cache_hit() -> None:
    engine = PostgresEngine(config={})
    for a, b in zip(shapes(), shapes(), strict=True):
        assert key_of(a) == key_of(b)
        first, _ = engine.compile(a)
        second, _ = engine.compile(b)
        assert first is second
    assert engine.compiled_cache.hits == len(shapes())


def test_values_in_related_queries_do_not_change_the_key() -> None:
    def query(name: str) -> Node:
        return (
            RcManager.select(RcManager.name, RcManager.bands(RcBand.name, as_list=True))
            .where(RcManager.name == name)
            ._statement()
        )

    (key_a, values_a), (key_b, values_b) = key_of(query("a")), key_of(query("b"))
    assert key_a == key_b and values_a == ["a"] and values_b == ["b"]


def test_related_rows_keys_hold_no_expressions() -> None:
    node = RcBand.genres(RcGenre.name, order_by=RcGenre.name)
    assert isinstance(node, RelatedRows)
    key, _ = key_of(node)

    def walk(item: Any) -> Iterator[Any]:
        yield item
        if isinstance(item, tuple):
            for inner in item:
                yield from walk(inner)

    assert not any(isinstance(item, Node) for item in walk(key))
