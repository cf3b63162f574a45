"""Issue 15's write paths, without a database: the SQL and binding of a many-row insert
sent as arrays (``InsertArrays``), its shape key, and call-count pins of the one-row
insert and the update by primary key (Python calls are deterministic, timings are not;
a change that moves a pin updates it in the same commit and says why).
"""

from __future__ import annotations

import gc
import sys
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from vivace import Table
from vivace.columns import UUID, Integer, Varchar
from vivace.engine import PostgresEngine
from vivace.exceptions import InvalidValue
from vivace.orm.write import Insert
from vivace.sql.insert_arrays import InsertArrays

ENGINE = PostgresEngine(config={})
TYPES = ('pg_catalog."varchar"', "pg_catalog.int4", "pg_catalog.uuid")


class ArrayBand(Table, db=ENGINE, tablename="array_band"):
    name = Varchar(length=5)
    popularity = Integer()
    ident = UUID(null=True)


COLUMNS = (ArrayBand.name, ArrayBand.popularity, ArrayBand.ident)


def count_calls(fn: Callable[[], Any]) -> int:
    calls = 0

    def profiler(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    gc.collect()
    gc.disable()
    sys.setprofile(profiler)
    try:
        fn()
    finally:
        sys.setprofile(None)
        gc.enable()
    return calls


def _arrays(count: int) -> list[list[Any]]:
    return [[f"b{i}" for i in range(count)], list(range(count)), [None] * count]


def test_insert_arrays_sql_casts_each_list_to_its_element_type() -> None:
    statement = InsertArrays(ArrayBand, COLUMNS, _arrays(20), TYPES, (ArrayBand.id,))
    compiled, _values = ENGINE.compile(statement)
    assert compiled.sql == (
        'INSERT INTO "array_band" ("name", "popularity", "ident") SELECT * FROM unnest('
        '$1::pg_catalog."varchar"[], $2::pg_catalog.int4[], $3::pg_catalog.uuid[]) '
        'RETURNING "id"'
    )
    assert compiled.result_names == ("id",) and compiled.is_write
    assert not compiled.is_small_write


def test_one_compiled_statement_for_every_row_count() -> None:
    ENGINE.compiled_cache.clear()
    for count in (11, 500, 10_000):
        ENGINE.compile(InsertArrays(ArrayBand, COLUMNS, _arrays(count), TYPES, (ArrayBand.id,)))
    assert len(ENGINE.compiled_cache) == 1
    few, _ = ENGINE.compile(InsertArrays(ArrayBand, COLUMNS, _arrays(3), TYPES))
    assert few.is_small_write and len(ENGINE.compiled_cache) == 2


def test_lists_that_pass_the_quick_check_are_bound_as_they_are() -> None:
    arrays = _arrays(50)
    compiled, values = ENGINE.compile(InsertArrays(ArrayBand, COLUMNS, arrays, TYPES))
    params = compiled.bind(values)
    assert params[0] is arrays[0] and params[1] is arrays[1]  # no copy, no call per value


def test_values_are_checked_and_converted_one_by_one_where_needed() -> None:
    arrays = _arrays(3)
    text = "12345678-1234-5678-1234-56781234567a"
    arrays[2] = [text, None, uuid.UUID(int=1)]
    compiled, values = ENGINE.compile(InsertArrays(ArrayBand, COLUMNS, arrays, TYPES))
    assert compiled.bind(values)[2] == [uuid.UUID(text), None, uuid.UUID(int=1)]

    arrays[0][1] = "too long"
    compiled, values = ENGINE.compile(InsertArrays(ArrayBand, COLUMNS, arrays, TYPES))
    with pytest.raises(InvalidValue, match=r"^array_band\.name expects a str of at most 5"):
        compiled.bind(values)


def test_update_by_pk_builds_and_compiles_in_a_few_calls() -> None:
    ENGINE.compile(
        ArrayBand.update({ArrayBand.popularity: 1}).where(ArrayBand.id == 1)._statement()
    )

    def build() -> Any:
        query = ArrayBand.update({ArrayBand.popularity: 2}).where(ArrayBand.id == 5)
        return ENGINE.compile(query._statement())

    calls = count_calls(build)
    assert calls <= 20, calls  # 27 before issue 15 (resolve_column/storable/to_expr, generators)


def test_insert_one_row_builds_and_compiles_in_a_few_calls() -> None:
    row = ArrayBand(name="a", popularity=1)
    query = Insert(ArrayBand, (row,))
    layout = query._layout_for(frozenset({"id"}))

    def build() -> Any:
        from vivace.orm.write import _row_values
        from vivace.sql import Insert as InsertStatement

        picked = _row_values(layout.columns, (row,), layout)
        return ENGINE.compile(InsertStatement(ArrayBand, layout.columns, picked, (ArrayBand.id,)))

    build()
    calls = count_calls(build)
    assert calls <= 8, calls  # 18 before issue 15 (column list, getter and key generators)
