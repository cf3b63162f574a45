"""How long ``migrations new APP --auto`` takes on a long history: Vivace against Piccolo.

An app with 50 tables and 100 migrations (the first creates the tables, each later one
adds a column to 10 tables and alters a column of 5), the same history in both formats
(Piccolo's files differ only in their imports). Each command runs in a fresh interpreter,
as a user runs it; the best of ``--runs`` is reported, with the in-process replay time.

Usage (needs the ``bench`` extra for Piccolo)::

    python -m benchmarks.migrations_snapshot [--runs 3] [--tables 50] [--migrations 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vivace.conf import AppConfig
from vivace.migrations.history import load_managers, replay
from vivace.migrations.manager import DEFAULT_KEY
from vivace.migrations.operations import AddColumn, AddTable, AlterColumn, Operation
from vivace.migrations.writer import migration_file_name, render_migration
from vivace.schema.source import SourceWriter
from vivace.schema.spec import ColumnSpec, SchemaSpec

APP = "bench_app"


def build_history(tables: int, migrations: int) -> list[tuple[list[Operation], SchemaSpec]]:
    """The operations of each migration, with the schema before it."""
    state = SchemaSpec()
    history: list[tuple[list[Operation], SchemaSpec]] = []
    first: list[Operation] = []
    for t in range(tables):
        columns = (
            DEFAULT_KEY,
            ColumnSpec.of("name", "Varchar", length=50, default=""),
            ColumnSpec.of("rank", "Integer", default=0),
            ColumnSpec.of("note", "Text", null=True),
        )
        first.append(AddTable(f"Table{t}", f"table_{t}", None, columns))
    history.append((first, state))
    for op in first:
        state = op.apply(state)
    for m in range(1, migrations):
        ops: list[Operation] = []
        for k in range(10):
            t = (m * 10 + k) % tables
            column = ColumnSpec.of(f"extra_{m}", "Varchar", length=20, default="", null=True)
            ops.append(AddColumn(f"Table{t}", f"table_{t}", None, column))
        for k in range(5):
            t = (m * 5 + k) % tables
            old = state.table(f"Table{t}").column("rank")
            new = old.replace_params(default=m)
            ops.append(AlterColumn(f"Table{t}", f"table_{t}", None, "rank", new))
        history.append((ops, state))
        for op in ops:
            state = op.apply(state)
    return history


def write_projects(root: Path, tables: int, migrations: int) -> SchemaSpec:
    """A Vivace project and a Piccolo project with the same history; the final schema."""
    history = build_history(tables, migrations)
    final = history[-1][1]
    for op in history[-1][0]:
        final = op.apply(final)
    for kind in ("vivace", "piccolo"):
        app = root / kind / APP
        folder = app / ("migrations" if kind == "vivace" else "piccolo_migrations")
        folder.mkdir(parents=True)
        (app / "__init__.py").write_text("")
        (folder / "__init__.py").write_text("")
        for index, (ops, before) in enumerate(history):
            migration_id = f"2026-01-01T00:{index // 60:02d}:{index % 60:02d}:000000"
            source = render_migration(migration_id, APP, "", ops, before)
            if kind == "piccolo":
                source = _piccolo_imports(source)
            (folder / migration_file_name(APP, migration_id)).write_text(source)
        writer = SourceWriter()
        body = "\n\n\n".join(writer.table(t) for t in final)
        imports = "\n".join(["from vivace import Table", *writer.import_lines()])
        tables_source = imports + "\n\n\n" + body + "\n"
        if kind == "piccolo":
            tables_source = _piccolo_imports(tables_source)
        (app / "tables.py").write_text(tables_source)
        _write_conf(root / kind, kind, folder.name)
    return final


def _piccolo_imports(source: str) -> str:
    """The same file for Piccolo: its import paths (IndexMethod lives elsewhere there)."""
    lines = []
    for line in source.splitlines():
        if line.startswith("from vivace.columns import") and "IndexMethod" in line:
            names = [n for n in line.split(" import ")[1].split(", ") if n != "IndexMethod"]
            lines.append("from piccolo.columns.indexes import IndexMethod")
            line = "from vivace.columns import " + ", ".join(names) if names else ""
        lines.append(line)
    return (
        "\n".join(lines)
        .replace("from vivace.migrations import", "from piccolo.apps.migrations.auto import")
        .replace("from vivace import Table", "from piccolo.table import Table")
        .replace("from vivace.columns import", "from piccolo.columns import")
        .replace("'help_text': None,", "")
        .replace("'required': False,", "")
    )


def _write_conf(root: Path, kind: str, folder: str) -> None:
    if kind == "vivace":
        conf = (
            "from vivace.conf import AppRegistry\nfrom vivace.engine import SQLiteEngine\n"
            "DB = SQLiteEngine(path='bench.sqlite')\n"
            f"APP_REGISTRY = AppRegistry(apps=['{APP}.vivace_app'])\n"
        )
        app = (
            "import os\nfrom vivace.conf import AppConfig, table_finder\n"
            f"APP_CONFIG = AppConfig('{APP}', os.path.join(os.path.dirname(__file__), "
            f"'{folder}'), table_classes=table_finder(['{APP}.tables']))\n"
        )
        (root / "vivace_conf.py").write_text(conf)
        (root / APP / "vivace_app.py").write_text(app)
        return
    conf = (
        "from piccolo.conf.apps import AppRegistry\n"
        "from piccolo.engine.sqlite import SQLiteEngine\n"
        "DB = SQLiteEngine(path='bench.sqlite')\n"
        f"APP_REGISTRY = AppRegistry(apps=['{APP}.piccolo_app'])\n"
    )
    app = (
        "import os\nfrom piccolo.conf.apps import AppConfig, table_finder\n"
        f"APP_CONFIG = AppConfig('{APP}', os.path.join(os.path.dirname(__file__), "
        f"'{folder}'), table_classes=table_finder(['{APP}.tables']))\n"
    )
    (root / "piccolo_conf.py").write_text(conf)
    (root / APP / "piccolo_app.py").write_text(app)


def time_command(root: Path, command: list[str], runs: int) -> tuple[float, str]:
    """The best wall time of ``command`` run in ``root``, and its last output."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("VIVACE_CONF", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as users run it: compiled files are cached
    best, output = float("inf"), ""
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        best = min(best, time.perf_counter() - started)
        lines = (result.stdout + result.stderr).strip().splitlines()
        output = next((x for x in reversed(lines) if "change" in x.lower()), lines[-1:] or "")
        if result.returncode != 0:
            raise SystemExit(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    return best, output


def replay_time(root: Path, runs: int) -> float:
    """In-process: import the files, call their forwards() and replay them."""
    folder = root / "vivace" / APP / "migrations"
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        managers = asyncio.run(load_managers(AppConfig(APP, folder)))
        replay(managers)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--migrations", type=int, default=100)
    parser.add_argument("--keep", help="write the projects in this folder and stop")
    args = parser.parse_args(argv)
    if args.keep:
        write_projects(Path(args.keep), args.tables, args.migrations)
        return
    bin_dir = os.path.dirname(sys.executable)
    with tempfile.TemporaryDirectory(prefix="vivace-migration-bench-") as folder:
        root = Path(folder)
        write_projects(root, args.tables, args.migrations)
        print(f"{args.migrations} migrations x {args.tables} tables, best of {args.runs}:")
        replayed = replay_time(root, args.runs)
        print(f"  vivace replay in process (import, forwards(), replay): {replayed:.2f} s")
        vivace_cmd = [os.path.join(bin_dir, "vivace"), "migrations", "new", APP, "--auto"]
        took, output = time_command(root / "vivace", vivace_cmd, args.runs)
        print(f"  vivace migrations new --auto: {took:.2f} s  ({output})")
        piccolo = os.path.join(bin_dir, "piccolo")
        if os.path.exists(piccolo):
            cmd = [piccolo, "migrations", "new", APP, "--auto"]
            took, output = time_command(root / "piccolo", cmd, args.runs)
            print(f"  piccolo migrations new --auto: {took:.2f} s  ({output})")
        else:
            print("  piccolo: not installed (pip install '.[bench]')")


if __name__ == "__main__":
    main()
