"""The one command: ``.venv/bin/python -m benchmarks``.

It installs the benchmark extra when a peer is missing (``pip install -e '.[bench]'`` into
the running interpreter's environment), creates a scratch PostgreSQL database
(``vivace_bench_<pid>``, ``synchronous_commit = off``) and, when MariaDB is reachable, a
scratch MariaDB database (``benchmarks.mysql_server``), runs each
phase (backend x event loop) in a fresh interpreter so no library's global state leaks into
another phase, drops the databases, then prints the table and writes
``benchmarks/results/latest.{json,md,png}``. A server that is not reachable is skipped with
a line saying so. A whole run of MariaDB alone (``--backend mysql``) writes
``mysql.{json,md,png}``; runs narrowed otherwise (``--quick``, ``--only``, ``--ops``,
``--backend`` with some but not all backends) write ``partial.*``, so the published files
stay whole.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.asgi.command import NEEDED as ASGI_NEEDED
from benchmarks.asgi.command import add_options as add_asgi_options
from benchmarks.asgi.command import main as run_asgi
from benchmarks.mysql_server import create_database as create_mysql_database
from benchmarks.mysql_server import drop_database as drop_mysql_database
from benchmarks.mysql_server import mysql_config
from benchmarks.mysql_server import server_version as mysql_server_version
from benchmarks.pg_server import pg_config
from benchmarks.scale.command import main as run_scale

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
#: Import names the suite needs; any missing one triggers the install.
NEEDED = (
    "asyncpg",
    "asyncmy",
    "aiosqlite",
    "piccolo",
    "sqlalchemy",
    "greenlet",
    "tortoise",
    "uvloop",
    "matplotlib",
)
BACKENDS = ("postgres", "sqlite", "mysql")
#: Backends whose whole run alone is published in files of their own (``mysql.*``).
OWN_FILES = ("mysql",)
#: How a skipped or missing server is named in the lines printed.
SERVER_TITLES = {"postgres": "PostgreSQL", "mysql": "MariaDB"}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Vivace against the raw drivers and the peers, on PostgreSQL, SQLite and "
        "MariaDB.",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (tiny trials)")
    parser.add_argument(
        "--asgi",
        action="store_true",
        help="instead: the web benchmark (TechEmpower's database tests on a Starlette app per "
        "contender, the database waiting 0-20 ms; benchmarks/asgi)",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="instead: the scale curves (time and memory per row 1k-1M, whole vs batch(); "
        "throughput vs pool size and tasks; benchmarks/scale)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="contenders to run, comma-separated names or groups: vivace, floor (the raw "
        "drivers), peers, piccolo, sqla-core, ... (the floor always runs)",
    )
    parser.add_argument("--ops", default="", help="operation ids, comma-separated (see --list)")
    parser.add_argument(
        "--backend",
        default=",".join(BACKENDS),
        help="postgres, sqlite, mysql (MariaDB), comma-separated; default: all three",
    )
    parser.add_argument("--no-uvloop", action="store_true", help="skip the uvloop phases")
    parser.add_argument("--no-install", action="store_true", help="never run pip")
    parser.add_argument("--list", action="store_true", help="list operations and contenders")
    parser.add_argument(
        "--profile",
        metavar="OP",
        help="instead of benchmarking: profile Vivace running OP (cProfile, top entries), "
        "on the first --backend",
    )
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="after a full run, write its tables into README.md (between the markers)",
    )
    parser.add_argument("--out", default=RESULTS, help="folder for the JSON, Markdown and PNG")
    add_asgi_options(parser.add_argument_group("--asgi only"))
    # Internal: run one phase in this interpreter and write its JSON.
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--phase-out", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _split(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


# dependencies ------------------------------------------------------------------------------------
def ensure_dependencies(allow_install: bool, needed: tuple[str, ...] = NEEDED) -> None:
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if not missing:
        return
    if not allow_install:
        sys.exit(f"missing: {', '.join(missing)} (run: pip install -e '.[bench]')")
    print(f"installing the benchmark extra (missing: {', '.join(missing)}) ...", flush=True)
    command = [sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[bench]"]
    subprocess.run(command, check=True, cwd=ROOT)
    importlib.invalidate_caches()


# the scratch PostgreSQL database -----------------------------------------------------------------
async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(**pg_config("postgres"), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_database() -> tuple[str | None, str]:
    name = f"vivace_bench_{os.getpid()}"
    try:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        # Commits do not wait for the WAL to reach the disk (the disk is shared and its
        # fsync latency swings 10x): writes measure CPU and round trips, as on SQLite's tmpfs.
        asyncio.run(_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"
    return name, ""


def drop_database(name: str) -> None:
    try:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as error:
        print(f"(could not drop database {name}: {error})", file=sys.stderr)


# phases ------------------------------------------------------------------------------------------
def run_phase_here(args: argparse.Namespace) -> None:
    from benchmarks.harness import Settings, run_phase

    backend, loop = args.phase.split(":")
    settings = Settings(
        backend=backend,
        loop=loop,
        pg_config=pg_config(args.database or "test"),
        quick=args.quick,
        only=_split(args.only),
        ops=_split(args.ops),
        mysql_config=mysql_config(args.database or "test"),
    )
    if loop == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            result = runner.run(run_phase(settings))
    else:
        result = asyncio.run(run_phase(settings))
    with open(args.phase_out, "w") as f:
        json.dump(result, f)


def spawn_phase(args: argparse.Namespace, phase: str, database: str | None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    command = [sys.executable, "-m", "benchmarks", "--phase", phase, "--phase-out", out]
    command += ["--database", database or "", "--only", args.only, "--ops", args.ops]
    if args.quick:
        command.append("--quick")
    try:
        completed = subprocess.run(command, cwd=ROOT)
        if completed.returncode != 0:
            raise RuntimeError(f"phase {phase} failed (exit status {completed.returncode})")
        with open(out) as f:
            result: dict[str, Any] = json.load(f)
            return result
    finally:
        os.unlink(out)


def merge(phases: list[dict[str, Any]]) -> dict[str, Any]:
    backends: dict[str, Any] = {}
    for phase in phases:
        backend = backends.setdefault(
            phase["backend"],
            {"floor": None, "contenders": [], "failed": {}, "ops": {}, "units": {}, "phases": []},
        )
        known = {c["name"] for c in backend["contenders"]}
        for contender in phase["contenders"]:
            if contender["name"] not in known:
                backend["contenders"].append(contender)
            if contender["role"] == "floor":
                backend["floor"] = contender["name"]
        backend["failed"].update(phase["failed"])
        backend["ops"].update(phase["ops"])
        backend["units"].update(phase["units"])
        backend["phases"].append(
            {"loop": phase["loop"], "seconds": phase["seconds"], "loadavg": phase["loadavg"]}
        )
    return backends


def machine() -> str:
    cpus = os.cpu_count() or 0
    system = f"{platform.system()} {platform.machine()}"
    return f"{cpus} cores, {system}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.phase:
        run_phase_here(args)
        return
    if args.scale:
        if not args.no_install:
            ensure_dependencies(allow_install=True)
        run_scale(args)
        return
    if args.asgi:
        if not args.no_install:
            ensure_dependencies(allow_install=True, needed=ASGI_NEEDED)
        run_asgi(args)
        return
    if not args.no_install:
        ensure_dependencies(allow_install=True)
    if args.list:
        list_everything()
        return
    requested = [b for b in _split(args.backend) if b in BACKENDS]
    unknown = [b for b in _split(args.backend) if b not in BACKENDS]
    if unknown:
        sys.exit(f"unknown backend {', '.join(unknown)}: choose from {', '.join(BACKENDS)}")
    if args.ops:
        from benchmarks.workload import ALL_OPS_BY_ID

        unknown = [o for o in _split(args.ops) if o not in ALL_OPS_BY_ID]
        if unknown:
            sys.exit(f"unknown operation {', '.join(unknown)} (python -m benchmarks --list)")
    if args.only:
        from benchmarks.contenders import discover
        from benchmarks.harness import ROLE_GROUPS

        known = {cls.name for cls in discover()[0]} | ROLE_GROUPS.keys()
        unknown = [w for w in _split(args.only) if w.lower() not in known]
        if unknown:
            sys.exit(f"unknown contender {', '.join(unknown)} (python -m benchmarks --list)")
    backends = list(requested)
    if args.profile:
        from benchmarks.profiling import profile

        backend = backends[0]
        database, why = _create(backend)
        if database is None:
            sys.exit(f"{SERVER_TITLES[backend]} is not reachable: {why}")
        try:
            job = profile(
                backend,
                args.profile,
                pg_config(database or "test"),
                mysql_config(database or "test"),
            )
            if args.profile == "concurrent_uvloop":
                import uvloop

                with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                    runner.run(job)
            else:
                asyncio.run(job)
        finally:
            if database:
                _drop(backend, database)
        return

    started = time.time()
    phases: list[dict[str, Any]] = []
    databases: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for backend in [b for b in backends if b in SERVER_TITLES]:
        database, why = _create(backend)
        if database is None:
            skipped[backend] = f"{SERVER_TITLES[backend]} is not reachable: {why}"
            print(f"skipping {SERVER_TITLES[backend]} (not reachable: {why})", flush=True)
            backends.remove(backend)
        else:
            databases[backend] = database
    if not backends:
        sys.exit("nothing to run: every backend asked for was skipped")
    try:
        for backend in backends:
            loops = ["asyncio"] if args.no_uvloop else ["asyncio", "uvloop"]
            wanted = _split(args.ops)
            if wanted and not {"concurrent", "concurrent_uvloop"} & set(wanted):
                loops = ["asyncio"]  # the uvloop phase only measures concurrency
            for loop in loops:
                print(f"== {backend} on {loop} ==", flush=True)
                phases.append(spawn_phase(args, f"{backend}:{loop}", databases.get(backend)))
    finally:
        for backend, database in databases.items():
            _drop(backend, database)

    from benchmarks.report import (
        add_ratios,
        check_targets,
        full_text,
        update_readme,
        write_outputs,
    )

    result: dict[str, Any] = {"meta": {}, "backends": merge(phases), "targets": {}}
    for name, backend in result["backends"].items():
        add_ratios(backend)
        result["targets"][name] = check_targets(name, backend)
    narrowed = bool(args.quick or args.only or args.ops or args.no_uvloop)
    stem = "latest"
    if not narrowed and len(requested) == 1 and requested[0] in OWN_FILES and backends:
        stem = requested[0]  # a whole run of MariaDB alone: its own, published files
    elif narrowed or set(requested) != set(BACKENDS):
        stem = "partial"
    partial = stem != "latest"
    result["meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M", time.localtime(started)),
        "machine": machine(),
        "seconds": round(time.time() - started, 1),
        "quick": args.quick,
        "partial": partial,
        "command": " ".join(
            ["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])]
        ),
        "skipped": skipped,
        "postgres_server": _server_version() if "postgres" in backends else None,
        "mysql_server": mysql_server_version() if "mysql" in backends else None,
    }
    print()
    print(full_text(result))
    paths = write_outputs(result, args.out, stem)
    print(f"\nwrote {', '.join(os.path.relpath(p, ROOT) for p in paths)}")
    print(f"took {result['meta']['seconds']:.0f} s")
    if args.update_readme:
        readme = os.path.join(ROOT, "README.md")
        if partial:
            print("README.md not updated: only a full run goes there")
        elif update_readme(result, readme):
            print("updated README.md")
        else:
            print("README.md has no benchmark markers: not updated")


def _create(backend: str) -> tuple[str | None, str]:
    """The backend's scratch database: (name, "") or (None, why); SQLite needs none."""
    if backend == "postgres":
        return create_database()
    if backend == "mysql":
        return create_mysql_database()
    return "", ""


def _drop(backend: str, database: str) -> None:
    if backend == "postgres":
        drop_database(database)
    elif backend == "mysql":
        drop_mysql_database(database)


def _server_version() -> str | None:
    async def ask() -> str:
        import asyncpg

        connection = await asyncpg.connect(**pg_config("postgres"), timeout=5)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    try:
        return asyncio.run(ask())
    except Exception:
        return None


def list_everything() -> None:
    from benchmarks.contenders import discover
    from benchmarks.workload import ALL_OPS

    print("operations:")
    for op in ALL_OPS:
        print(f"  {op.id:<18} {op.label}")
    classes, broken = discover()
    print("contenders:")
    for cls in classes:
        print(f"  {cls.name:<14} {cls.role:<10} {','.join(cls.backends):<22} {cls.description}")
    for module, why in broken.items():
        print(f"  ({module}: {why})")
