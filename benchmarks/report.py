"""Ratios to the floor, the issue's targets, and the outputs: text table, Markdown, JSON, PNG."""

from __future__ import annotations

import json
import math
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from benchmarks.workload import ALL_OPS, ALL_OPS_BY_ID

BACKEND_TITLES = {
    "postgres": "PostgreSQL (floor: asyncpg, a pool whose release sends no reset: 1 round trip)",
    "sqlite": "SQLite (floor: the standard library's sqlite3, called synchronously)",
    "mysql": "MariaDB (floor: asyncmy, a pool whose release sends nothing: 1 round trip)",
}


# targets (issue 3, tightened by issue 15) --------------------------------------------------------
@dataclass(frozen=True)
class Target:
    op: str
    kind: str  # "ratio" (<=), "floor_throughput" (>= fraction), "vs" (>= factor), "us" (<)
    value: float
    other: str = ""  # for "vs": the contender compared with

    def describe(self) -> str:
        if self.kind == "ratio":
            return f"<= {self.value:g}x"
        if self.kind == "floor_throughput":
            return f">= {self.value:g} of the floor's q/s"
        if self.kind == "vs":
            return f">= {self.value:g}x {self.other}'s q/s"
        return f"< {self.value:g} µs"


def _targets(ratios: dict[str, float], concurrent: Target, hit_us: float) -> list[Target]:
    targets = [Target(op, "ratio", value) for op, value in ratios.items()]
    targets.append(concurrent)
    targets.append(Target("concurrent_uvloop", concurrent.kind, concurrent.value, concurrent.other))
    targets.append(Target("compile_hit", "us", hit_us))
    return targets


#: PostgreSQL's ratios to the floor (issue 3, tightened by issue 15); issue 13 asks the same
#: of MariaDB against raw asyncmy.
SERVER_RATIOS = {
    "pk_dict": 1.08,  # issue 15 (and for every common form of the read)
    "pk_object": 1.10,
    "pk_dict_alias": 1.08,
    "pk_object_where": 1.10,
    "rows_1k_dict": 1.2,
    "rows_10k_dict": 1.2,
    "rows_1k_object": 1.3,
    "rows_10k_object": 1.3,
    "insert_one": 1.10,  # issue 15
    "bulk_insert": 1.0,
    "update_one": 1.2,
    "join_1k": 1.3,
    "transaction": 1.2,
}

TARGETS_TITLES = {
    "mysql": "Vivace against issue 13's targets (PostgreSQL's ratios, to raw asyncmy):",
}

TARGETS: dict[str, list[Target]] = {
    "postgres": _targets(
        SERVER_RATIOS,
        Target("concurrent", "floor_throughput", 0.9),
        5.0,  # compile hit, issue 15
    ),
    "mysql": _targets(
        SERVER_RATIOS,
        Target("concurrent", "floor_throughput", 0.9),
        5.0,
    ),
    "sqlite": _targets(
        {
            "pk_dict": 3.0,
            "pk_object": 3.5,
            "pk_dict_alias": 3.0,
            "pk_object_where": 3.5,
            "rows_1k_dict": 1.3,
            "rows_10k_dict": 1.3,
            "rows_1k_object": 1.8,
            "rows_10k_object": 1.4,  # issue 15
            "insert_one": 3.0,
            "bulk_insert": 1.5,  # issue 15 (executemany's floor)
            "update_one": 3.0,
            "join_1k": 1.4,
            "transaction": 3.0,
        },
        Target("concurrent", "vs", 12.0, "aiosqlite"),  # issue 15
        5.0,  # compile hit, issue 15
    ),
}


# numbers -----------------------------------------------------------------------------------------
def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "q/s":
        return f"{value:,.0f} q/s"
    us = value * 1e6
    if us < 10:
        return f"{us:.2f} µs"
    if us < 1000:
        return f"{us:.1f} µs"
    if us < 1_000_000:
        return f"{us / 1000:.2f} ms"
    return f"{value:.2f} s"


def add_ratios(backend: dict[str, Any]) -> None:
    """Each cell's ``ratio`` to the floor, lower is better: the median over trials of
    (trial time / the floor's time in the same trial), so drift between trials cancels;
    for throughput the floor's q/s over the contender's; for building a query (no floor
    equivalent), the median time over the floor's median select-by-pk time."""
    floor = backend["floor"]
    ops = backend["ops"]
    pk = ops.get("pk_dict", {}).get(floor, {}).get("median")
    for op_id, cells in ops.items():
        kind = ALL_OPS_BY_ID[op_id].kind
        base_cell = cells.get(floor, {})
        base_trials = base_cell.get("trials") or []
        for cell in cells.values():
            cell["ratio"] = None
            median = cell.get("median")
            if not median or cell.get("status") != "ok":
                continue
            if kind == "build":
                cell["ratio"] = median / pk if pk else None
                continue
            if base_cell.get("status") != "ok" or not base_trials:
                continue
            pairs = list(zip(cell["trials"], base_trials))
            if kind == "throughput":
                ratios = [f / v for v, f in pairs if v]
            else:
                ratios = [v / f for v, f in pairs if f]
            cell["ratio"] = statistics.median(ratios) if ratios else None
            if len(ratios) >= 4:  # how much the per-trial ratios scatter
                quartiles = statistics.quantiles(ratios, n=4)
                cell["ratio_iqr"] = [quartiles[0], quartiles[2]]


def check_targets(backend_name: str, backend: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue for Vivace: value, whether it holds, the best peer."""
    ops = backend["ops"]
    roles = {c["name"]: c["role"] for c in backend["contenders"]}
    rows = []
    for target in TARGETS.get(backend_name, []):
        cells = ops.get(target.op)
        if not cells:
            continue
        mine = cells.get("vivace", {})
        row: dict[str, Any] = {"op": target.op, "target": target.describe(), "holds": None}
        if mine.get("status") != "ok" or mine.get("median") is None:
            row["value"] = mine.get("status", "not run")
            row["holds"] = False
            rows.append(row)
            continue
        median, ratio = mine["median"], mine.get("ratio")
        if target.kind == "ratio" and ratio is not None:
            row["value"] = f"{ratio:.2f}x"
            row["holds"] = ratio <= target.value
        elif target.kind == "floor_throughput" and ratio:
            row["value"] = f"{1 / ratio:.2f} of the floor's"
            row["holds"] = 1 / ratio >= target.value
        elif target.kind == "vs":
            # Unknown (holds stays None) when a narrowed run (--only) left the other out.
            row["value"] = f"{target.other} not run"
            other = cells.get(target.other, {}).get("median")
            if other:
                row["value"] = f"{median / other:.1f}x {target.other}'s"
                row["holds"] = median / other >= target.value
            one_hop = cells.get(f"{target.other}-1hop", {}).get("median")
            if one_hop and other:
                row["value"] += f" ({median / one_hop:.1f}x {target.other}-1hop's)"
        elif target.kind == "us":
            row["value"] = f"{median * 1e6:.2f} µs"
            row["holds"] = median * 1e6 < target.value
        rows.append(row)
    # And ahead of every peer on every row.
    for op in ALL_OPS:
        cells = ops.get(op.id)
        mine = (cells or {}).get("vivace", {})
        if not cells or mine.get("status") != "ok":
            continue
        peers = [
            (name, cell["median"])
            for name, cell in cells.items()
            if roles.get(name) == "peer" and cell.get("status") == "ok" and cell.get("median")
        ]
        if not peers:
            continue
        higher_is_better = op.kind == "throughput"
        best = (max if higher_is_better else min)(peers, key=lambda p: p[1])
        ahead = mine["median"] > best[1] if higher_is_better else mine["median"] < best[1]
        factor = mine["median"] / best[1] if higher_is_better else best[1] / mine["median"]
        rows.append(
            {
                "op": op.id,
                "target": "ahead of every peer",
                "value": f"{factor:.2f}x the best peer ({best[0]})",
                "holds": ahead,
            }
        )
    return rows


# tables ------------------------------------------------------------------------------------------
def _cell_text(cell: dict[str, Any] | None, unit: str, is_floor: bool) -> str:
    if cell is None:
        return "n/a"
    if cell.get("status") != "ok":
        return str(cell.get("status"))
    text = format_value(cell.get("median"), unit)
    ratio = cell.get("ratio")
    if ratio is not None and not is_floor:
        text += f" ({ratio:.2f}x)"
    return text


def table_rows(backend: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    names = [c["name"] for c in backend["contenders"]]
    header = ["operation", *names]
    rows = []
    for op in ALL_OPS:
        cells = backend["ops"].get(op.id)
        if not cells:
            continue
        unit = backend["units"].get(op.id, "s")
        label = op.label
        rows.append(
            [label]
            + [
                _cell_text(cells.get(n), unit, n == backend["floor"] and op.kind != "build")
                for n in names
            ]
        )
    return header, rows


def text_table(backend_name: str, backend: dict[str, Any]) -> str:
    header, rows = table_rows(backend)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [BACKEND_TITLES.get(backend_name, backend_name)]
    lines.append(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))
        )
    )
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))
            )
        )
    return "\n".join(lines)


def markdown_table(backend: dict[str, Any]) -> str:
    header, rows = table_rows(backend)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def targets_text(rows: Iterable[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        mark = {True: "holds", False: "MISSED", None: "?"}[row["holds"]]
        lines.append(f"  {mark:<7} {row['op']:<18} {row['target']:<28} {row['value']}")
    return "\n".join(lines)


def targets_markdown(rows: Iterable[dict[str, Any]]) -> str:
    lines = ["| operation | target | Vivace | holds |", "|---|---|---|---|"]
    for row in rows:
        mark = {True: "yes", False: "**no**", None: "?"}[row["holds"]]
        lines.append(f"| {row['op']} | {row['target']} | {row['value']} | {mark} |")
    return "\n".join(lines)


def legend_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for backend in result["backends"].values():
        for c in backend["contenders"]:
            line = f"{c['name']} ({c['version']}): {c['description']}"
            if line not in lines:
                lines.append(line)
    return lines


NOTES = (
    "Cells: the median over trials of the time per call (throughput: queries/s) and, in "
    "brackets, the ratio to the floor: the median over trials of the contender's time over the "
    "floor's time in the same trial (trials interleave the contenders), lower is better; for "
    "throughput, the floor's q/s over the contender's. ‡ Building a query has no raw-driver "
    "equivalent: its ratio is to one select-by-pk of the floor. n/a: the library has no such "
    "operation (SQLAlchemy Core has no objects) or no engine for the database (Piccolo on "
    "MariaDB)."
)


def full_text(result: dict[str, Any]) -> str:
    parts = []
    for name, backend in result["backends"].items():
        parts.append(text_table(name, backend))
        failed = backend.get("failed") or {}
        for who, why in failed.items():
            parts.append(f"  (not run: {who}: {why})")
        parts.append(TARGETS_TITLES.get(name, "Vivace against the targets of issues 3 and 15:"))
        parts.append(targets_text(result["targets"].get(name, [])))
        parts.append("")
    load = load_text(result)
    if load:
        parts.append(f"Load average (1 min) at each phase's start -> end: {load}.")
    parts.append(NOTES)
    return "\n".join(parts)


README_BEGIN = "<!-- benchmarks:begin (written by python -m benchmarks --update-readme) -->"
README_END = "<!-- benchmarks:end -->"


def readme_block(result: dict[str, Any]) -> str:
    """The tables for the README (between its markers)."""
    meta = result["meta"]
    servers = servers_text(meta)
    parts = [
        README_BEGIN,
        f"Run of {meta['date']} on {meta['machine']}"
        + (f" ({servers} on the same machine, over TCP)" if servers else "")
        + f", {meta['seconds'] / 60:.1f} minutes. Absolute times drift with the machine's "
        "load; the ratios, measured side by side, are the signal.",
        "",
    ]
    for name, backend in result["backends"].items():
        parts += [f"**{BACKEND_TITLES.get(name, name)}**", "", markdown_table(backend), ""]
    parts += [NOTES, "", README_END]
    return "\n".join(parts)


def servers_text(meta: dict[str, Any]) -> str:
    """``PostgreSQL 15.x and MariaDB 10.11.x``: the servers the run used."""
    names = []
    if meta.get("postgres_server"):
        names.append(f"PostgreSQL {meta['postgres_server']}")
    if meta.get("mysql_server"):
        names.append(f"MariaDB {meta['mysql_server']}")
    return " and ".join(names)


def load_text(result: dict[str, Any]) -> str:
    """The load average (1 minute) at each phase's start and end: how busy the machine was."""
    parts = []
    for name, backend in result["backends"].items():
        for phase in backend.get("phases", []):
            ends = [f"{load[0]:.2f}" for load in phase.get("loadavg", []) if load]
            if ends:
                parts.append(f"{name}/{phase['loop']} {' -> '.join(ends)}")
    return "; ".join(parts)


def update_readme(result: dict[str, Any], path: str) -> bool:
    """Replace the README's table block; False when the markers are missing."""
    with open(path) as f:
        text = f.read()
    start, end = text.find(README_BEGIN), text.find(README_END)
    if start < 0 or end < start:
        return False
    text = text[:start] + readme_block(result) + text[end + len(README_END) :]
    with open(path, "w") as f:
        f.write(text)
    return True


def full_markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    servers = servers_text(meta)
    parts = [
        f"Run {meta['date']} on {meta['machine']}"
        + (f" ({servers}, same machine, TCP)" if servers else "")
        + f", {meta['seconds']:.0f} s{' (quick)' if meta.get('quick') else ''}.",
        "",
    ]
    if meta.get("command"):
        parts += [f"Command: `{meta['command']}`.", ""]
    load = load_text(result)
    if load:
        parts += [f"Load average (1 min) at each phase's start -> end: {load}.", ""]
    for why in (meta.get("skipped") or {}).values():
        parts += [f"Skipped: {why}.", ""]
    for name, backend in result["backends"].items():
        parts += [f"**{BACKEND_TITLES.get(name, name)}**", "", markdown_table(backend), ""]
    parts += [NOTES, ""]
    for name in result["backends"]:
        parts += [f"Targets, {name}:", "", targets_markdown(result["targets"].get(name, [])), ""]
    parts += ["Contenders:", ""] + [f"- {line}" for line in legend_lines(result)]
    return "\n".join(parts) + "\n"


# chart -------------------------------------------------------------------------------------------
_STYLE = {
    "floor": ("k", "|", 10),
    "vivace": ("#d62728", "D", 8),
}
_REFERENCE_STYLES = [("0.45", "x"), ("0.2", "+")]
_PEER_STYLES = [
    ("#1f77b4", "o"),
    ("#2ca02c", "s"),
    ("#9467bd", "^"),
    ("#ff7f0e", "v"),
    ("#8c564b", "P"),
]


def _target_ratio(target: Target, backend: dict[str, Any]) -> float | None:
    """Where a target sits on the chart's axis (ratio to the floor)."""
    ops = backend["ops"]
    if target.kind == "ratio":
        return target.value
    if target.kind == "floor_throughput":
        return 1 / target.value
    if target.kind == "vs":
        other = ops.get(target.op, {}).get(target.other, {}).get("ratio")
        return other / target.value if other else None
    pk = ops.get("pk_dict", {}).get(backend["floor"], {}).get("median")
    return target.value / 1e6 / pk if pk else None


def draw_chart(result: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    backends = list(result["backends"].items())
    if not backends:
        return
    heights = [max(1, len(b["ops"])) for _, b in backends]
    fig, axes = plt.subplots(
        len(backends),
        1,
        figsize=(12, 0.4 * sum(heights) + 1.6 * len(backends)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (name, backend) in zip(axes[:, 0], backends):
        ops = [op for op in ALL_OPS if op.id in backend["ops"]]
        labels = [op.label.replace(" ‡", "*") for op in ops]
        y = {op.id: len(ops) - k for k, op in enumerate(ops)}
        peers = references = 0
        for c in backend["contenders"]:
            if c["role"] == "peer":
                color, marker = _PEER_STYLES[peers % len(_PEER_STYLES)]
                size = 6
                peers += 1
            elif c["role"] == "reference":
                color, marker = _REFERENCE_STYLES[references % len(_REFERENCE_STYLES)]
                size = 7
                references += 1
            else:
                color, marker, size = _STYLE.get(c["role"], ("0.3", "o", 6))
            xs, ys = [], []
            for op in ops:
                cell = backend["ops"][op.id].get(c["name"])
                if cell and cell.get("ratio"):
                    xs.append(cell["ratio"])
                    ys.append(y[op.id])
            if xs:
                ax.plot(
                    xs,
                    ys,
                    linestyle="none",
                    marker=marker,
                    color=color,
                    markersize=size,
                    label=c["name"],
                    zorder=3 if c["role"] == "vivace" else 2,
                )
        tx, ty = [], []
        for target in TARGETS.get(name, []):
            at = _target_ratio(target, backend)
            if target.op in y and at:
                tx.append(at)
                ty.append(y[target.op])
        if tx:
            ax.plot(
                tx,
                ty,
                linestyle="none",
                marker=4,
                color="#d62728",
                markersize=9,
                alpha=0.5,
                label="Vivace's target",
            )
        ax.axvline(1.0, color="k", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yticks(list(y.values()), labels)
        ax.set_ylim(0.4, len(ops) + 0.6)
        ax.grid(axis="x", which="both", alpha=0.25)
        ax.grid(axis="y", alpha=0.15)
        ax.set_title(BACKEND_TITLES.get(name, name), fontsize=10, loc="left")
        ax.set_xlabel("ratio to the floor (log scale, lower is better)", fontsize=9)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.suptitle(
        f"Vivace benchmarks ({result['meta']['date']}; {result['meta']['machine']})",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_outputs(result: dict[str, Any], folder: str, stem: str) -> list[str]:
    os.makedirs(folder, exist_ok=True)
    paths = []
    json_path = os.path.join(folder, f"{stem}.json")
    with open(json_path, "w") as f:
        json.dump(_clean(result), f, indent=1, ensure_ascii=False)
        f.write("\n")
    paths.append(json_path)
    md_path = os.path.join(folder, f"{stem}.md")
    with open(md_path, "w") as f:
        f.write(full_markdown(result))
    paths.append(md_path)
    png_path = os.path.join(folder, f"{stem}.png")
    try:
        draw_chart(result, png_path)
        paths.append(png_path)
    except ImportError as error:
        print(f"(no chart: {error})")
    return paths


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
