"""Shape keys: structure only, values collected in placeholder order, one Compiled per shape.

``node._key(values)`` returns a hashable key holding the query's structure and appends
its parameter values to ``values``; ``engine.compile`` caches one ``Compiled`` per key.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import vivace.sql
from vivace import Table, create_table_class
from vivace.columns import Column, ForeignKey, Integer, Numeric, ReverseForeignKey, Varchar
from vivace.dialects import PostgresDialect, SQLiteDialect
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.functions import Cast, Count, Extract, Lag, Lower, Rank, Replace, Sum, Upper
from vivace.query import CTE, QueryString, WhereRaw
from vivace.sql import (
    Alias,
    And,
    Arithmetic,
    Comparison,
    Delete,
    Expr,
    FunctionCall,
    InList,
    Insert,
    Join,
    Node,
    Not,
    OnConflict,
    Or,
    OrderItem,
    Param,
    PostfixOp,
    Raw,
    Select,
    Star,
    Update,
)
from vivace.sql.cte import CommonTableExpression, CrossJoin, WithSelect
from vivace.sql.related import RelatedRows
from vivace.sql.statements import select_of
from vivace.sql.subquery import Exists as SqlExists
from vivace.types import ValueType

ENGINE = SQLiteEngine(path=":memory:")


@pytest.fixture(autouse=True, scope="module")
def _collect_garbage_after_module() -> Iterator[None]:
    """Table classes made here die in reference cycles; collect them before other modules
    run, so their registry callbacks never land inside another test's measurements."""
    yield
    gc.collect()


INT = ValueType("integer")
TEXT = ValueType("text")


def make(name: str, tablename: str, members: dict[str, Any]) -> type[Table]:
    return create_table_class(
        f"Shape{name}", class_kwargs={"db": ENGINE, "tablename": tablename}, class_members=members
    )


Manager = make("Manager", "manager", {"name": Varchar(length=50)})
Band = make(
    "Band",
    "band",
    {
        "name": Varchar(length=100),
        "manager": ForeignKey(Manager),
        "popularity": Integer(),
        "price": Numeric(digits=(5, 2)),
    },
)
Concert = make("Concert", "concert", {"band_1": ForeignKey(Band), "band_2": ForeignKey(Band)})
# Same table name as Band, another class: never the same shape.
BandTwin = make("BandTwin", "band", {"name": Varchar(length=100)})

Manager_: Any = Manager
Band_: Any = Band
Concert_: Any = Concert
BandTwin_: Any = BandTwin


def key_of(node: Node) -> tuple[Hashable, list[Any]]:
    values: list[Any] = []
    key = node._key(values)
    return key, values


def walk(key: Any) -> Iterator[Any]:
    """Every object inside a key: tuples, lists, sets and value types are opened."""
    yield key
    if isinstance(key, tuple | list | set | frozenset):
        for item in key:
            yield from walk(item)
    elif isinstance(key, ValueType):
        yield from walk(key.args)


def fresh_engine(kind: str, size: int = 512) -> Engine:
    if kind == "postgres":
        return PostgresEngine(config={}, compiled_cache_size=size)
    return SQLiteEngine(path=":memory:", compiled_cache_size=size)


ENGINE_KINDS = ["postgres", "sqlite"]


# One case per node class ------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """``build(first)`` and ``build(second)`` share a shape; ``other()`` is another shape."""

    id: str
    build: Callable[[Any], Node]
    first: Any
    second: Any
    other: Callable[[], Node]


def band_select(where: Any) -> Node:
    return Band_.select(Band_.name).where(where)._statement()


CASES = [
    Case("Param", lambda v: Param(v, INT), 1, 2, lambda: Param(1, TEXT)),
    Case("Param-untyped", lambda v: Param(v, None), 1, 2, lambda: Param(1, INT)),
    Case("Column", lambda v: Band_.name, None, None, lambda: Band_.popularity),
    Case("Column-other-table", lambda v: Band_.name, None, None, lambda: Manager_.name),
    Case("Column-same-tablename", lambda v: Band_.name, None, None, lambda: BandTwin_.name),
    Case("Arithmetic", lambda v: Band_.popularity + v, 1, 2, lambda: Band_.popularity - 1),
    Case(
        "Arithmetic-nested",
        lambda v: (Band_.popularity + v) * 2,
        1,
        5,
        lambda: Band_.popularity + (1 * Band_.popularity),
    ),
    Case("Comparison", lambda v: Band_.popularity > v, 1, 2, lambda: Band_.popularity >= 1),
    Case(
        "Comparison-like", lambda v: Band_.name.like(v), "a%", "b%", lambda: Band_.name.ilike("a%")
    ),
    Case("PostfixOp", lambda v: Band_.name.is_null(), None, None, lambda: Band_.name.is_not_null()),
    Case("InList", lambda v: Band_.id.is_in(v), [1], [1, 2, 3], lambda: Band_.id.not_in([1])),
    Case(
        "InList-subquery",
        lambda v: Band_.id.is_in(Band_.select(Band_.id).where(Band_.popularity > v)),
        1,
        2,
        lambda: Band_.id.is_in(Band_.select(Band_.id).where(Band_.popularity < 1)),
    ),
    Case(
        "And",
        lambda v: And(Band_.name == v, Band_.popularity > 1),
        "a",
        "b",
        lambda: And(Band_.name == "a", Band_.popularity > 1, Band_.id == 1),
    ),
    Case(
        "Or",
        lambda v: Or(Band_.name == v, Band_.popularity > 1),
        "a",
        "b",
        lambda: And(Band_.name == "a", Band_.popularity > 1),
    ),
    Case("Not", lambda v: ~(Band_.name == v), "a", "b", lambda: Band_.name == "a"),
    Case(
        "FunctionCall",
        lambda v: FunctionCall("COALESCE", (Band_.name, Param(v, TEXT))),
        "a",
        "b",
        lambda: FunctionCall("COALESCE", (Band_.name, Param("a", TEXT)), distinct=True),
    ),
    Case("Star", lambda v: Star(), None, None, lambda: Band_.id),
    Case(
        "Alias",
        lambda v: Alias(Band_.popularity + v, "p"),
        1,
        2,
        lambda: Alias(Band_.popularity + 1, "q"),
    ),
    Case(
        "OrderItem",
        lambda v: OrderItem(Band_.popularity + v, True),
        1,
        2,
        lambda: OrderItem(Band_.popularity + 1, False),
    ),
    Case("Raw", lambda v: Raw("x = {}", [v]), 1, 2, lambda: Raw("y = {}", [1])),
    Case("WhereRaw", lambda v: WhereRaw("x = {}", v), 1, 2, lambda: WhereRaw("x = {}", Band_.id)),
    Case(
        "Join",
        lambda v: Join(Manager, "m", And(Band_.manager == Manager_.id, Manager_.name == v)),
        "a",
        "b",
        lambda: Join(Manager, "m2", And(Band_.manager == Manager_.id, Manager_.name == "a")),
    ),
    Case(
        "Select",
        lambda v: band_select(Band_.popularity > v),
        1,
        2,
        lambda: band_select(Band_.popularity < 1),
    ),
    Case(
        "Insert",
        lambda v: Band_.insert(Band_(name=v))._statement(),
        "a",
        "b",
        lambda: Band_.insert(Band_(name="a"), Band_(name="b"))._statement(),
    ),
    Case(
        "Update",
        lambda v: Band_.update({Band_.name: v}).where(Band_.id == 1)._statement(),
        "a",
        "b",
        lambda: Band_.update({Band_.popularity: 1}).where(Band_.id == 1)._statement(),
    ),
    Case(
        "Delete",
        lambda v: Band_.delete().where(Band_.id == v)._statement(),
        1,
        2,
        lambda: Band_.delete().where(Band_.id == 1).returning(Band_.id)._statement(),
    ),
    Case(
        "OnConflict",
        lambda v: OnConflict((Manager_.name,), "DO UPDATE", [(Manager_.name, Param(v, TEXT))]),
        "a",
        "b",
        lambda: OnConflict((Manager_.name,), "DO UPDATE", [(Manager_.name, None)]),
    ),
]


# Related rows (reverse foreign keys, M2M) -------------------------------------------------------
FanBand = make(
    "FanBand",
    "fan_band",
    {"name": Varchar(length=50), "fans": ReverseForeignKey("ShapeFan")},
)
Fan = make("Fan", "fan", {"band": ForeignKey(FanBand), "name": Varchar(length=50)})
FanBand_: Any = FanBand
Fan_: Any = Fan

CASES += [
    Case(
        "RelatedRows",
        lambda v: FanBand_.fans(Fan_.name, as_list=True),
        None,
        None,
        lambda: FanBand_.fans(Fan_.name),
    ),
    Case(
        "RelatedRows-in-select",
        lambda v: (
            FanBand_.select(FanBand_.fans(Fan_.id, Fan_.name))
            .where(FanBand_.name == v)
            ._statement()
        ),
        "a",
        "b",
        lambda: (
            FanBand_.select(FanBand_.fans(Fan_.name, order_by=Fan_.name))
            .where(FanBand_.name == "a")
            ._statement()
        ),
    ),
]


# Functions, windows, EXISTS, CTEs -----------------------------------------------------------------
TOP_CTE = CTE("top", Band_.select(Band_.id, Band_.name).where(Band_.popularity > 1))


def top_cte(v: Any) -> CTE:
    return CTE("top", Band_.select(Band_.id, Band_.name).where(Band_.popularity > v))


def chain_cte(v: Any) -> CTE:
    chain = CTE("chain", Band_.select(Band_.id).where(Band_.manager == v), recursive=True)
    return chain.union_all(Band_.select(Band_.id).where(Band_.manager == chain.id))


CASES += [
    Case("Call", lambda v: Replace(Band_.name, v, "x"), "a", "b", lambda: Lower(Band_.name)),
    Case(
        "Call-alias",
        lambda v: Replace(Band_.name, v, "x"),
        "a",
        "b",
        lambda: Replace(Band_.name, "a", "x", alias="r"),
    ),
    Case(
        "Call-options",
        lambda v: Extract(Band_.popularity + v, "year"),
        1,
        2,
        lambda: Extract(Band_.popularity + 1, "month"),
    ),
    Case("Call-cast", lambda v: Cast(v, Integer()), 1, 2, lambda: Cast(1, Varchar(length=9))),
    Case(
        "Call-distinct",
        lambda v: Count(distinct=[Band_.popularity + v]),
        1,
        2,
        lambda: Count(Band_.popularity + 1),
    ),
    Case(
        "Over",
        lambda v: Sum(Band_.popularity + v).over(partition_by=[Band_.manager], order_by=Band_.id),
        1,
        2,
        lambda: Sum(Band_.popularity + 1).over(
            partition_by=[Band_.manager], order_by=Band_.id, rows=(None, 0)
        ),
    ),
    Case(
        "Over-lag",
        lambda v: Lag(Band_.name, 1, v).over(order_by=[Band_.id]),
        "a",
        "b",
        lambda: Lag(Band_.name, 2, "a").over(order_by=[Band_.id]),
    ),
    Case(
        "Over-order",
        lambda v: Rank().over(order_by=[Band_.popularity + v]),
        1,
        2,
        lambda: Rank().over(order_by=[Band_.popularity + 1], ascending=False),
    ),
    Case(
        "Exists",
        lambda v: SqlExists(
            Concert_.select(Concert_.id).where(Concert_.band_1 == Band_.id, Concert_.band_2 == v)
        ),
        1,
        2,
        lambda: (
            ~SqlExists(
                Concert_.select(Concert_.id).where(
                    Concert_.band_1 == Band_.id, Concert_.band_2 == 1
                )
            )
        ),
    ),
    Case(
        "CommonTableExpression",
        lambda v: top_cte(v)._node,
        1,
        2,
        lambda: chain_cte(1)._node,
    ),
    Case("CTEColumn", lambda v: top_cte(1).name, None, None, lambda: top_cte(1).id),
    Case("CrossJoin", lambda v: CrossJoin("chain"), None, None, lambda: CrossJoin("other")),
    Case(
        "WithSelect",
        lambda v: top_cte(v).select(TOP_CTE.name).where(TOP_CTE.id > v)._statement(),
        1,
        2,
        lambda: top_cte(1).select(TOP_CTE.id).where(TOP_CTE.id > 1)._statement(),
    ),
    Case(
        "WithSelect-recursive",
        lambda v: chain_cte(v).select()._statement(),
        1,
        2,
        lambda: top_cte(1).select()._statement(),
    ),
]


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_functions_windows_and_ctes_hit_the_cache_for_the_same_shape(kind: str) -> None:
    engine = fresh_engine(kind)

    def query(v: int) -> Node:
        top = top_cte(v)
        return (
            top.select(
                top.name,
                Upper(top.name),
                Sum(top.id + v).over(partition_by=[top.name], order_by=top.id),
            )
            .where(SqlExists(Manager_.select(Manager_.id).where(Manager_.id == v)))
            ._statement()
        )

    first, values_1 = engine.compile(query(1))
    second, values_2 = engine.compile(query(2))
    assert second is first
    assert (engine.compiled_cache.misses, engine.compiled_cache.hits) == (1, 1)
    assert values_1 == [1, 1, 1] and values_2 == [2, 2, 2]


def as_statement(node: Node) -> Node:
    """A statement that renders ``node`` (to compile it)."""
    if isinstance(node, Select | Insert | Update | Delete):
        return node
    if isinstance(node, OnConflict):
        return Insert(Manager, (Manager_.name,), [("x",)], (Manager_.id,), node)
    if isinstance(node, Join):
        return Select(Band, (Band_.id,), joins=(node,))
    if isinstance(node, OrderItem):
        return Select(Band, (Band_.id,), order_by=(node,))
    if isinstance(node, PostfixOp | Comparison | InList | And | Or | Not | Raw):
        return Select(Band, (Band_.id,), where=node)  # type: ignore[arg-type]
    if isinstance(node, CommonTableExpression):
        return WithSelect((node,), Select(Band, (Band_.id,)))
    assert isinstance(node, Expr)
    if isinstance(node, Column) and not node._meta.call_chain:
        # A column of another table is refused in a select on Band (issue 11): select it
        # from its own table.
        return Select(node._meta.table, (node,))
    if isinstance(node, RelatedRows):
        return Select(node.step._meta.table, (node,))
    return Select(Band, (node,))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_shape_with_other_values_gives_the_same_key(case: Case) -> None:
    key_a, values_a = key_of(case.build(case.first))
    key_b, values_b = key_of(case.build(case.second))
    assert key_a == key_b
    assert hash(key_a) == hash(key_b)
    if case.first != case.second:
        assert values_a != values_b
        assert case.first in values_a
        assert case.second in values_b
        assert len(values_a) == len(values_b)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_another_shape_gives_another_key(case: Case) -> None:
    key_a, _ = key_of(case.build(case.first))
    key_other, _ = key_of(case.other())
    assert key_a != key_other


@pytest.mark.parametrize("dialect", [PostgresDialect(), SQLiteDialect()], ids=["pg", "sqlite"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_values_follow_placeholder_order(case: Case, dialect: Any) -> None:
    if case.id.startswith("RelatedRows") and not dialect.supports_row_aggregation:
        pytest.skip("related rows come from a second query on this dialect")
    for node in (case.build(case.first), case.build(case.second), case.other()):
        statement = as_statement(node)
        _, values = key_of(statement)
        # Dialect.compile checks the values are exactly the compiler's, in order.
        compiled = dialect.compile(statement, values)
        outside_names = re.sub(r'"(?:[^"]|"")*"', "", compiled.sql)
        marks = re.findall(r"\?" if dialect.name == "sqlite" else r"\$\d+", outside_names)
        assert marks == (
            ["?"] * len(values)
            if dialect.name == "sqlite"
            else [f"${i}" for i in range(1, len(values) + 1)]
        )
        assert len(compiled.converters) == len(values)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_keys_never_hold_expression_objects(case: Case) -> None:
    for node in (case.build(case.first), case.other(), as_statement(case.other())):
        key, _ = key_of(node)
        hash(key)
        for item in walk(key):
            assert not isinstance(item, Expr), f"{item!r} inside the key of {node!r}"
            assert not isinstance(item, Node), f"{item!r} inside the key of {node!r}"


def test_every_node_class_is_covered() -> None:
    exported = {
        getattr(vivace.sql, name)
        for name in vivace.sql.__all__
        if isinstance(getattr(vivace.sql, name), type)
        and issubclass(getattr(vivace.sql, name), Node)
    }
    covered: set[type] = set()
    for case in CASES:
        for node in (case.build(case.first), case.other()):
            covered.update(type(node).__mro__)
    # subquery InList and nested nodes inside statements
    assert exported - covered == set()
    required = {
        Param,
        Arithmetic,
        Comparison,
        PostfixOp,
        InList,
        And,
        Or,
        Not,
        FunctionCall,
        Star,
        Alias,
        OrderItem,
        Raw,
        Join,
        Select,
        Insert,
        Update,
        Delete,
        OnConflict,
        vivace.sql.ColumnNode,
    }
    assert required <= covered


# Different shapes, all at once -------------------------------------------------------------------
def distinct_on(query: Any, column: Any) -> Any:
    """``query.distinct(on=[column])``, which a SQLite-bound table refuses when called."""
    query = query._copy()
    query._distinct_on = (column,)
    return query


def distinct_shapes() -> list[Node]:
    band = Band_
    select = band.select(band.name)
    return [
        band.select()._statement(),
        select._statement(),
        band.select(band.popularity)._statement(),
        band.select(band.name, band.popularity)._statement(),
        band.select(band.popularity, band.name)._statement(),
        band.select(band.name.as_alias("n"))._statement(),
        band.select(band.manager.name)._statement(),
        Manager_.select(Manager_.name)._statement(),
        band.select(band.name).distinct()._statement(),
        distinct_on(band.select(band.name).order_by(band.name), band.name)._statement(),
        select.where(band.popularity == 1)._statement(),
        select.where(band.popularity != 1)._statement(),
        select.where(band.popularity < 1)._statement(),
        select.where(band.popularity <= 1)._statement(),
        select.where(band.popularity > 1)._statement(),
        select.where(band.popularity >= 1)._statement(),
        select.where(band.name == None)._statement(),  # noqa: E711
        select.where(band.name != None)._statement(),  # noqa: E711
        select.where(band.id.is_in([1]))._statement(),
        select.where(band.id.not_in([1]))._statement(),
        select.where(band.name.like("a"))._statement(),
        select.where(band.name.ilike("a"))._statement(),
        select.where(band.name.not_like("a"))._statement(),
        select.where((band.name == "a") & (band.id == 1))._statement(),
        select.where((band.name == "a") | (band.id == 1))._statement(),
        select.where(band.id == 1, band.name == "a")._statement(),
        select.where(~(band.name == "a"))._statement(),
        select.where(WhereRaw("name = {}", "a"))._statement(),
        select.where(band.manager.name == "a")._statement(),
        select.order_by(band.name)._statement(),
        select.order_by(band.name, ascending=False)._statement(),
        select.limit(1)._statement(),
        select.offset(1)._statement(),
        select.limit(1).offset(1)._statement(),
        select.group_by(band.name)._statement(),
        select.group_by(band.name).having(FunctionCall("COUNT", (Star(),)) > 1)._statement(),
        select.lock_rows()._statement(),
        band.count()._statement(),
        band.count(band.name)._statement(),
        band.count(distinct=[band.name])._statement(),
        band.exists()._statement(),
        band.insert(band(name="a"))._statement(),
        band.insert(band(name="a"), band(name="b"))._statement(),
        band.insert(band(id=1, name="a"))._statement(),
        band.insert(band(name="a")).returning(band.name)._statement(),
        band.insert(band(name="a")).on_conflict()._statement(),
        band.insert(band(name="a")).on_conflict(target=band.name)._statement(),
        band.insert(band(name="a"))
        .on_conflict(target=band.name, action="DO UPDATE", values=[band.name])
        ._statement(),
        band.update(name="a").where(band.id == 1)._statement(),
        band.update(popularity=1).where(band.id == 1)._statement(),
        band.update(name="a", popularity=1).where(band.id == 1)._statement(),
        band.update({band.popularity: band.popularity + 1}).where(band.id == 1)._statement(),
        band.update(name="a").where(band.id == 1).returning(band.name)._statement(),
        band.update(name="a", force=True)._statement(),
        band.delete().where(band.id == 1)._statement(),
        band.delete().where(band.id == 1).returning(band.id)._statement(),
        band.delete(force=True)._statement(),
        band.raw("SELECT {}", 1)._statement(),
        band.raw("SELECT {} + 1", 1)._statement(),
        BandTwin_.select(BandTwin_.name)._statement(),
    ]


def test_different_shapes_give_different_keys() -> None:
    shapes = distinct_shapes()
    keys = [key_of(node)[0] for node in shapes]
    for (i, a), (j, b) in itertools.combinations(enumerate(keys), 2):
        assert a != b, f"shapes {i} and {j} share a key: {a!r}"


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_different_shapes_compile_to_different_entries(kind: str) -> None:
    engine = fresh_engine(kind)
    shapes = [s for s in distinct_shapes() if kind == "postgres" or not _pg_only(s)]
    compiled = [engine.compile(s)[0] for s in shapes]
    assert engine.compiled_cache.misses == len(shapes)
    assert engine.compiled_cache.hits == 0
    assert len(engine.compiled_cache) == len(shapes)
    assert len({id(c) for c in compiled}) == len(shapes)


def _pg_only(statement: Node) -> bool:
    if not isinstance(statement, Select):
        return False
    offset_alone = statement.offset is not None and statement.limit is None  # Piccolo: refused
    return bool(statement.distinct_on or statement.lock or offset_alone)


def test_building_the_same_query_twice_gives_equal_keys() -> None:
    for a, b in zip(distinct_shapes(), distinct_shapes(), strict=True):
        key_a, values_a = key_of(a)
        key_b, values_b = key_of(b)
        assert key_a == key_b
        assert values_a == values_b


# Cache hits --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_same_shape_is_a_cache_hit_returning_the_same_compiled(kind: str) -> None:
    engine = fresh_engine(kind)

    def query(name: str, popularity: int) -> Node:
        return (
            Band_.select(Band_.name, Band_.manager.name)
            .where(Band_.name == name, Band_.popularity > popularity)
            .order_by(Band_.name)
            .limit(10)
            ._statement()
        )

    first, values_1 = engine.compile(query("a", 1))
    assert (engine.compiled_cache.misses, engine.compiled_cache.hits) == (1, 0)
    second, values_2 = engine.compile(query("b", 2))
    assert second is first
    assert (engine.compiled_cache.misses, engine.compiled_cache.hits) == (1, 1)
    assert values_1 == ["a", 1, 10]
    assert values_2 == ["b", 2, 10]
    assert list(second.bind(values_2)) == ["b", 2, 10]
    # another shape is a miss
    third, _ = engine.compile(Select(Band, (Band_.name,)))
    assert third is not first
    assert (engine.compiled_cache.misses, engine.compiled_cache.hits) == (2, 1)


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_insert_row_count_is_part_of_the_shape(kind: str) -> None:
    engine = fresh_engine(kind)
    one_a, values = engine.compile(Band_.insert(Band_(name="a"))._statement())
    one_b, _ = engine.compile(Band_.insert(Band_(name="b", popularity=9))._statement())
    two_a, two_values = engine.compile(Band_.insert(Band_(name="a"), Band_(name="b"))._statement())
    two_b, _ = engine.compile(Band_.insert(Band_(name="c"), Band_(name="d"))._statement())
    assert one_a is one_b
    assert two_a is two_b
    assert one_a is not two_a
    assert len(two_values) == 2 * len(values)
    assert engine.compiled_cache.misses == 2
    assert engine.compiled_cache.hits == 2


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_is_in_lists_of_any_length_share_one_key(kind: str) -> None:
    engine = fresh_engine(kind)
    lists = [(), [1], [1, 2], list(range(100))]  # an empty list is refused (Piccolo)
    keys = set()
    compiled = set()
    for items in lists:
        statement = Band_.select(Band_.name).where(Band_.id.is_in(items))._statement()
        key, values = key_of(statement)
        keys.add(key)
        assert values == [list(items)]
        found, found_values = engine.compile(statement)
        compiled.add(id(found))
        assert found_values == [list(items)]
    assert len(keys) == 1
    assert len(compiled) == 1
    assert engine.compiled_cache.hits == len(lists) - 1
    # the negated form is another shape
    negated = Band_.select(Band_.name).where(Band_.id.not_in([1]))._statement()
    assert key_of(negated)[0] not in keys


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_limit_and_offset_values_do_not_change_the_key(kind: str) -> None:
    engine = fresh_engine(kind)
    base = Band_.select(Band_.name)
    paged = [base.limit(n).offset(m)._statement() for n, m in [(1, 0), (10, 20), (500, 7)]]
    keys = {key_of(s)[0] for s in paged}
    assert len(keys) == 1
    results = [engine.compile(s) for s in paged]
    assert len({id(c) for c, _ in results}) == 1
    assert [v for _, v in results] == [[1, 0], [10, 20], [500, 7]]
    # first() is limit(1): the same shape as any other limit
    assert key_of(base.first()._statement())[0] == key_of(base.limit(99)._statement())[0]
    # whether there is a limit or an offset is shape
    assert key_of(base.limit(1)._statement())[0] != key_of(base.offset(1)._statement())[0]
    assert key_of(base.limit(1)._statement())[0] != key_of(base._statement())[0]


def test_joined_column_differs_from_the_plain_column_of_the_other_table() -> None:
    joined, _ = key_of(Band_.manager.name)
    plain, _ = key_of(Manager_.name)
    assert joined != plain
    assert key_of(Band_.manager)[0] != key_of(Band_.manager.id)[0]
    assert key_of(Concert_.band_1.name)[0] != key_of(Concert_.band_2.name)[0]
    assert key_of(Concert_.band_1.manager.name)[0] != key_of(Band_.manager.name)[0]
    # the same path reached twice is the same shape
    assert key_of(Band_.manager.name)[0] == key_of(Band_.manager._.name)[0]
    assert (
        key_of(Band_.manager.name)[0] == key_of(Band_._meta.get_column_by_name("manager.name"))[0]
    )

    engine = fresh_engine("postgres")
    a, _ = engine.compile(Band_.select(Band_.manager.name)._statement())
    b, _ = engine.compile(Manager_.select(Manager_.name)._statement())
    assert a is not b
    assert a.result_names == ("manager.name",)
    assert b.result_names == ("name",)


def test_where_on_a_joined_column_differs_from_one_on_the_plain_column() -> None:
    joined = Band_.select(Band_.name).where(Band_.manager.name == "a")._statement()
    plain = Band_.select(Band_.name).where(Band_.name == "a")._statement()
    assert key_of(joined)[0] != key_of(plain)[0]


def test_parameter_type_is_part_of_the_shape() -> None:
    # the type decides the parameter's converter, so it must be in the key
    assert key_of(Param(1, INT))[0] != key_of(Param(1, None))[0]
    assert (
        key_of(Param(1, ValueType("numeric", (5, 2))))[0]
        != key_of(Param(1, ValueType("numeric", (6, 2))))[0]
    )


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_function_alias_and_type_are_part_of_the_shape(kind: str) -> None:
    engine = fresh_engine(kind)
    plain = FunctionCall("MAX", (Band_.price,))
    aliased = FunctionCall("MAX", (Band_.price,), default_alias="top")
    typed = FunctionCall("MAX", (Band_.price,), vtype=Band_.price.value_type)
    keys = {key_of(node)[0] for node in (plain, aliased, typed)}
    assert len(keys) == 3
    compiled = [engine.compile(Select(Band, (node,)))[0] for node in (plain, aliased, typed)]
    assert [c.result_names for c in compiled] == [("max",), ("top",), ("max",)]
    # only the typed one reads its result back through the column's converter
    has_converter = [c.result_converters[0] is not None for c in compiled]
    assert has_converter == [False, False, kind == "sqlite"]


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_raw_alias_is_part_of_the_shape(kind: str) -> None:
    engine = fresh_engine(kind)
    first = Select(Band, (QueryString("upper({})", Band_.name, alias="a"),))
    second = Select(Band, (QueryString("upper({})", Band_.name, alias="b"),))
    assert key_of(first)[0] != key_of(second)[0]
    assert engine.compile(first)[0].result_names == ("a",)
    assert engine.compile(second)[0].result_names == ("b",)


def test_update_shape_is_the_set_of_assigned_columns() -> None:
    a = Band_.update(name="a").where(Band_.id == 1)._statement()
    b = Band_.update(name="b").where(Band_.id == 2)._statement()
    c = Band_.update(popularity=1).where(Band_.id == 1)._statement()
    d = Band_.update({Band_.popularity: Band_.popularity + 1}).where(Band_.id == 1)._statement()
    assert key_of(a)[0] == key_of(b)[0]
    assert key_of(a)[1] == ["a", 1]
    assert key_of(b)[1] == ["b", 2]
    assert len({key_of(x)[0] for x in (a, c, d)}) == 3


def test_str_does_not_touch_the_cache() -> None:
    engine = fresh_engine("sqlite")
    table: Any = create_table_class(
        "ShapeStrOnly", class_kwargs={"db": engine, "tablename": "str_only"}
    )
    text = str(table.select().where(table.id == 5))
    assert text == 'SELECT "str_only"."id" FROM "str_only" WHERE "str_only"."id" = 5'
    assert len(engine.compiled_cache) == 0
    assert engine.compiled_cache.misses == 0


# The LRU -----------------------------------------------------------------------------------------
def ten_shapes() -> list[Node]:
    columns = [Band_.id, Band_.name, Band_.popularity, Band_.price, Band_.manager]
    shapes: list[Node] = [Band_.select(c)._statement() for c in columns]
    shapes += [Band_.select(c).where(c == None)._statement() for c in columns]  # noqa: E711
    return shapes


@pytest.mark.parametrize("kind", ENGINE_KINDS)
def test_the_compiled_cache_stays_bounded(kind: str) -> None:
    engine = fresh_engine(kind, size=3)
    cache = engine.compiled_cache
    shapes = ten_shapes()
    assert len({key_of(s)[0] for s in shapes}) == 10
    compiled = [engine.compile(s)[0] for s in shapes]
    assert len(cache) == 3
    assert (cache.misses, cache.hits) == (10, 0)
    # the three most recent are kept
    for index in (7, 8, 9):
        assert engine.compile(shapes[index])[0] is compiled[index]
    assert (cache.misses, cache.hits) == (10, 3)
    # the oldest were evicted: compiling them again is a miss (an equal, new Compiled)
    again, _ = engine.compile(shapes[0])
    assert again is not compiled[0]
    assert again.sql == compiled[0].sql
    assert (cache.misses, cache.hits) == (11, 3)
    assert len(cache) == 3


def test_the_cache_evicts_the_least_recently_used() -> None:
    engine = fresh_engine("sqlite", size=3)
    cache = engine.compiled_cache
    a, b, c, d = ten_shapes()[:4]
    first_a = engine.compile(a)[0]
    engine.compile(b)
    engine.compile(c)
    assert engine.compile(a)[0] is first_a  # a is now the most recent
    engine.compile(d)  # evicts b, the least recently used
    assert len(cache) == 3
    assert engine.compile(a)[0] is first_a
    hits = cache.hits
    engine.compile(b)
    assert cache.hits == hits  # b was evicted: a miss


def test_cache_clear() -> None:
    engine = fresh_engine("sqlite")
    statement = Band_.select(Band_.name)._statement()
    first = engine.compile(statement)[0]
    engine.compiled_cache.clear()
    assert len(engine.compiled_cache) == 0
    assert engine.compile(statement)[0] is not first


def test_select_of_builds_the_statement_select_would() -> None:
    """``select_of`` (the builders' constructor, no ``__init__``) sets every part: the same
    key, values and SQL as ``Select(...)`` for a statement using all of them."""
    b = Band_
    parts: dict[str, Any] = {
        "columns": (b.name, b.popularity.as_alias("p")),
        "where": (b.popularity > 3) & (b.name == "x"),
        "group_by": (b.name, b.popularity),
        "having": Count() > 1,
        "order_by": (OrderItem(b.name, False),),
        "limit": 5,
        "offset": 2,
        "distinct": True,
        "distinct_on": (),
        "lock": ("UPDATE", False, True, ()),
    }
    made = select_of(b, *parts.values())
    assert set(Select.__slots__) == {"table", "joins", *parts}  # a new part needs both
    plain = Select(b, **parts)
    assert key_of(made) == key_of(plain)
    dialect = PostgresDialect()
    assert dialect.compile(made).sql == dialect.compile(plain).sql


def test_a_full_cache_of_recently_used_entries_still_evicts_one() -> None:
    """CLOCK eviction: every entry used since the last look gets a second chance, then the
    oldest goes; the cache never grows past its size."""
    engine = fresh_engine("sqlite", size=2)
    cache = engine.compiled_cache
    a, b, c = ten_shapes()[:3]
    first_b = engine.compile(b)[0]
    engine.compile(a)
    engine.compile(b)  # a hit: both a and b are recent now
    engine.compile(a)
    engine.compile(c)  # b (the oldest) and a get their second chance; then b goes
    assert len(cache) == 2
    misses = cache.misses
    assert engine.compile(a)[0] is not None and cache.misses == misses  # kept
    assert engine.compile(b)[0] is not first_b and cache.misses == misses + 1  # evicted
    assert len(cache) == 2
