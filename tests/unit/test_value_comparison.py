"""``column op value`` as one ``ValueComparison`` (issue 15, compile hit): it renders the SQL
and binds the values the general ``Comparison`` holding a typed ``Param`` does, on every
dialect, and its key tells apart what the SQL tells apart. No database is touched."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from vivace import Table
from vivace.columns import ForeignKey, Integer, Timestamp, Varchar
from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.exceptions import QueryError
from vivace.sql import Comparison, Param, Select
from vivace.sql.nodes import ValueComparison
from vivace.sql.placeholder import Placeholder
from vivace.sql.statements import select_of

ENGINES = {
    "sqlite": SQLiteEngine(path=":memory:"),
    "postgres": PostgresEngine(config={"host": "127.0.0.1"}),
    "mysql": MySQLEngine(config={"host": "127.0.0.1"}),
}


class Mood(enum.Enum):
    loud = "loud"


def tables(engine: Any) -> tuple[Any, Any]:
    class VcManager(Table, db=engine, tablename="vc_manager"):
        name = Varchar(length=20)

    class VcBand(Table, db=engine, tablename="vc_band"):
        name = Varchar(length=20)
        popularity = Integer()
        starts = Timestamp(null=True)
        manager = ForeignKey(VcManager)

    return VcBand, VcManager


BAND, MANAGER = tables(ENGINES["sqlite"])


def key(node: Any) -> tuple[Any, list[Any]]:
    values: list[Any] = []
    return node._key(values), values


def general(condition: ValueComparison) -> Comparison:
    """The same comparison as the general node: the parameter typed as before."""
    right = condition.right
    assert isinstance(right, Param)
    return Comparison(condition.left, condition.op, Param(right.value, right.vtype))


def test_every_operator_with_a_plain_value_makes_one_node_typed_as_its_column() -> None:
    popularity = BAND.popularity
    made = [
        (popularity == 3, "="),
        (popularity != 3, "<>"),
        (popularity < 3, "<"),
        (popularity <= 3, "<="),
        (popularity > 3, ">"),
        (popularity >= 3, ">="),
        (3 < popularity, ">"),  # noqa: SIM300  (reflected: the column's own operator)
    ]
    for condition, op in made:
        assert type(condition) is ValueComparison and condition.op == op
        assert condition.left is popularity and condition.value == 3
        right = condition.right
        assert isinstance(right, Param) and right.vtype == popularity.value_type
        assert condition.right is right  # made once
    # A foreign key is typed as its target's key, a pattern not at all.
    by_key = BAND.manager == 2
    assert type(by_key) is ValueComparison
    assert by_key.right.value_type == BAND.manager.value_type
    for pattern in (BAND.name.like("a%"), BAND.name.ilike("a%"), BAND.name.not_like("a%")):
        assert type(pattern) is ValueComparison and pattern.right.value_type is None


def test_what_is_not_a_plain_value_goes_the_general_way() -> None:
    assert type(BAND.popularity == BAND.manager) is Comparison
    assert type(BAND.popularity > Placeholder("p")) is Comparison
    assert type(BAND.popularity + 1 > 3) is Comparison  # an expression on the left
    assert type(BAND.name == None) is not ValueComparison  # noqa: E711  (IS NULL)
    # An enum member is compared as its value: the same node and key as the value itself.
    by_member, by_value = BAND.name == Mood.loud, BAND.name == "loud"
    assert type(by_member) is ValueComparison and key(by_member) == key(by_value)


def test_keys_tell_apart_columns_operators_and_joins_and_collect_the_values() -> None:
    a, b = BAND.popularity > 3, BAND.popularity > 4
    assert key(a) == (("V", ">", BAND.popularity._shape), [3]) and key(a)[0] == key(b)[0]
    assert key(BAND.popularity >= 3)[0] != key(a)[0]
    assert key(BAND.name.like("x"))[0] != key(BAND.name.ilike("x"))[0]
    assert key(BAND.manager.name == "x")[0] != key(MANAGER.name == "x")[0]
    # Inlined in an AND and in a select's WHERE: the node's own key, values in SQL order.
    both = (BAND.popularity > 3) & BAND.name.like("x%")
    assert key(both) == (("AND", key(a)[0], key(BAND.name.like("x%"))[0]), [3, "x%"])
    one = select_of(BAND, (BAND.name,), a, (), None, (), 10, None, False, (), None)
    statement_key, values = key(one)
    assert statement_key[6] == key(a)[0] and values == [3, 10]


@pytest.mark.parametrize("dialect", sorted(ENGINES))
def test_sql_and_values_equal_the_general_comparison(dialect: str) -> None:
    engine = ENGINES[dialect]
    band, _ = tables(engine)
    conditions = [
        band.popularity > 3,
        band.name.like("a%"),
        band.name.ilike("a%"),
        band.name.not_like("a%"),
        band.manager == 2,
        band.manager.name == "Guido",
        band.starts < "2020-01-01 10:00:00",
    ]
    for condition in conditions:
        fast = Select(band, (band.id,), where=condition & (band.id != 7), limit=5)
        slow = Select(band, (band.id,), where=general(condition) & (band.id != 7), limit=5)
        fast_compiled, fast_values = engine.compile(fast)
        slow_compiled, slow_values = engine.compile(slow)
        assert fast_compiled is not slow_compiled  # two keys, compiled apart
        assert fast_compiled.sql == slow_compiled.sql
        assert fast_values == slow_values == [condition.value, 7, 5]
    # A joined column's comparison joins its table, identifiers quoted.
    compiled, _ = engine.compile(Select(band, (band.id,), where=band.manager.name == "Guido"))
    assert "JOIN" in compiled.sql and "Guido" not in compiled.sql


def test_a_hit_binds_this_query_s_values() -> None:
    engine = ENGINES["postgres"]
    band, _ = tables(engine)
    query = band.select(band.id).where((band.popularity > 1) & band.name.like("a%"))
    first, first_values = engine.compile(query._statement())
    again = band.select(band.id).where((band.popularity > 9) & band.name.like("b%"))
    second, second_values = engine.compile(again._statement())
    assert first is second and first_values == [1, "a%"] and second_values == [9, "b%"]


def test_limit_and_offset_refuse_as_before_and_copy_the_query() -> None:
    query = BAND.select()
    for clause in ("limit", "offset"):
        method = getattr(query, clause)
        with pytest.raises(TypeError, match="must be an integer"):
            method(True)
        with pytest.raises(TypeError, match="must be an integer"):
            method("3")
        with pytest.raises(QueryError, match=f"{clause}\\(\\) takes a non-negative int"):
            method(-1)

    class Count(int):
        pass

    limited = query.limit(Count(2)).offset(3)
    assert limited is not query and query._limit is None and query._offset is None
    assert limited._limit == 2 and limited._offset == 3


def test_get_or_create_reads_a_value_comparison() -> None:
    from vivace.orm.objects import _collect_equalities

    values: dict[str, Any] = {}
    _collect_equalities((BAND.name == "a") & (BAND.popularity == 3), values)
    assert values == {"name": "a", "popularity": 3}
    with pytest.raises(QueryError, match="not a query condition"):
        (BAND.name == "a") & 2  # an int is no condition


def test_builders_hold_every_field_and_their_clauses_leave_them_unchanged() -> None:
    for query in (BAND.select(), BAND.select(BAND.name, "popularity"), BAND.objects()):
        fields = type(query)._FIELDS
        assert set(fields) <= set(vars(query))  # read from the instance, not the class
        assert all(vars(query)[name] == getattr(type(query), name) for name in fields[1:])
        narrowed = query.where(BAND.id == 1).order_by(BAND.name).limit(2).offset(1)
        assert query._where == () and query._order == () and query._limit is None
        assert query._offset is None and narrowed._limit == 2 and narrowed._offset == 1
        assert len(narrowed._where) == 1 and len(narrowed._order) == 1


def test_a_condition_reads_as_its_sql() -> None:
    # Piccolo: str(Band.name == "x") is the condition's SQL, values written in.
    engine = SQLiteEngine(path=":memory:")

    class StrBand(Table, db=engine, tablename="str_band"):
        name = Varchar()
        popularity = Integer()

    assert str(StrBand.name == "Pythonistas") == '"str_band"."name" = \'Pythonistas\''
    both = (StrBand.name == "a") & (StrBand.popularity > 3)
    assert str(both) == '("str_band"."name" = \'a\' AND "str_band"."popularity" > 3)'
    assert str(~StrBand.name.like("a%")) == 'NOT ("str_band"."name" LIKE \'a%\')'
