"""``python -m benchmarks --asgi [--quick]``: the web benchmark (``benchmarks.cli`` parses).

A full run (4 waits x 11 servers x 5 test types, ~20 minutes on 2 cores) writes
``benchmarks/results/asgi.{json,md,png}``; ``--quick`` (uvloop only, waits 0 and 5 ms,
4 test types, 2 s per cell: ~4 minutes) writes ``asgi-quick.*``; a run narrowed with ``--only``,
``--tests``, ``--waits`` or ``--loops`` writes ``asgi-partial.*``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import subprocess
import sys
import time
from typing import Any

from benchmarks.asgi import report, runner
from benchmarks.asgi.apps import CONTENDERS, CONTENDERS_BY_NAME
from benchmarks.asgi.profiling import profile_app
from benchmarks.pg_server import pg_config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: Import names the web benchmark needs; a missing one installs the ``bench`` extra.
NEEDED = (
    "asyncpg", "piccolo", "sqlalchemy", "greenlet", "tortoise", "uvloop", "matplotlib",
    "starlette", "uvicorn", "httptools", "gunicorn", "psycopg", "psycopg_pool",
)  # fmt: skip


def add_options(parser: argparse._ActionsContainer) -> None:
    """The web benchmark's own options (``python -m benchmarks`` shares --quick/--only/--out)."""
    parser.add_argument("--waits", default="", help="database waits in ms, e.g. 0,5")
    parser.add_argument("--loops", default="", help="asyncio, uvloop or both")
    parser.add_argument("--tests", default="", help="test types: db,queries1,queries20,...")
    parser.add_argument("--seconds", type=float, default=0, help="measured seconds per cell")
    parser.add_argument("--connections", type=int, default=0, help="wrk connections")
    parser.add_argument("--pool", type=int, default=0, help="database connections per server")
    parser.add_argument(
        "--profile-app",
        metavar="NAME",
        help="instead: sample that contender's server with py-spy under wrk (first of "
        "--loops, --waits, --tests) and show where its CPU goes",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=0,
        help="measure it all N times, keep each cell's best (default 1; a full run measures "
        "the waits of 1 ms or less at least twice)",
    )


def _split(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _wait(text: str) -> float:
    """One ``--waits`` entry: milliseconds, 0 or more; else the run stops saying so."""
    try:
        wait = float(text)
    except ValueError:
        wait = -1.0
    if not wait >= 0:  # also NaN
        sys.exit(f"--waits takes milliseconds, 0 or more, comma-separated (got {text!r})")
    return wait


def plan_from(args: argparse.Namespace) -> tuple[runner.Plan, bool]:
    """The plan the options ask for, and whether it is narrowed (a partial run)."""
    plan = runner.Plan.quick_plan() if args.quick else runner.Plan()
    narrowed = False
    if args.only:
        wanted = set(_split(args.only)) | {report.FLOOR}
        unknown = wanted - set(CONTENDERS_BY_NAME)
        if unknown:
            sys.exit(f"unknown contenders: {', '.join(sorted(unknown))}")
        plan.contenders = tuple(c for c in CONTENDERS if c.name in wanted)
        narrowed = True
    if args.tests:
        unknown = set(_split(args.tests)) - set(runner.TESTS_BY_ID)
        if unknown:
            sys.exit(
                f"unknown test types: {', '.join(sorted(unknown))} "
                f"(choose from {', '.join(runner.TESTS_BY_ID)})"
            )
        plan.tests = tuple(runner.TESTS_BY_ID[t] for t in _split(args.tests))
        narrowed = True
    if args.waits:
        plan.waits = tuple(_wait(w) for w in _split(args.waits))
        narrowed = True
    if args.loops:
        unknown = set(_split(args.loops)) - {"asyncio", "uvloop"}
        if unknown:
            sys.exit(f"unknown loops: {', '.join(sorted(unknown))} (choose asyncio, uvloop)")
        plan.loops = tuple(_split(args.loops))
        narrowed = True
    for name in ("seconds", "connections", "pool", "passes"):
        value = getattr(args, name)
        if value < 0:  # 0 is the option's "not given"
            sys.exit(f"--{name} takes a number above 0 (got {value:g})")
        if value:
            plan = dataclasses.replace(plan, **{name: value})
            narrowed = True
    return plan, narrowed


def pg_server() -> dict[str, Any]:
    """The server's connect keywords, without a database (the runner makes its own)."""
    config = pg_config("")
    del config["database"]
    return config


def source_state() -> dict[str, Any]:
    """The commit measured, and which files of ``vivace/`` differed from it (a shared tree)."""

    def git(*arguments: str) -> str:
        try:
            done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True)
        except OSError:
            return ""
        return done.stdout

    snapshot = os.environ.get("VIVACE_SNAPSHOT_OF")  # a `git archive` copy: no .git in it
    if snapshot:
        return {"commit": snapshot, "uncommitted_in_vivace": [], "snapshot": True}
    status = git("status", "--porcelain", "--", "vivace").splitlines()
    changed = [line[3:] for line in status if line.strip()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted_in_vivace": changed}


def main(args: argparse.Namespace) -> None:
    """Run the web benchmark as ``args`` ask and write its outputs."""
    plan, narrowed = plan_from(args)
    if args.profile_app:
        contender = CONTENDERS_BY_NAME[args.profile_app]
        loop = "threads" if contender.kind == "wsgi" else plan.loops[-1]
        print(profile_app(contender, loop, plan.tests[0], plan.waits[0], plan, pg_server()))
        return
    started, load_start = time.time(), os.getloadavg()
    result = runner.run(plan, pg_server())
    result["meta"].update(
        date=time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        machine=f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        loadavg_start=[round(x, 2) for x in load_start],
        loadavg_end=[round(x, 2) for x in os.getloadavg()],
        command="python -m benchmarks " + " ".join(sys.argv[1:]),
        vivace_source=source_state(),
    )
    result["targets"] = report.check_targets(result)
    stem = "asgi-partial" if narrowed else ("asgi-quick" if args.quick else "asgi")
    print()
    print(report.full_markdown(result))
    paths = report.write_outputs(result, args.out, stem)
    print(f"wrote {', '.join(os.path.relpath(p, ROOT) for p in paths)}")
    if args.update_readme:
        readme = os.path.join(ROOT, "README.md")
        if stem != "asgi":
            print("README.md not updated: only a full run goes there")
        elif report.update_readme(result, readme):
            print("updated README.md")
        else:
            print("README.md has no web benchmark markers: not updated")
