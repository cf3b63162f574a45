"""Plain-English notes on a scale run, written from its numbers only (no I/O).

Each note states a measured shape (a knee, a flat or a linear curve) with the numbers
behind it, and for a throughput knee what the CPU figures there say: the client process
near one full core is client-bound (one Python event loop), the machine's cores near
full is CPU-bound on the machine, and below both the client's loop sits idle part of the
time, waiting on the server. A knee must beat the noise: its growth threshold is the
larger of ``knees.GROWTH`` and the median spread of the point's rounds. Thresholds are
the module's constants, so a note can be checked against the table it comes with.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import Any

from benchmarks.scale import knees

#: Client CPU (cores) from which a point counts as bound by the client's one event loop.
CLIENT_BOUND = 0.9
#: Machine CPU (share of all cores) from which a point counts as bound by the machine.
MACHINE_BOUND = 0.9
#: A batch() peak that moves less than this (MiB) across counts is flat whatever the ratio.
MEMORY_FLOOR_MIB = 1.0
#: A throughput drop after the peak worth a note (fraction of the peak).
DROP = 0.15
#: Two drops this close (fraction of the peak) count as alike.
DROP_ALIKE = 0.10
#: The cyclic GC's share of a read from which it gets a note.
GC_SHARE = 0.05
MIB = 2**20
TITLES = {"postgres": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}


def _count(n: float) -> str:
    """1k, 10k, 1M: a row count as the curves name it."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n / 1000:g}k"
    return f"{n:g}"


def _range(values: Sequence[float], digits: int = 2) -> str:
    low, high = min(values), max(values)
    if round(low, digits) == round(high, digits):
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def memory_notes(
    engine: str, whole: list[dict[str, Any]], batch: list[dict[str, Any]]
) -> list[str]:
    """Notes on the peak memory of whole fetches vs ``batch()`` over the row counts.

    ``whole`` and ``batch``: points {rows, peak_bytes, seconds} sorted by rows.
    """
    title = TITLES.get(engine, engine)
    notes: list[str] = []
    if len(whole) >= 2:
        xs = [float(p["rows"]) for p in whole]
        ys = [p["peak_bytes"] / MIB for p in whole]
        fit = knees.linear_fit(xs, ys)
        per_100k = fit.slope * 100_000
        if knees.grows_linearly(xs, ys):
            notes.append(
                f"{title}: the memory of a whole fetch grows linearly with the rows, "
                f"~{per_100k:.1f} MiB per 100k rows ({fit.slope * MIB:,.0f} bytes a row, "
                f"r² {fit.r2:.3f}; {ys[-1]:.1f} MiB at {_count(xs[-1])})."
            )
        else:
            notes.append(
                f"{title}: the memory of a whole fetch does not grow linearly "
                f"({_range(ys, 1)} MiB over {_count(xs[0])}-{_count(xs[-1])} rows, "
                f"fit r² {fit.r2:.3f})."
            )
    if len(batch) >= 2:
        xs = [float(p["rows"]) for p in batch]
        ys = [p["peak_bytes"] / MIB for p in batch]
        start = knees.flat_from(xs, ys, floor=MEMORY_FLOOR_MIB)
        if start == xs[0]:
            notes.append(
                f"{title}: batch() memory stays flat at ~{statistics.median(ys):.1f} MiB "
                f"({_range(ys, 1)} MiB) from {_count(xs[0])} to {_count(xs[-1])} rows."
            )
        elif start is not None:
            i = xs.index(start)
            held = ""
            if len(whole) >= 2:
                # What the bounded peak is worth in rows of a whole fetch (its bytes a row).
                per_row = knees.linear_fit(
                    [float(p["rows"]) for p in whole], [float(p["peak_bytes"]) for p in whole]
                ).slope
                if per_row > 0:
                    rows = max(ys[i:]) * MIB / per_row
                    held = f", what a whole fetch of ~{rows:,.0f} rows takes"
            notes.append(
                f"{title}: batch() memory is bounded: flat from {_count(start)} to "
                f"{_count(xs[-1])} rows at {_range(ys[i:], 1)} MiB{held}; "
                f"{ys[0]:.1f} MiB at {_count(xs[0])} rows."
            )
        else:
            notes.append(
                f"{title}: batch() memory is NOT flat: {ys[0]:.1f} MiB at {_count(xs[0])} "
                f"rows, {ys[-1]:.1f} MiB at {_count(xs[-1])}."
            )
    return notes


def time_notes(engine: str, mode: str, points: list[dict[str, Any]]) -> list[str]:
    """Notes on µs/row over the row counts for one engine and mode (points sorted by rows).

    µs/row should be flat; where the first counts sit above the flat part, the read's
    fixed cost (the smallest read's time less its rows at the flat µs/row) is stated.
    """
    if len(points) < 2:
        return []
    title = TITLES.get(engine, engine)
    label = "whole fetch" if mode == "whole" else "batch()"
    xs = [float(p["rows"]) for p in points]
    us = [p["seconds"] / p["rows"] * 1e6 for p in points]
    start = knees.flat_from(xs, us)
    notes: list[str] = []
    if start is None:
        if all(b >= a for a, b in itertools.pairwise(us)):
            trend = "rises"
        elif all(b <= a for a, b in itertools.pairwise(us)):
            trend = "falls"
        else:
            trend = "goes up and down"
        values = ", ".join(f"{u:.2f} at {_count(x)}" for x, u in zip(xs, us))
        notes.append(
            f"{title}, {label}: µs/row is not flat, it {trend}: {values} rows "
            f"(spread {knees.spread(us):.0%})."
        )
    else:
        i = xs.index(start)
        flat = us[i:]
        note = (
            f"{title}, {label}: µs/row is flat (within {knees.FLAT:.0%}) from {_count(start)} "
            f"to {_count(xs[-1])} rows at {_range(flat)} µs/row"
        )
        before = us[:i]
        if i == 0:
            notes.append(note + ".")
        elif all(u < min(flat) for u in before):
            # Below the flat part: the curve climbs to it (no fixed cost to amortize).
            notes.append(
                f"{title}, {label}: µs/row rises from {us[0]:.2f} at {_count(xs[0])} rows to "
                f"{_range(flat)}, flat (within {knees.FLAT:.0%}) from {_count(start)} to "
                f"{_count(xs[-1])}."
            )
        elif all(u > max(flat) for u in before):
            # Above it: a cost paid once per read, spread over fewer rows (the first read's
            # time less its rows at the flat part's median).
            first = points[0]["seconds"] * 1e3
            fixed_ms = first - xs[0] * statistics.median(flat) / 1e3
            notes.append(
                note + f"; at {_count(xs[0])} rows it is {us[0]:.2f} µs/row: the read's fixed "
                f"cost (~{fixed_ms:.2f} ms of its {first:.2f} ms) spread over few rows."
            )
        else:
            values = ", ".join(f"{u:.2f} at {_count(x)}" for x, u in zip(xs[:i], before))
            notes.append(note + f"; before it {values} rows (on both sides of that level).")
    notes += _gc_notes(title, label, points, xs, us)
    return notes


def _gc_notes(
    title: str, label: str, points: list[dict[str, Any]], xs: list[float], us: list[float]
) -> list[str]:
    """The cyclic GC's share of the reads, when it is large enough to matter (≥ GC_SHARE)."""
    if not all("gc_seconds" in p for p in points):
        return []
    shares = [p["gc_seconds"] / p["seconds"] if p["seconds"] else 0.0 for p in points]
    faults = ""
    if all("page_faults" in p for p in points):
        per_1k = [p["page_faults"] / p["rows"] * 1000 for p in points]
        faults = (
            f"; minor page faults (memory new from the kernel): {per_1k[0]:.0f} per 1k rows "
            f"at {_count(xs[0])}, {per_1k[-1]:.0f} at {_count(xs[-1])}"
        )
    if max(shares) < GC_SHARE:
        return []
    without = [u * (1 - share) for u, share in zip(us, shares)]
    text = (
        f"{title}, {label}: the cyclic garbage collector ran {shares[0]:.0%} of the read at "
        f"{_count(xs[0])} rows, {shares[-1]:.0%} at {_count(xs[-1])}"
    )
    if not knees.is_flat(us) and knees.is_flat(without):
        text += (
            f"; without its time µs/row is flat ({_range(without)}): the climb is the "
            "collector walking the rows kept alive"
        )
    else:
        text += f"; without its time {_range(without)} µs/row"
    return [text + faults + "."]


def _where(side: dict[str, Any], cores: int) -> str:
    """What the CPU figures of one measured side of a point say."""
    cpu, machine = side["cpu"], side.get("machine")
    machine_text = "" if machine is None else f", the machine {machine:.0%} of its {cores} cores"
    if cpu >= CLIENT_BOUND:
        return (
            f"the client is CPU-bound (its one event loop uses {cpu:.2f} of a core{machine_text})"
        )
    if machine is not None and machine >= MACHINE_BOUND:
        return (
            f"the {cores} cores are busy ({machine:.0%}; the client uses {cpu:.2f} of a core, "
            "the rest is the server and other load)"
        )
    if machine is None:
        return f"the client uses {cpu:.2f} of a core"
    return (
        f"neither the client ({cpu:.2f} of a core) nor the machine ({machine:.0%}) reaches "
        f"{CLIENT_BOUND:.0%}: the client's loop sits idle {1 - cpu:.0%} of the time, waiting "
        "on the server"
    )


def throughput_notes(
    engine: str, curve: dict[str, Any], axis: str, cores: int, pool_size: int = 10
) -> list[str]:
    """Notes on one throughput curve (``axis`` "pool" or "tasks") of one engine.

    ``curve``: {"floor": name, "pool": [points], "tasks": [points]} as ``pool.curves``
    returns it; skipped points are named with their reason and left out of the shapes.
    """
    title = TITLES.get(engine, engine)
    key = "size" if axis == "pool" else "tasks"
    unit = "pool" if axis == "pool" else "tasks"
    measured = [p for p in curve[axis] if "skipped" not in p]
    notes = [
        f"{title}, {unit} {p[key]}: skipped ({p['skipped']})."
        for p in curve[axis]
        if "skipped" in p
    ]
    if not measured:
        return notes
    xs = [float(p[key]) for p in measured]

    def at(x: float) -> str:
        if axis == "pool":
            return f"pool {x:g}"
        return "1 task" if x == 1 else f"{x:g} tasks"

    for side, name in (("vivace", "Vivace"), ("floor", curve["floor"])):
        ys = [p[side]["qps"] for p in measured]
        if len(xs) < 2:
            continue
        # A gain smaller than the rounds' own spread (median over the points) is noise, not
        # growth: the knee's threshold is the larger of the two.
        noise = statistics.median(knees.spread(p[side]["samples"]) for p in measured)
        growth = max(knees.GROWTH, noise)
        i = knees.knee_index(ys, growth)
        if i is None:
            notes.append(
                f"{title}, {name}: throughput still grows at {at(xs[-1])} "
                f"({ys[-1]:,.0f} q/s; no knee in {at(xs[0])}-{xs[-1]:g})."
            )
        elif i == 0:
            notes.append(
                f"{title}, {name}: throughput is flat from {at(xs[0])} on "
                f"({_range(ys, 0)} q/s): {_where(measured[0][side], cores)}."
            )
        else:
            notes.append(
                f"{title}, {name}: throughput stops growing at {at(xs[i])} "
                f"({ys[i]:,.0f} q/s; no later point is more than {growth:.0%} higher, the "
                f"larger of {knees.GROWTH:.0%} and its rounds' median spread): "
                f"{_where(measured[i][side], cores)}."
            )
        drop = knees.drop_after_peak(ys)
        if drop >= DROP:
            top_x, top_y = knees.peak(xs, ys)
            text = (
                f"{title}, {name}: throughput falls {drop:.0%} from its peak "
                f"({top_y:,.0f} q/s at {at(top_x)}) to {ys[-1]:,.0f} q/s at {at(xs[-1])}"
            )
            if side == "vivace":
                other = knees.drop_after_peak([p["floor"]["qps"] for p in measured])
                # The floor falling alike puts the drop in what both share (driver, pool
                # implementation, server), not in Vivace's own code.
                if abs(other - drop) <= DROP_ALIKE:
                    text += f"; {curve['floor']} falls alike ({other:.0%})"
                else:
                    text += f"; {curve['floor']} falls {other:.0%}"
            notes.append(text + ".")
    if axis == "tasks":
        # Past the pool's size more tasks only queue for a connection: should be flat.
        beyond = [p["vivace"]["qps"] for p in measured if p["tasks"] >= pool_size]
        if len(beyond) >= 2:
            verdict = "flat" if knees.is_flat(beyond) else "NOT flat"
            notes.append(
                f"{title}, Vivace: from {pool_size} tasks (the pool's size) on, throughput is "
                f"{verdict} ({_range(beyond, 0)} q/s, spread {knees.spread(beyond):.0%})."
            )
        one = [p for p in measured if p["tasks"] == 1]
        if one:
            qps = one[0]["vivace"]["qps"]
            notes.append(
                f"{title}, Vivace with 1 task: {qps:,.0f} q/s, one query every "
                f"{1e6 / qps:.0f} µs end to end ({curve['floor']}: "
                f"{1e6 / one[0]['floor']['qps']:.0f} µs)."
            )
    ratios = [p["ratio"] for p in measured]
    # How far apart the rounds of one side of a point are: the resolution of the knees.
    spreads = [knees.spread(p[side]["samples"]) for p in measured for side in ("floor", "vivace")]
    # Client CPU a query (cores busy / queries a second): the client's own cost, whatever
    # else the machine is doing; the side that spends more of it is slower when CPU is short.
    cost = {
        side: statistics.median(p[side]["cpu"] / p[side]["qps"] * 1e6 for p in measured)
        for side in ("vivace", "floor")
    }
    notes.append(
        f"{title}: Vivace / {curve['floor']} {_range(ratios)} across {unit} "
        f"{xs[0]:g}-{xs[-1]:g} (median {statistics.median(ratios):.2f}); client CPU a query "
        f"(median): Vivace {cost['vivace']:.0f} µs, {curve['floor']} {cost['floor']:.0f} µs. "
        f"The rounds of one side of a point differ by {statistics.median(spreads):.0%} "
        f"(median; up to {max(spreads):.0%})."
    )
    return notes


def notes(result: dict[str, Any], pool_size: int = 10) -> list[str]:
    """Every note on a run's result (the dict ``command.main`` writes as JSON)."""
    out: list[str] = []
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in result["rows"]:
        by.setdefault((p["engine"], p["mode"]), []).append(p)
    for points in by.values():
        points.sort(key=lambda p: p["rows"])
    engines = list(dict.fromkeys(p["engine"] for p in result["rows"]))
    for engine in engines:
        out += memory_notes(engine, by.get((engine, "whole"), []), by.get((engine, "batch"), []))
        for mode in ("whole", "batch"):
            out += time_notes(engine, mode, by.get((engine, mode), []))
    cores = int(result["meta"].get("cores") or 1)
    for engine, curve in result["throughput"].items():
        if "skipped" in curve:
            out.append(
                f"{TITLES.get(engine, engine)}: throughput not measured ({curve['skipped']})."
            )
            continue
        for axis in ("pool", "tasks"):
            out += throughput_notes(engine, curve, axis, cores, pool_size)
    return out
