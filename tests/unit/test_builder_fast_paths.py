"""The builders' fast paths (issue 15) give what the general paths give: same keys, same
SQL, same refusals."""

from __future__ import annotations

import enum

import pytest

from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import SQLiteEngine
from vivace.exceptions import QueryError
from vivace.sql import Alias, And, Comparison, Or, OrderItem, Param, Select
from vivace.sql.nodes import ValueComparison

ENGINE = SQLiteEngine(path=":memory:")


class FastBand(Table, db=ENGINE, tablename="fast_band"):
    name = Varchar(length=50)
    popularity = Integer()


class OwnParam(Param):
    """Not a Param exactly: keyed through ``Param._key``, not the inlined path."""

    __slots__ = ()


class Level(enum.IntEnum):
    high = 7


def key(statement: object) -> tuple[object, list[object]]:
    values: list[object] = []
    return statement._key(values), values  # type: ignore[attr-defined]


def test_inlined_keys_equal_the_nodes_own_keys() -> None:
    aliased = FastBand.name.as_alias("title")
    order = OrderItem(FastBand.popularity, False)
    condition = FastBand.popularity > 3
    inline = Select(FastBand, columns=(aliased,), where=condition, order_by=(order,))
    statement_key, values = key(inline)
    assert statement_key[4] == (key(aliased)[0],)  # the selected columns' keys
    assert statement_key[9] == (key(order)[0],)  # the sort keys
    # A Param subclass is keyed by its own _key, the plain Param inline: the same key.
    general = Comparison(FastBand.popularity, ">", OwnParam(3, FastBand.popularity.value_type))
    inline_param = Comparison(FastBand.popularity, ">", Param(3, FastBand.popularity.value_type))
    assert key(And(general, general)) == key(And(inline_param, inline_param))
    # ``column op value`` is one node, keyed alike alone and inside an AND (inlined there).
    assert isinstance(condition, ValueComparison) and values == [3]
    assert key(And(condition, general)) == (("AND", key(condition)[0], key(general)[0]), [3, 3])
    # The general node holding the same parameter renders the same SQL and values.
    fast, fast_values = ENGINE.compile(inline)
    slow, slow_values = ENGINE.compile(
        Select(FastBand, columns=(aliased,), where=general, order_by=(order,))
    )
    assert fast is not slow and fast.sql == slow.sql and fast_values == slow_values == [3]


def test_selecting_names_lists_and_columns_is_one_shape() -> None:
    plain = FastBand.select(FastBand.name, FastBand.popularity)
    by_name = FastBand.select("name", [FastBand.popularity])
    assert key(plain._statement()) == key(by_name._statement())
    assert key(FastBand.select()._statement()) == key(
        FastBand.select(*FastBand._meta.columns)._statement()
    )


def test_one_column_order_by_equals_the_general_form() -> None:
    one = FastBand.select().order_by(FastBand.name, ascending=False)
    listed = FastBand.select().order_by([FastBand.name], ascending=False)
    assert key(one._statement()) == key(listed._statement())


def test_and_or_of_conditions_and_their_refusals() -> None:
    left, right = FastBand.name == "a", FastBand.popularity < 2
    assert isinstance(left & right, And) and (left & right).conditions == (left, right)
    assert isinstance(left | right, Or) and (left | right).conditions == (left, right)
    with pytest.raises(QueryError, match="boolean value"):
        left & True  # type: ignore[operator]
    with pytest.raises(QueryError, match="cannot OR"):
        left | 3
    with pytest.raises(QueryError, match="boolean value"):
        FastBand.select().where(FastBand.name is None)  # type: ignore[arg-type]


def test_comparisons_wrap_plain_values_and_enum_members_alike() -> None:
    assert key(FastBand.popularity == Level.high) == key(FastBand.popularity == 7)
    assert key(FastBand.popularity >= Level.high)[1] == [7]
    assert isinstance((FastBand.name != "x").right, Param)
    assert (FastBand.popularity <= FastBand.popularity).right is FastBand.popularity
    assert isinstance(FastBand.name.as_alias("t"), Alias)
