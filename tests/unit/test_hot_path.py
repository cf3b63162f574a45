"""Call-count pins of the hot path: they fail when per-query work grows.

Counts are Python-level function calls (``sys.setprofile`` "call" events), which are
deterministic, unlike timings. When a change legitimately moves a number, update the
pin in the same commit and say why.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Callable
from typing import Any

from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.engine import SQLiteEngine
from vivace.orm.rows import dict_factory, object_factory

ENGINE = SQLiteEngine(path=":memory:")


class HotBand(Table, db=ENGINE, tablename="hot_band"):
    name = Varchar(length=50)
    popularity = Integer()


def count_calls(fn: Callable[[], Any]) -> int:
    calls = 0

    def profiler(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    # Collect first and pause the collector: finalizers of objects left by earlier
    # tests (weakref callbacks, __del__) would otherwise be counted as our calls.
    gc.collect()
    gc.disable()
    sys.setprofile(profiler)
    try:
        fn()
    finally:
        sys.setprofile(None)
        gc.enable()
    return calls


def test_select_by_pk_compile_hit_is_a_handful_of_calls() -> None:
    def build_and_compile() -> None:
        query = HotBand.objects().where(HotBand.id == 1).first()
        ENGINE.compile(query._statement())

    build_and_compile()  # the miss
    hits = ENGINE.compiled_cache.hits
    calls = count_calls(build_and_compile)
    assert ENGINE.compiled_cache.hits == hits + 1
    # Builder copies, the key walk of ~10 nodes and the cache lookup (36 before issue 15,
    # 20 before its pool/compile round: no call into the cache, two-object comparisons).
    assert calls <= 18, calls


def test_a_filtered_sorted_select_compile_hit_stays_lean() -> None:
    """The benchmark's compile_hit shape: three conditions, an order and a limit."""

    def build_and_compile() -> None:
        query = (
            HotBand.select(HotBand.id, HotBand.name)
            .where((HotBand.popularity > 3) & HotBand.name.like("a%") & (HotBand.id == 2))
            .order_by(HotBand.popularity, ascending=False)
            .limit(10)
        )
        ENGINE.compile(query._statement())

    build_and_compile()  # the miss
    calls = count_calls(build_and_compile)
    # 87 before issue 15, 31 before its second round (a flat AND of the chain keyed
    # inline, comparisons and sort items built without __init__ calls, select_of).
    assert calls <= 22, calls


def test_other_forms_of_a_pk_read_cost_as_little() -> None:
    """Issue 15: chosen columns with an alias, and where().first(), are as lean as the
    forms the benchmark started with."""
    forms = {
        "alias": lambda: (
            HotBand.select(HotBand.id, HotBand.name.as_alias("title"), HotBand.popularity)
            .where(HotBand.id == 1)
            .first()
        ),
        "where_first": lambda: HotBand.objects().where(HotBand.id == 1).first(),
    }
    counts = {}
    for name, build in forms.items():
        ENGINE.compile(build()._statement())  # the miss
        counts[name] = count_calls(lambda build=build: ENGINE.compile(build()._statement()))
    # Before issue 15: 49 and 37; 19 and 21 before its second round.
    assert counts["alias"] <= 18 and counts["where_first"] <= 19, counts


def _rows() -> list[tuple[Any, ...]]:
    return [(i, f"band {i}", i * 10) for i in range(1000)]


def test_mapping_1000_rows_to_dicts_costs_no_call_per_row() -> None:
    compiled, _ = ENGINE.compile(HotBand.select()._statement())
    to_dicts = dict_factory(compiled)
    rows = _rows()
    calls = count_calls(lambda: to_dicts(rows))
    assert calls <= 3, calls  # the lambda, the generated mapper and its comprehension
    assert to_dicts(rows)[5] == {"id": 5, "name": "band 5", "popularity": 50}


def test_mapping_1000_rows_to_objects_costs_no_call_per_row() -> None:
    compiled, _ = ENGINE.compile(HotBand.objects()._statement())
    to_objects = object_factory(compiled, HotBand)
    rows = _rows()
    calls = count_calls(lambda: to_objects(rows))
    assert calls <= 2, calls  # the lambda and the generated mapper (3 before issue 15)
    band = to_objects(rows)[7]
    assert (band.id, band.name, band.popularity, band._exists_in_db) == (7, "band 7", 70, True)


def test_select_by_pk_end_to_end_on_sqlite_stays_small() -> None:
    async def scenario() -> int:
        await HotBand.create_table(if_not_exists=True)
        await HotBand.insert(HotBand(name="a", popularity=1))

        async def get() -> Any:
            return await HotBand.objects().get(HotBand.id == 1)

        await get()  # warm: compile, connection, factory
        gc.collect()
        loop_calls = 0

        def profiler(frame: Any, event: str, arg: Any) -> None:
            nonlocal loop_calls
            if event == "call":
                loop_calls += 1

        sys.setprofile(profiler)
        try:
            band = await get()
        finally:
            sys.setprofile(None)
        assert band is not None and band.name == "a"
        return loop_calls

    calls = asyncio.run(scenario())
    # Build + compile hit + engine fetch/bind + row factory + coroutine frames (49 before
    # issue 15).
    assert calls <= 29, calls


def test_binding_a_1000_row_insert_checks_whole_columns_not_each_value() -> None:
    """Issue 11: every value is checked against its column, but a bulk insert of plain
    values pays a few C-level passes per column, not a Python call per value."""
    rows = [HotBand(name=f"band {i}", popularity=i) for i in range(1000)]
    compiled, values = ENGINE.compile(HotBand.insert(*rows)._statement())
    calls = count_calls(lambda: compiled.bind(values))
    assert calls <= 12, calls
    assert compiled.bind(values) is values  # nothing needed converting: no copy either


def test_binding_one_row_pays_one_call_per_checked_value() -> None:
    compiled, values = ENGINE.compile(HotBand.insert(HotBand(name="a", popularity=1))._statement())
    calls = count_calls(lambda: compiled.bind(values))
    # The lambda, bind, its comprehension, and one check per column (name, popularity).
    assert calls <= 5, calls
