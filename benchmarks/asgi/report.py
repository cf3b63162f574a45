"""The web benchmark's outputs: ratios, the targets, Markdown, JSON and the chart.

Ratios are throughputs over the floor's (raw asyncpg on the same event loop, same test
type and wait), so > 1 is faster. Vivace's targets (issue 15): >= 0.9 of the floor on every
test type and wait, ahead of every async peer on the same loop, and ahead of the threaded
baseline once the database waits (wait > 0).

>>> fmt_rps(1234.5), fmt_ms(0.4567), fmt_ms(12.345)
('1,234', '0.46', '12.3')
"""

from __future__ import annotations

from typing import Any

from benchmarks import outputs

FLOOR = "asyncpg"
VIVACE = "vivace"
BASELINE = "threaded"
FLOOR_SHARE = 0.9


def fmt_rps(value: float) -> str:
    return f"{value:,.0f}"


def fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def index(result: dict[str, Any]) -> dict[tuple[str, float, str], dict[str, Any]]:
    """Cells by (variant, wait, test)."""
    return {(c["variant"], float(c["wait"]), c["test"]): c for c in result["cells"]}


def _waits(result: dict[str, Any]) -> list[float]:
    return [float(w) for w in result["meta"]["plan"]["waits_ms"]]


def _loops(result: dict[str, Any]) -> list[str]:
    return list(result["meta"]["plan"]["loops"])


def check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (loop, wait, test): Vivace's ratio to the floor and whom it trails."""
    cells, rows = index(result), []
    peers = sorted({v["contender"] for v in result["variants"]} - {FLOOR, VIVACE, BASELINE})
    for loop in _loops(result):
        for wait in _waits(result):
            for test in result["tests"]:
                mine = cells.get((f"{VIVACE}:{loop}", wait, test["id"]))
                floor = cells.get((f"{FLOOR}:{loop}", wait, test["id"]))
                if mine is None or floor is None or not floor["rps"]:
                    continue
                ratio = mine["rps"] / floor["rps"]
                behind = [
                    p
                    for p in peers
                    if (cell := cells.get((f"{p}:{loop}", wait, test["id"])))
                    and cell["rps"] > mine["rps"]
                ]
                baseline = cells.get((BASELINE, wait, test["id"]))
                if wait > 0 and baseline is not None and baseline["rps"] > mine["rps"]:
                    behind.append(BASELINE)
                rows.append(
                    {
                        "loop": loop,
                        "wait": wait,
                        "test": test["id"],
                        "ratio": round(ratio, 3),
                        "behind": behind,
                        "met": ratio >= FLOOR_SHARE and not behind,
                    }
                )
    return rows


def _columns(result: dict[str, Any], loop: str) -> list[str]:
    names = [v["name"] for v in result["variants"] if v["loop"] in (loop, "threads")]
    return names


def _label(variant: str) -> str:
    return variant.split(":")[0]


def seed_table(result: dict[str, Any], loop: str) -> str:
    """Markdown: req/s and p99 per test type and wait, one column per contender on ``loop``."""
    cells = index(result)
    columns = _columns(result, loop)
    head = "| test type | wait | " + " | ".join(_label(c) for c in columns) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(columns)]
    for test in result["tests"]:
        for wait in _waits(result):
            floor = cells.get((f"{FLOOR}:{loop}", wait, test["id"]))
            row = []
            for column in columns:
                cell = cells.get((column, wait, test["id"]))
                if cell is None:
                    failed = result["failed"]
                    broken = column in failed or f"{column}, wait {wait:g} ms" in failed
                    row.append("failed" if broken else "n/a")
                    continue
                text = f"{fmt_rps(cell['rps'])} / {fmt_ms(cell['p99_ms'])}"
                if floor and floor["rps"] and column != f"{FLOOR}:{loop}":
                    text += f" ({cell['rps'] / floor['rps']:.2f}x)"
                if cell["errors"]:
                    text += f" ⚠{cell['errors']}"
                row.append(text)
            lines.append(f"| {test['label']} | {wait:g} ms | " + " | ".join(row) + " |")
    return "\n".join(lines)


def targets_markdown(rows: list[dict[str, Any]]) -> str:
    missed = [r for r in rows if not r["met"]]
    if not rows:
        return "No Vivace/floor pairs measured."
    head = f"Vivace met {len(rows) - len(missed)} of {len(rows)} cells"
    if not missed:
        return head + "."
    lines = [head + "; the misses:", "", "| loop | wait | test | vivace / floor | behind |"]
    lines.append("|---|---:|---|---:|---|")
    for r in missed:
        behind = ", ".join(r["behind"]) or "-"
        lines.append(
            f"| {r['loop']} | {r['wait']:g} ms | {r['test']} | {r['ratio']:.2f} | {behind} |"
        )
    return "\n".join(lines)


def setup_text(result: dict[str, Any]) -> str:
    meta, plan = result["meta"], result["meta"]["plan"]
    waits = ", ".join(f"{w:g}" for w in plan["waits_ms"])
    measured = ", ".join(f"{k} ms: {v:.2f} ms" for k, v in meta["measured_wait_ms"].items())
    return (
        f"Run of {meta.get('date', '?')} on {meta.get('machine', '?')}, "
        f"{meta['seconds'] / 60:.1f} minutes; load average at the start "
        f"{meta.get('loadavg_start', '?')}, at the end {meta.get('loadavg_end', '?')}. "
        f"wrk: 1 thread, {plan['connections']} connections, {plan['warmup']:g} s warm-up then "
        f"{plan['seconds']:g} s measured per cell (more for the slow cells: 4 rounds of 64 "
        "requests), each on an idle server, pinned to CPU 1; each server: 1 worker "
        f"pinned to CPU 0, a pool of {plan['pool']} connections (the threaded baseline: "
        f"{plan['pool']} threads); PostgreSQL on the same machine, unpinned. Waits: {waits} ms "
        f"per statement (one plan measured on a fresh connection: {measured})."
        + _passes_text(plan.get("passes_by_wait") or {})
        + _source_text(meta.get("vivace_source"))
    )


def _passes_text(passes_by_wait: dict[str, int]) -> str:
    """Which waits were measured more than once (each cell keeps its best pass).

    >>> _passes_text({"0": 2, "1": 2, "5": 1}), _passes_text({"0": 1})
    (' Each cell at 0 and 1 ms: the best of 2 passes taken minutes apart.', '')
    """
    by_count: dict[int, list[str]] = {}
    for wait, count in passes_by_wait.items():
        if count > 1:
            by_count.setdefault(count, []).append(wait)
    parts = [
        f"at {' and '.join(waits)} ms: the best of {count} passes"
        for count, waits in sorted(by_count.items())
    ]
    return f" Each cell {'; '.join(parts)} taken minutes apart." if parts else ""


def _source_text(source: dict[str, Any] | None) -> str:
    if not source:
        return ""
    changed = source.get("uncommitted_in_vivace") or []
    dirty = f", with {len(changed)} uncommitted files in vivace/" if changed else ""
    copy = " (a clean copy of it)" if source.get("snapshot") else ""
    return f" Vivace at commit {source.get('commit', '?')}{copy}{dirty}."


NOTES = (
    "- The wait: the apps' `world` and `fortune` are views whose filter is an uncorrelated "
    "sub-select calling `bench_wait()`, which PostgreSQL runs once per statement (an InitPlan "
    "behind a one-time filter) and which sleeps `bench.wait_ms`: every contender's every "
    "statement waits once, reads and writes alike; `pg_sleep` overshoots on a loaded machine "
    "(the measured plan times above).",
    "- Same statements everywhere: one SELECT per row read, one UPDATE per row written "
    "(SQLAlchemy's session batches its flush into one executemany: its own doing). The raw "
    "floor and the threaded baseline hold one connection for a request's statements; the "
    "ORMs take a pool connection per statement, as their APIs do outside a transaction.",
    "- Every server has the same number of database connections (the baseline one thread per "
    "connection) and wrk holds more HTTP connections than that, so requests queue. Once the "
    "database waits, `pool / (statements x wait)` bounds everyone's requests/s alike.",
    "- Apps that queue each statement fairly for the pool move all of wrk's requests forward "
    "in step: none finishes before all have run their statements (p50 close to p99), so "
    "responses come in waves of 64 (at 20 ms, one every ~2.6 s for updates, 20). wrk's count "
    "over its duration would hold 4 or 5 such waves by their phase alone (20% apart); "
    "requests/s here is instead 64 over the mean time from each response to the 64th after "
    "it (one round of the closed loop, whole waves whatever the phase; the plain rate when "
    "responses are spread evenly). wrk's own count is in the JSON as `rps_counted`.",
    "- Each cell runs on an idle server: before its warm-up and before its measured window "
    "the runner waits until the app's `/inflight` (requests in progress) reads 0. wrk "
    "abandons its requests in flight when it stops and the app still finishes them (after "
    "a 20-query cell at 20 ms, ~1 s of work); without the wait the next cell shared the pool "
    "with them. What was waited for is in the JSON per cell (`leftovers`).",
    "- Absolute numbers drift with the machine's load (load average per cell in the JSON); "
    "read the ratios within a wait, measured minutes apart, with that in mind.",
)


def full_markdown(result: dict[str, Any]) -> str:
    parts = ["# The seed's question: a web app on each library, the database waiting", ""]
    parts += [setup_text(result), ""]
    parts += ["Cells: requests/s / p99 latency in ms (throughput ratio to raw asyncpg on the "]
    parts += ["same loop; > 1 is faster). ⚠n: wrk counted n errors (timeouts, non-2xx).", ""]
    for loop in _loops(result):
        parts += [f"## {loop}", "", seed_table(result, loop), ""]
    parts += ["## Vivace's targets", "", targets_markdown(result["targets"]), ""]
    parts += ["## How to read it", "", *NOTES, ""]
    if result["failed"]:
        parts += ["## Not measured", ""]
        parts += [f"- {name}: {why.splitlines()[0]}" for name, why in result["failed"].items()]
        parts.append("")
    return "\n".join(parts)


def draw_chart(result: dict[str, Any], path: str) -> None:
    """Throughput per contender vs the wait, one panel per test type (last loop measured)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells, loop = index(result), _loops(result)[-1]
    waits, tests = _waits(result), result["tests"]
    columns = _columns(result, loop)
    figure, axes = plt.subplots(1, len(tests), figsize=(4.2 * len(tests), 4.8), squeeze=False)
    styles = {
        FLOOR: ("black", "o", "-"),
        VIVACE: ("tab:red", "s", "-"),
        BASELINE: ("tab:blue", "^", "--"),
    }
    others = iter(["tab:green", "tab:orange", "tab:purple", "tab:brown", "tab:gray"])
    colors = {c: styles.get(_label(c)) or (next(others), ".", ":") for c in columns}
    positions = list(range(len(waits)))
    for axis, test in zip(axes[0], tests):
        for column in columns:
            ys = [cells.get((column, w, test["id"]), {}).get("rps") for w in waits]
            points = [(x, y) for x, y in zip(positions, ys) if y]
            if not points:
                continue
            color, marker, style = colors[column]
            axis.plot(
                *zip(*points), color=color, marker=marker, linestyle=style, label=_label(column)
            )
        axis.set_title(test["label"])
        axis.set_xticks(positions, [f"{w:g}" for w in waits])
        axis.set_xlabel("database wait per statement (ms)")
        axis.set_yscale("log")
        axis.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("requests/s (log scale, higher is better)")
    legend: dict[str, Any] = {}
    for axis in axes[0]:
        for handle, label in zip(*axis.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    figure.legend(legend.values(), legend.keys(), loc="lower center", ncol=len(legend))
    figure.suptitle(
        f"Is async worthwhile, and does the ORM eat the gain? Starlette on uvicorn ({loop}) "
        "vs a threaded WSGI server, 1 worker each",
        fontsize=11,
    )
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


README_BEGIN = "<!-- asgi:begin (written by python -m benchmarks --asgi --update-readme) -->"
README_END = "<!-- asgi:end -->"


def readme_block(result: dict[str, Any]) -> str:
    """The README's table: the last loop measured (uvloop in a full run), and the targets."""
    loop = _loops(result)[-1]
    rows = result["targets"]
    met = sum(r["met"] for r in rows)
    return "\n".join(
        [
            setup_text(result),
            "",
            f"Starlette on uvicorn with {loop}; cells: requests/s / p99 latency in ms "
            "(throughput ratio to raw asyncpg; > 1 is faster). The asyncio loop's table, the "
            "misses and the raw numbers: `benchmarks/results/asgi.md` and `asgi.json`.",
            "",
            seed_table(result, loop),
            "",
            f"Vivace's targets (>= {FLOOR_SHARE} of raw asyncpg, ahead of every async peer, and "
            f"of the threaded baseline once the database waits): met in {met} of {len(rows)} "
            "cells (both loops).",
        ]
    )


def update_readme(result: dict[str, Any], path: str) -> bool:
    """Replace the text between the README's markers; False when there are none."""
    with open(path) as f:
        text = f.read()
    if README_BEGIN not in text or README_END not in text:
        return False
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    with open(path, "w") as f:
        f.write(f"{head}{README_BEGIN}\n{readme_block(result)}\n\n{README_END}{tail}")
    return True


def write_outputs(result: dict[str, Any], folder: str, stem: str) -> list[str]:
    return outputs.write_outputs(result, folder, stem, full_markdown, draw_chart)
