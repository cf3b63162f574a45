"""The scale curves' readers find knees and flat curves where they are, and the notes
they write carry the measured numbers.

They guard ``python -m benchmarks --scale``: its Markdown states "stops growing at pool
5" or "batch() memory stays flat" from these functions alone, so a reader that put the
knee one point off, or called a linear curve flat, would publish a wrong claim.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pytest

from benchmarks.scale import explain, knees

MIB = 2**20
POOLS = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]


# knees ---------------------------------------------------------------------------------------
def test_knee_where_a_saturating_curve_stops_growing() -> None:
    # Grows 1 -> 2 -> 5, then every later point within 10 % of the value at 5.
    assert knees.knee(POOLS, [1000, 1900, 4000, 4100, 4050, 4300]) == 5.0


def test_knee_moves_with_the_growth_threshold() -> None:
    ys = [1000, 1900, 4000, 4500, 4600, 4600]
    assert knees.knee(POOLS, ys) == 10.0  # 4000 -> 4600 is 15 %: still growing at 5
    assert knees.knee(POOLS, ys, growth=0.2) == 5.0


def test_no_knee_while_the_curve_still_grows_at_the_end() -> None:
    assert knees.knee(POOLS, [100, 200, 400, 800, 1600, 3200]) is None
    assert knees.knee_index([100.0, 200.0]) is None


def test_a_flat_curve_has_its_knee_at_the_first_point() -> None:
    assert knees.knee(POOLS, [9000, 9500, 9100, 9800, 9300, 9000]) == 1.0


def test_a_dip_then_a_climb_is_not_a_knee() -> None:
    # 8 is not the knee although the next point is not above it by 10 %... the one after is.
    assert knees.knee([1.0, 2.0, 3.0, 4.0], [10, 30, 25, 31]) == 2.0
    assert knees.knee([1.0, 2.0, 3.0], [10, 8, 20]) is None


def test_knee_rejects_mismatched_or_empty_curves() -> None:
    with pytest.raises(ValueError):
        knees.knee([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        knees.knee([], [])


def test_flat_within_tolerance_and_not_beyond() -> None:
    assert knees.is_flat([2.0, 2.2, 2.4])  # 20 % spread
    assert not knees.is_flat([2.0, 2.2, 2.6])  # 30 %
    assert knees.is_flat([2.0, 2.5], tolerance=0.3)
    assert math.isclose(knees.spread([2.0, 3.0]), 0.5)
    assert knees.spread([4.0]) == 0.0


def test_flat_floor_allows_small_absolute_changes() -> None:
    assert not knees.is_flat([0.4, 0.9])  # 125 % ...
    assert knees.is_flat([0.4, 0.9], floor=1.0)  # ... but half a MiB
    assert not knees.is_flat([0.4, 1.9], floor=1.0)


def test_flat_from_finds_where_the_fixed_cost_stops_mattering() -> None:
    counts = [1e3, 1e4, 1e5, 1e6]
    assert knees.flat_from(counts, [3.7, 2.0, 1.9, 2.1]) == 1e4
    assert knees.flat_from(counts, [2.0, 2.1, 1.9, 2.0]) == 1e3
    assert knees.flat_from(counts, [1.0, 2.0, 4.0, 8.0]) is None
    assert knees.flat_from(counts, [0.4, 1.8, 1.9, 1.9], floor=1.0) == 1e4


def test_linear_fit_recovers_a_line() -> None:
    xs = [1e3, 1e4, 1e5, 1e6]
    fit = knees.linear_fit(xs, [500 * x + 20_000 for x in xs])
    assert math.isclose(fit.slope, 500)
    assert math.isclose(fit.intercept, 20_000)
    assert math.isclose(fit.r2, 1.0)


def test_grows_linearly_tells_linear_from_flat_and_from_saturating() -> None:
    xs = [1e3, 1e4, 1e5, 1e6]
    assert knees.grows_linearly(xs, [0.5 * x for x in xs])
    assert not knees.grows_linearly(xs, [0.9, 0.9, 0.9, 0.9])  # flat: no growth
    assert not knees.grows_linearly(xs, [1.0, 9.0, 10.0, 10.0])  # grows, then saturates


def test_peak_and_drop_after_it() -> None:
    assert knees.peak(POOLS, [5, 9, 9, 7, 6, 4]) == (2.0, 9)  # the first of equal highs
    assert math.isclose(knees.drop_after_peak([5, 10, 6]), 0.4)
    assert knees.drop_after_peak([5, 6, 10]) == 0.0


# explain: rows -------------------------------------------------------------------------------
def _rows(per_row_bytes: float, fixed: float, counts: list[int], us: float) -> list[dict[str, Any]]:
    return [
        {"rows": n, "peak_bytes": fixed + per_row_bytes * n, "seconds": n * us / 1e6}
        for n in counts
    ]


COUNTS = [1_000, 10_000, 100_000, 1_000_000]


def test_memory_notes_state_the_growth_of_whole_and_the_flat_batch() -> None:
    whole = _rows(500, 0, COUNTS, 2.0)
    batch = _rows(0, 0.9 * MIB, COUNTS, 1.5)
    notes = explain.memory_notes("postgres", whole, batch)
    # 500 bytes a row: 50,000,000 bytes per 100k rows = 47.7 MiB.
    assert "PostgreSQL: the memory of a whole fetch grows linearly" in notes[0]
    assert "~47.7 MiB per 100k rows" in notes[0]
    assert "500 bytes a row" in notes[0]
    assert "batch() memory stays flat at ~0.9 MiB" in notes[1]
    assert "from 1k to 1M rows" in notes[1]


def test_memory_notes_call_a_growing_batch_not_flat() -> None:
    whole = _rows(500, 0, COUNTS, 2.0)
    batch = _rows(40, 0, COUNTS, 1.5)  # 40 bytes a row: 38 MiB at 1M
    notes = explain.memory_notes("mysql", whole, batch)
    assert "MariaDB: batch() memory is NOT flat" in notes[1]
    assert "38.1 MiB at 1M" in notes[1]


def test_memory_notes_show_a_batch_bounded_after_its_first_batch() -> None:
    whole = _rows(500, 0, COUNTS, 2.0)
    batch = [
        {"rows": n, "peak_bytes": mib * MIB, "seconds": 0.0}
        for n, mib in zip(COUNTS, [0.4, 1.8, 1.9, 1.9])
    ]
    (_, note) = explain.memory_notes("mysql", whole, batch)
    assert "bounded: flat from 10k to 1M rows at 1.8-1.9 MiB" in note
    # 1.9 MiB / 500 bytes a row = 3,985 rows.
    assert "~3,985 rows" in note
    assert "0.4 MiB at 1k rows" in note


def test_a_whole_fetch_that_does_not_grow_linearly_is_said_so() -> None:
    whole = [
        {"rows": n, "peak_bytes": mib * MIB, "seconds": 0.0}
        for n, mib in zip(COUNTS, [1.0, 9.0, 10.0, 10.0])
    ]
    assert "does not grow linearly" in explain.memory_notes("sqlite", whole, [])[0]


def test_time_notes_give_the_fixed_cost_behind_a_high_first_point() -> None:
    # 2 µs a row plus a 1 ms fixed cost per read: 3 µs/row at 1k, 2.1 at 10k, ~2.0 after.
    points = [{"rows": n, "seconds": n * 2e-6 + 1e-3, "peak_bytes": 0} for n in COUNTS]
    (note,) = explain.time_notes("postgres", "whole", points)
    assert note.startswith("PostgreSQL, whole fetch: µs/row is flat (within 25%) from 10k to 1M")
    assert "at 1k rows it is 3.00 µs/row" in note
    assert "~0.99 ms of its 3.00 ms" in note


def test_time_notes_flat_and_not_flat() -> None:
    flat = [{"rows": n, "seconds": n * 2e-6, "peak_bytes": 0} for n in COUNTS]
    (note,) = explain.time_notes("sqlite", "batch", flat)
    assert note == (
        "SQLite, batch(): µs/row is flat (within 25%) from 1k to 1M rows at 2.00 µs/row."
    )
    rising = [
        {"rows": n, "seconds": n * us * 1e-6, "peak_bytes": 0}
        for n, us in zip(COUNTS, [1.0, 2.0, 4.0, 8.0])
    ]
    (note,) = explain.time_notes("sqlite", "whole", rising)
    assert "not flat, it rises: 1.00 at 1k, 2.00 at 10k, 4.00 at 100k, 8.00 at 1M rows" in note
    assert "(spread 700%)" in note
    bumpy = [
        {"rows": n, "seconds": n * us * 1e-6, "peak_bytes": 0}
        for n, us in zip(COUNTS[:3], [1.42, 0.99, 1.43])
    ]
    (note,) = explain.time_notes("postgres", "batch", bumpy)
    assert "not flat, it goes up and down: 1.42 at 1k, 0.99 at 10k, 1.43 at 100k rows" in note
    plateau = [
        {"rows": n, "seconds": n * us * 1e-6, "peak_bytes": 0}
        for n, us in zip(COUNTS, [1.0, 2.0, 2.1, 2.0])
    ]
    (note,) = explain.time_notes("sqlite", "whole", plateau)
    assert note == (
        "SQLite, whole fetch: µs/row rises from 1.00 at 1k rows to 2.00-2.10, flat "
        "(within 25%) from 10k to 1M."
    )


# explain: throughput -------------------------------------------------------------------------
def _side(qps: float, cpu: float, machine: float | None) -> dict[str, Any]:
    return {"qps": qps, "cpu": cpu, "machine": machine, "samples": [qps]}


def _curve(points: Sequence[tuple[int, float, float, float, float | None]]) -> dict[str, Any]:
    """Points (pool size, floor q/s, vivace q/s, vivace cpu, machine share), 200 tasks."""
    return {
        "floor": "asyncpg",
        "pool": [
            {
                "size": size,
                "tasks": 200,
                "floor": _side(floor, 0.5, machine),
                "vivace": _side(vivace, cpu, machine),
                "ratio": vivace / floor,
            }
            for size, floor, vivace, cpu, machine in points
        ],
        "tasks": [],
    }


def test_throughput_knee_on_a_client_bound_curve() -> None:
    curve = _curve(
        [
            (1, 3000, 2000, 0.40, 0.5),
            (2, 5000, 4000, 0.80, 0.8),
            (5, 8000, 7000, 0.98, 1.0),
            (10, 8100, 7100, 0.99, 1.0),
            (20, 8000, 7050, 0.99, 1.0),
            (50, 7900, 6900, 0.99, 1.0),
        ]
    )
    notes = explain.throughput_notes("postgres", curve, "pool", cores=2)
    vivace = next(n for n in notes if n.startswith("PostgreSQL, Vivace: throughput"))
    assert "stops growing at pool 5 (7,000 q/s" in vivace
    assert "the client is CPU-bound" in vivace
    assert "0.98 of a core" in vivace
    assert "100% of its 2 cores" in vivace
    ratio = notes[-1]
    assert "Vivace / asyncpg 0.67-0.88 across pool 1-50" in ratio


def test_throughput_knee_on_a_machine_bound_curve_and_a_drop() -> None:
    curve = _curve(
        [
            (1, 3000, 3000, 0.3, 0.6),
            (2, 6000, 6000, 0.5, 0.97),
            (5, 6100, 6100, 0.5, 0.99),
            (10, 6000, 6000, 0.5, 0.99),
            (20, 5000, 5000, 0.5, 0.99),
            (50, 4000, 4000, 0.5, 0.99),
        ]
    )
    notes = explain.throughput_notes("mysql", curve, "pool", cores=2)
    text = "\n".join(notes)
    assert "MariaDB, Vivace: throughput stops growing at pool 2 (6,000 q/s" in text
    assert "the 2 cores are busy (97%; the client uses 0.50 of a core" in text
    # 6,100 at pool 5 down to 4,000 at pool 50: 34 %.
    assert "falls 34% from its peak (6,100 q/s at pool 5) to 4,000 q/s at pool 50" in text
    # Client CPU a query: 0.3/3000, 0.5/6000, 0.5/6100, 0.5/6000, 0.5/5000, 0.5/4000 cores
    # per q/s = 100, 83, 82, 83, 100, 125 µs; the median is (83.3 + 100) / 2 = 92 µs.
    assert "client CPU a query (median): Vivace 92 µs" in text


def test_throughput_neither_bound_and_still_growing() -> None:
    curve = _curve([(1, 1000, 1000, 0.2, 0.3), (2, 2000, 2000, 0.3, 0.4)])
    notes = explain.throughput_notes("postgres", curve, "pool", cores=2)
    assert "still grows at pool 2 (2,000 q/s" in notes[0]
    flat = _curve([(1, 1000, 1000, 0.2, 0.3), (2, 1000, 1000, 0.2, 0.3)])
    notes = explain.throughput_notes("postgres", flat, "pool", cores=2)
    assert "flat from pool 1 on" in notes[0]
    assert "neither the client (0.20 of a core) nor the machine (30%) reaches 90%" in notes[0]
    assert "idle 80% of the time" in notes[0]


def test_tasks_curve_flat_beyond_the_pool_and_the_one_task_latency() -> None:
    curve = _curve([])
    curve["tasks"] = [
        {
            "size": 10,
            "tasks": t,
            "floor": _side(q * 1.25, 0.5, 1.0),
            "vivace": _side(q, 0.9, 1.0),
            "ratio": 0.8,
        }
        for t, q in ((1, 4000), (10, 9000), (100, 9500), (1000, 8000))
    ]
    text = "\n".join(explain.throughput_notes("postgres", curve, "tasks", cores=2))
    assert "from 10 tasks (the pool's size) on, throughput is flat (8000-9500 q/s" in text
    assert "1 task: 4,000 q/s, one query every 250 µs end to end (asyncpg: 200 µs)" in text
    curve["tasks"][-1]["vivace"] = _side(3000, 0.9, 1.0)
    text = "\n".join(explain.throughput_notes("postgres", curve, "tasks", cores=2))
    assert "throughput is NOT flat (3000-9500 q/s" in text


def test_skipped_points_and_engines_are_named_with_their_reason() -> None:
    curve = _curve([(1, 1000, 900, 0.5, 0.5), (2, 1500, 1400, 0.5, 0.5)])
    curve["pool"].append({"size": 50, "tasks": 200, "skipped": "12 free connections"})
    notes = explain.throughput_notes("postgres", curve, "pool", cores=2)
    assert notes[0] == "PostgreSQL, pool 50: skipped (12 free connections)."
    result: dict[str, Any] = {
        "meta": {"cores": 2},
        "rows": [],
        "throughput": {"postgres": curve, "mysql": {"skipped": "OperationalError: refused"}},
    }
    everything = explain.notes(result)
    assert "MariaDB: throughput not measured (OperationalError: refused)." in everything
    assert notes[0] in everything


def test_gc_note_explains_a_climb_the_collector_makes() -> None:
    # 2 µs a row of work, plus a collector share growing 0 % -> 60 %: raw µs/row climbs
    # 2.0 -> 2.5 -> 3.33 -> 5.0 (not flat), without the collector it stays at 2.0.
    shares = [0.0, 0.2, 0.4, 0.6]
    points = [
        {"rows": n, "seconds": n * 2e-6 / (1 - g), "gc_seconds": n * 2e-6 / (1 - g) * g}
        for n, g in zip(COUNTS, shares)
    ]
    notes = explain.time_notes("mysql", "whole", points)
    assert "not flat, it rises: 2.00 at 1k, 2.50 at 10k, 3.33 at 100k, 5.00 at 1M rows" in notes[0]
    assert "collector ran 0% of the read at 1k rows, 60% at 1M" in notes[1]
    assert "without its time µs/row is flat (2.00)" in notes[1]
    quiet = [{**p, "gc_seconds": 0.0} for p in points]
    assert len(explain.time_notes("mysql", "whole", quiet)) == 1


def test_a_drop_shared_with_the_floor_is_said_so() -> None:
    curve = _curve(
        [(1, 2000, 1000, 0.5, 0.5), (10, 4000, 2000, 0.5, 0.5), (50, 3000, 1500, 0.5, 0.5)]
    )
    text = "\n".join(explain.throughput_notes("postgres", curve, "pool", cores=2))
    assert "Vivace: throughput falls 25% from its peak (2,000 q/s at pool 10)" in text
    assert "asyncpg falls alike (25%)" in text
    curve["pool"][-1]["floor"] = _side(4000, 0.5, 0.5)
    text = "\n".join(explain.throughput_notes("postgres", curve, "pool", cores=2))
    assert "asyncpg falls 0%" in text


def test_the_knee_threshold_grows_with_the_rounds_noise() -> None:
    points = [(1, 3000, 3000, 0.5, 0.5), (2, 6000, 6000, 0.5, 0.5), (5, 7500, 7500, 0.5, 0.5)]
    curve = _curve(points)
    quiet = "\n".join(explain.throughput_notes("postgres", curve, "pool", cores=2))
    assert "Vivace: throughput still grows at pool 5" in quiet  # 6,000 -> 7,500: 25 % > 10 %
    for p in curve["pool"]:
        q = p["vivace"]["qps"]
        p["vivace"]["samples"] = [q * 0.8, q, q * 1.1]  # rounds 37.5 % apart
    noisy = "\n".join(explain.throughput_notes("postgres", curve, "pool", cores=2))
    assert "Vivace: throughput stops growing at pool 2 (6,000 q/s" in noisy
    assert "no later point is more than 38% higher, the larger of 10%" in noisy
