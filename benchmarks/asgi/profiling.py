"""Where a server spends its CPU under load: ``python -m benchmarks --asgi --profile-app vivace``.

Starts one contender's server (``--loops``, ``--waits`` and ``--tests``: the first of each),
loads it with wrk and samples it meanwhile with py-spy (``--native``, so system calls and
the garbage collector show up). The server is never changed or imported here: py-spy
reads its stacks from outside. The summary attributes each sample to the innermost Python
frame's package (the library, asyncpg, the loop, uvicorn, ...), counts the samples spent
in system calls and in the garbage collector, and lists the library's own hottest frames.

>>> package_of("PostgresEngine.fetch (vivace/engine/postgres.py:324)")
'vivace'
>>> package_of("write (libc.so.6)") is None
True
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from typing import Any

from benchmarks.asgi import database, load, servers
from benchmarks.asgi.apps import AppContender
from benchmarks.asgi.runner import Plan, TestType, server_env

PACKAGES = (
    "vivace", "piccolo", "tortoise", "sqlalchemy", "asyncpg", "psycopg", "starlette",
    "uvicorn", "gunicorn", "asyncio", "benchmarks",
)  # fmt: skip
DRIVERS = {"asyncpg", "psycopg"}
SYSCALLS = {"write", "read", "writev", "sendto", "recvfrom", "epoll_pwait", "epoll_wait"}
_PATH = re.compile(r"\(([^()]*\.py)(?::\d+)?\)$")


def package_of(frame: str) -> str | None:
    """The package of a py-spy frame (``function (path.py:line)``); None for native code."""
    match = _PATH.search(frame)
    if match is None:
        return None
    path = match.group(1)
    for package in PACKAGES:
        if path.startswith(f"{package}/") or f"/{package}/" in path:
            return package
    return "other Python"


def summarize(raw: str, library: str, top: int = 15) -> str:
    """The report for py-spy's raw output (``stack;stack;... count`` per line)."""
    owners: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = gc = with_callees = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count, frames = int(count_text), stack.split(";")
        total += count
        owner = next((p for f in reversed(frames) if (p := package_of(f))), "event loop (C)")
        owners[owner] += count
        leaf = frames[-1].split(" ")[0]
        if package_of(frames[-1]) is None and leaf in SYSCALLS:
            calls[f"{leaf}() called under {owner}"] += count
        if "gc_collect" in stack:
            gc += count
        inside = [i for i, f in enumerate(frames) if package_of(f) == library]
        if inside and not {package_of(f) for f in frames[inside[-1] :]} & DRIVERS:
            with_callees += count  # the library or what it called (asyncio), not the driver
        if owner == library:
            own[next(f for f in reversed(frames) if package_of(f) == library)] += count
    if not total:
        return "py-spy took no samples"

    def share(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    lines = [f"{total} samples; by the innermost Python frame's package:"]
    lines += [f"  {share(n)}  {name}" for name, n in owners.most_common()]
    lines += ["system calls (the time inside them) and the garbage collector:"]
    lines += [f"  {share(n)}  {name}" for name, n in calls.most_common(6)]
    lines += [f"  {share(gc)}  garbage collection (under any frame)"]
    lines += [f"  {share(with_callees)}  {library} with what it calls, the driver excepted"]
    lines += [f"{library}'s own hottest frames (innermost):"]
    lines += [f"  {share(n)}  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


def profile_app(
    contender: AppContender,
    loop: str,
    test: TestType,
    wait: float,
    plan: Plan,
    pg: dict[str, Any],
    port: int = 18_731,
) -> str:
    """Load and sample one server for ``plan.seconds``; the summary text."""
    spy = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    asyncio.run(database.create(pg, plan.database))
    try:
        asyncio.run(database.set_wait(pg, plan.database, wait))
        server = servers.start(contender, loop, port, server_env(plan, pg), plan.pool)
        url = f"http://127.0.0.1:{port}{test.path}"
        with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as out:
            path = out.name
        try:
            load.run(url, max(1.0, plan.warmup), plan.connections)
            command = [spy, "record", "--pid", str(server.pid), "--native", "--rate", "200"]
            command += ["--duration", str(round(plan.seconds)), "--format", "raw"]
            command += ["--output", path]
            measured: dict[str, Any] = {}

            def under_load() -> None:
                measured.update(load.run(url, plan.seconds, plan.connections))

            loader = threading.Thread(target=under_load)
            loader.start()
            subprocess.run(command, check=True, capture_output=True)
            loader.join()
            with open(path) as f:
                raw = f.read()
        finally:
            server.stop()
            os.unlink(path)
    finally:
        asyncio.run(database.drop(pg, plan.database))
    head = (
        f"{contender.name} on {loop}, {test.label} ({test.path}), wait {wait:g} ms: "
        f"{measured.get('rps', 0):,.0f} req/s while sampled (py-spy slows it)"
    )
    return head + "\n" + summarize(raw, contender.name if contender.kind == "asgi" else "psycopg")
