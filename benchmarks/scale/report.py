"""The scale curves' outputs: Markdown tables and notes, the JSON, one PNG of 2x3 panels.

The chart: top row µs/row over the row counts (every engine, whole and ``batch()``),
then PostgreSQL's throughput against the pool size and against the tasks; bottom row the
peak memory over the row counts, then MariaDB's two throughput curves.
"""

from __future__ import annotations

import importlib
from typing import Any

from benchmarks import outputs
from benchmarks.scale.explain import TITLES
from benchmarks.scale.rows import ENGINES

MIB = 2**20


def _rows_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| engine | rows | whole: µs/row | whole: peak memory | batch: µs/row "
        "| batch: peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    cells = {(p["engine"], p["mode"], p["rows"]): p for p in result["rows"]}
    counts = sorted({p["rows"] for p in result["rows"]})
    for engine in ENGINES:
        if not any(p["engine"] == engine for p in result["rows"]):
            continue
        for count in counts:
            row = [TITLES[engine], f"{count:,}"]
            for mode in ("whole", "batch"):
                p = cells.get((engine, mode, count))
                if p is None:
                    row += ["n/a", "n/a"]
                    continue
                cell = f"{p['seconds'] / count * 1e6:.2f}"
                if p.get("gc_seconds") and p["seconds"]:
                    cell += f" (GC {p['gc_seconds'] / p['seconds']:.0%})"
                row.append(cell)
                row.append(f"{p['peak_bytes'] / MIB:.1f} MiB")
            lines.append("| " + " | ".join(row) + " |")
    return lines


def _cpu(side: dict[str, Any]) -> str:
    machine = side.get("machine")
    return f"{side['cpu']:.2f}" + ("" if machine is None else f" / {machine:.0%}")


def _throughput_table(curve: dict[str, Any], axis: str, label: str) -> list[str]:
    floor = curve["floor"]
    key = "size" if axis == "pool" else "tasks"
    lines = [
        f"| {label} | {floor} q/s | vivace q/s | ratio | {floor} cpu / machine "
        "| vivace cpu / machine | samples (floor; vivace) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in curve[axis]:
        if "skipped" in p:
            lines.append(f"| {p[key]} | skipped: {p['skipped']} | | | | | |")
            continue
        f, v = p["floor"], p["vivace"]
        samples = (
            ", ".join(f"{q:,.0f}" for q in f["samples"])
            + "; "
            + ", ".join(f"{q:,.0f}" for q in v["samples"])
        )
        lines.append(
            f"| {p[key]} | {f['qps']:,.0f} | {v['qps']:,.0f} | {p['ratio']:.2f} | {_cpu(f)} "
            f"| {_cpu(v)} | {samples} |"
        )
    return lines


def markdown(result: dict[str, Any]) -> str:
    """The run as Markdown: how it ran, the tables, the notes ``explain`` wrote."""
    meta = result["meta"]
    lines = [
        "# Scale curves",
        "",
        f"Run of {meta['date']} on {meta['machine']}, {meta['seconds'] / 60:.1f} minutes; load "
        f"average {meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end. "
        f"Streaming: `batch(batch_size={meta['batch_size']})`. µs/row: the best of up to "
        "5 reads, with the cyclic garbage collector's share of it. Memory: the peak of what "
        "Python allocated during the read (tracemalloc, in a second read after the timed one, each "
        "point in a fresh interpreter).",
        "",
        *_rows_table(result),
        "",
        "Concurrent select-by-pk, queries/s, the median of "
        f"{meta.get('rounds', 1)} interleaved rounds of {meta['point_seconds']} s a side "
        "(floor, Vivace, floor, ...), each with its own pool. cpu: the client process's CPU "
        "time over the wall time (1.00 is one core busy); machine: the busy share of all "
        "cores.",
    ]
    for engine, curve in result["throughput"].items():
        title = TITLES.get(engine, engine)
        lines += ["", f"## {title}", ""]
        if "skipped" in curve:
            lines.append(f"Not measured: {curve['skipped']}.")
            continue
        lines += _throughput_table(curve, "pool", f"pool size ({meta.get('pool_tasks')} tasks)")
        lines.append("")
        lines += _throughput_table(curve, "tasks", f"tasks (pool of {meta.get('tasks_pool')})")
    notes: list[str] = result.get("notes") or []
    if notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def draw(result: dict[str, Any], path: str) -> None:
    """The 2x3 chart of the run, as a PNG at ``path`` (ImportError without matplotlib)."""
    # Imported by name and typed Any: matplotlib is an optional extra (ImportError without
    # it: no chart), and a checker run outside the benchmark's environment cannot see it.
    matplotlib: Any = importlib.import_module("matplotlib")
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    figure, grid = plt.subplots(2, 3, figsize=(17, 8.5))
    panels: list[list[Any]] = [[grid[r][c] for c in range(3)] for r in range(2)]
    colors = {"postgres": "tab:blue", "mysql": "tab:orange", "sqlite": "tab:green"}
    styles = {"whole": "-", "batch": "--"}
    per_row, memory = panels[0][0], panels[1][0]
    for engine in ENGINES:
        for mode in ("whole", "batch"):
            points = sorted(
                (p for p in result["rows"] if p["engine"] == engine and p["mode"] == mode),
                key=lambda p: p["rows"],
            )
            if not points:
                continue
            xs = [p["rows"] for p in points]
            label = f"{TITLES[engine]}, {mode}"
            style: dict[str, Any] = {"color": colors[engine], "linestyle": styles[mode]}
            us = [p["seconds"] / p["rows"] * 1e6 for p in points]
            per_row.plot(xs, us, marker="o", label=label, **style)
            mib = [max(p["peak_bytes"], 1024) / MIB for p in points]
            memory.plot(xs, mib, marker="o", label=label, **style)
    per_row.set_title("time per row (µs)")
    memory.set_title("peak memory allocated during the read (MiB)")
    memory.set_yscale("log")
    for axis in (per_row, memory):
        axis.set_xscale("log")
        axis.set_xlabel("rows read")
        axis.legend(fontsize=7)
    meta = result["meta"]
    for row, engine in enumerate(("postgres", "mysql")):
        curve = result["throughput"].get(engine, {})
        for column, key, field, xlabel in (
            (1, "pool", "size", f"pool size ({meta.get('pool_tasks')} tasks)"),
            (2, "tasks", "tasks", f"tasks (pool of {meta.get('tasks_pool')})"),
        ):
            axis = panels[row][column]
            axis.set_title(f"{TITLES[engine]}: select-by-pk, queries/s")
            axis.set_xlabel(xlabel)
            axis.set_xscale("log")
            points = [p for p in curve.get(key, []) if "skipped" not in p]
            if not points:
                axis.text(0.5, 0.5, "not measured", ha="center", transform=axis.transAxes)
                continue
            xs = [p[field] for p in points]
            floor = [p["floor"]["qps"] for p in points]
            vivace = [p["vivace"]["qps"] for p in points]
            axis.plot(xs, floor, "o-", color="black", label=curve["floor"])
            axis.plot(xs, vivace, "s-", color=colors[engine], label="vivace")
            axis.set_ylim(bottom=0)
            axis.legend(fontsize=7)
    for line in panels:
        for axis in line:
            axis.grid(True, which="both", alpha=0.3)
    figure.suptitle(f"Scale curves ({meta['date']}; {meta['machine']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_outputs(result: dict[str, Any], folder: str, stem: str) -> list[str]:
    """Write ``<stem>.json``, ``.md`` and ``.png`` into ``folder``; the paths written."""
    return outputs.write_outputs(result, folder, stem, markdown, draw)
