"""The scale curves' outputs: a Markdown table per curve, the JSON, one PNG of 4 panels."""

from __future__ import annotations

from typing import Any

from benchmarks import outputs


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        "# Scale curves",
        "",
        f"Run of {meta['date']} on {meta['machine']}, {meta['seconds'] / 60:.1f} minutes; load "
        f"average {meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end. "
        f"Streaming: `batch(batch_size={meta['batch_size']})`. Memory: the peak of what Python "
        "allocated during the read (tracemalloc, in a separate run from the timed one).",
        "",
        "| engine | rows | whole: µs/row | whole: peak memory | batch: µs/row "
        "| batch: peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    cells = {(p["engine"], p["mode"], p["rows"]): p for p in result["rows"]}
    for engine in ("postgres", "sqlite"):
        for count in sorted({p["rows"] for p in result["rows"]}):
            row = [engine, f"{count:,}"]
            for mode in ("whole", "batch"):
                p = cells.get((engine, mode, count))
                if p is None:
                    row += ["n/a", "n/a"]
                    continue
                row.append(f"{p['seconds'] / count * 1e6:.2f}")
                row.append(f"{p['peak_bytes'] / 2**20:.1f} MiB")
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Concurrent select-by-pk, queries/s (Vivace / raw asyncpg):", ""]
    lines += ["| pool size (200 tasks) | asyncpg | vivace | ratio |", "|---:|---:|---:|---:|"]
    for p in result["throughput"]["pool"]:
        ratio = p["vivace"] / p["asyncpg"]
        lines.append(f"| {p['size']} | {p['asyncpg']:,.0f} | {p['vivace']:,.0f} | {ratio:.2f} |")
    lines += ["", "| tasks (pool of 10) | asyncpg | vivace | ratio |", "|---:|---:|---:|---:|"]
    for p in result["throughput"]["tasks"]:
        ratio = p["vivace"] / p["asyncpg"]
        lines.append(f"| {p['tasks']} | {p['asyncpg']:,.0f} | {p['vivace']:,.0f} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def draw(result: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 4, figsize=(18, 4.3))
    styles = {"whole": "-", "batch": "--"}
    colors = {"postgres": "tab:blue", "sqlite": "tab:green"}
    for engine in ("postgres", "sqlite"):
        for mode in ("whole", "batch"):
            points = sorted(
                (p for p in result["rows"] if p["engine"] == engine and p["mode"] == mode),
                key=lambda p: p["rows"],
            )
            xs = [p["rows"] for p in points]
            style = {"color": colors[engine], "linestyle": styles[mode], "marker": "o"}
            label = f"{engine}, {mode}"
            axes[0].plot(xs, [p["seconds"] / p["rows"] * 1e6 for p in points], label=label, **style)
            memory = [max(p["peak_bytes"], 1024) / 2**20 for p in points]
            axes[1].plot(xs, memory, label=label, **style)
    axes[0].set_title("time per row (µs)")
    axes[1].set_title("peak memory allocated during the read (MiB)")
    for axis in axes[:2]:
        axis.set_xscale("log")
        axis.set_xlabel("rows read")
        axis.legend(fontsize=8)
    axes[1].set_yscale("log")
    for axis, key, label in ((axes[2], "pool", "size"), (axes[3], "tasks", "tasks")):
        points = result["throughput"][key]
        xs = [p[label] for p in points]
        axis.plot(xs, [p["asyncpg"] for p in points], "o-", color="black", label="asyncpg")
        axis.plot(xs, [p["vivace"] for p in points], "s-", color="tab:red", label="vivace")
        axis.set_xscale("log")
        axis.set_xlabel("pool size (200 tasks)" if key == "pool" else "tasks (pool of 10)")
        axis.set_title("select-by-pk, queries/s")
        axis.legend(fontsize=8)
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
    figure.suptitle(f"Scale curves ({result['meta']['date']}; {result['meta']['machine']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_outputs(result: dict[str, Any], folder: str, stem: str) -> list[str]:
    return outputs.write_outputs(result, folder, stem, markdown, draw)
