"""One phase of a run: one backend on one event loop, every selected contender at once.

For each operation: every contender runs it once and its result is checked (against the
floor's, normalised, and for writes against the database); then each contender's
repetitions are calibrated to about ``trial_seconds``; then the trials run interleaved
(trial 1 of every contender, then trial 2, ... with the order rotated each trial), so
machine drift hits all alike. A trial's value is its mean time per call (``concurrent``:
queries per second); a cell is the median of its trials. ``gc.collect()`` runs before each
trial; GC stays on during it.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.contenders import Contender, Context, discover
from benchmarks.workload import (
    ALL_OPS_BY_ID,
    CHECK_I,
    CONCURRENT_QUERIES_PER_TASK,
    CONCURRENT_TASKS,
    POOL_SIZE,
    RUN_ORDER,
    UVLOOP_OP,
    Inspector,
    Op,
    normalise,
)

#: Give up on one trial after this long (a hung contender must not hang the run).
TRIAL_TIMEOUT = 300.0


@dataclass
class Settings:
    backend: str
    loop: str  # "asyncio" or "uvloop"
    pg_config: dict[str, Any]
    quick: bool = False
    only: tuple[str, ...] = ()  # contender names or roles; empty = all
    ops: tuple[str, ...] = ()  # op ids; empty = all
    verbose: bool = True
    mysql_config: dict[str, Any] = field(default_factory=dict)


@dataclass
class Cell:
    status: str = "ok"  # ok | invalid | error
    values: list[float] = field(default_factory=list)
    reps: int = 0
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        median = statistics.median(self.values) if self.values else None
        return {
            "status": self.status,
            "median": median,
            "trials": self.values,
            "reps": self.reps,
            "note": self.note,
        }


#: The group names ``--only`` takes besides contender names, and the roles each one picks.
ROLE_GROUPS = {"floor": {"floor", "reference"}, "raw": {"floor", "reference"}, "peers": {"peer"}}


def selected(cls: type[Contender], only: tuple[str, ...]) -> bool:
    if cls.role == "floor" or not only:
        return True  # the floor is always there: it is every ratio's denominator
    wanted = {w.strip().lower() for w in only}
    return any(word == cls.name or cls.role in ROLE_GROUPS.get(word, ()) for word in wanted)


def phase_ops(settings: Settings) -> list[Op]:
    if settings.loop == "uvloop":
        ops = [UVLOOP_OP]
        wanted = settings.ops
        if wanted and "concurrent" not in wanted and UVLOOP_OP.id not in wanted:
            return []
        return ops
    return [op for op in RUN_ORDER if not settings.ops or op.id in settings.ops]


def scaled(op: Op, quick: bool) -> tuple[float, int]:
    """(seconds per trial, trials)."""
    if quick:
        return op.trial_seconds / 6, 2
    return op.trial_seconds, op.trials


class Phase:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.contenders: list[Contender] = []
        self.inspectors: dict[str, Inspector] = {}
        self.failed: dict[str, str] = {}  # contender -> why it could not start
        self.absent: list[type[Contender]] = []  # no engine for this backend: n/a columns
        self.order: list[str] = []  # contender names in discovery order (the columns' order)
        self.results: dict[str, dict[str, Cell]] = {}
        self.counters: dict[tuple[str, str], int] = {}
        self.folder = tempfile.mkdtemp(prefix="vivace-bench-", dir=_fast_tmp())

    def log(self, message: str) -> None:
        if self.s.verbose:
            print(message, flush=True)

    # setup ------------------------------------------------------------------------------
    async def open(self) -> None:
        classes, broken = discover()
        for module, why in broken.items():
            self.failed[module] = f"import failed: {why}"
            self.log(f"  ! contenders/{module}.py: {self.failed[module]}")
        for cls in classes:
            if not selected(cls, self.s.only):
                continue
            self.order.append(cls.name)
            if self.s.backend in cls.absent:
                self.absent.append(cls)
                continue
            if self.s.backend not in cls.backends:
                continue
            tables = cls.table_names()
            path = os.path.join(self.folder, f"{cls.slug()}.sqlite")
            inspector = Inspector(
                self.s.backend, tables, self.s.pg_config, path, self.s.mysql_config
            )
            context = Context(
                backend=self.s.backend,
                pg_config=dict(self.s.pg_config),
                sqlite_path=path,
                tables=tables,
                pool_size=POOL_SIZE,
                mysql_config=dict(self.s.mysql_config),
            )
            contender = cls(context)
            try:
                await inspector.open()
                await inspector.create_and_seed()
                await contender.setup()
            except Exception as error:
                self.failed[cls.name] = f"setup failed: {type(error).__name__}: {error}"
                self.log(f"  ! {cls.name}: {self.failed[cls.name]}")
                await _quietly(inspector.close())
                continue
            self.contenders.append(contender)
            self.inspectors[cls.name] = inspector

    async def close(self) -> None:
        for contender in self.contenders:
            await _quietly(contender.teardown())
        for inspector in self.inspectors.values():
            await _quietly(inspector.close())
        shutil.rmtree(self.folder, ignore_errors=True)

    # running ------------------------------------------------------------------------------
    def next_i(self, contender: Contender, op: Op, count: int) -> int:
        key = (contender.name, op.id)
        start = self.counters.get(key, 0)
        self.counters[key] = start + count
        return start

    async def run(self) -> None:
        # Everything set up so far (modules, models, pools) is never garbage: keep it out of
        # the collector's way, so a trial's gc.collect() and GC pauses see only new objects.
        gc.collect()
        gc.freeze()
        for op in phase_ops(self.s):
            await self.run_op(op)

    async def run_op(self, op: Op) -> None:
        cells: dict[str, Cell] = {}
        self.results[op.id] = cells
        active = [c for c in self.contenders if c.supports(op.id)]
        if not active:
            return
        started = time.perf_counter()
        returned: dict[str, Any] = {}
        for contender in active:
            cell = cells[contender.name] = Cell()
            status, payload = await self.check(contender, op)
            if status != "ok":
                cell.status, cell.note = status, payload
            elif payload is not None:
                returned[contender.name] = payload
        # The floor's result is the reference (or the first one, when the floor failed).
        floors = [c.name for c in active if c.role == "floor" and c.name in returned]
        reference = returned[floors[0]] if floors else next(iter(returned.values()), None)
        for name, value in returned.items():
            if value != reference:
                cells[name].status = "invalid"
                cells[name].note = "returned other rows than the floor"
                self.log(f"  ! {name} {op.id}: {cells[name].note}")
        runnable = [c for c in active if cells[c.name].status == "ok"]
        for contender in runnable:
            await self.calibrate(contender, op, cells[contender.name])
        runnable = [c for c in runnable if cells[c.name].status == "ok"]
        _, trials = scaled(op, self.s.quick)
        for trial in range(trials):
            shift = trial % len(runnable) if runnable else 0
            for contender in runnable[shift:] + runnable[:shift]:
                cell = cells[contender.name]
                if cell.status != "ok":
                    continue
                try:
                    async with asyncio.timeout(TRIAL_TIMEOUT):
                        cell.values.append(await self.trial(contender, op, cell.reps))
                except Exception as error:
                    cell.status = "error"
                    cell.note = _describe(error)
                    self.log(f"  ! {contender.name} {op.id}: {cell.note}")
                    await _quietly(self.inspectors[contender.name].cleanup())
        self.log(self.progress_line(op, cells, time.perf_counter() - started))

    async def check(self, contender: Contender, op: Op) -> tuple[str, Any]:
        """Run once and check: ("ok", normalised result or None) or (status, why)."""
        inspector = self.inspectors[contender.name]
        try:
            await inspector.cleanup()
            op_id = "pk_dict" if op.kind == "throughput" else op.id
            result = await call(method(contender, op_id), CHECK_I)
            if op.kind == "throughput":
                # A short burst: every pooled connection opens and is used once.
                await self.concurrent(contender, op, tasks=CONCURRENT_TASKS, per_task=1)
            if op.kind in ("write", "bulk"):
                problem = await inspector.check(op.id, CHECK_I)
                await inspector.cleanup()
                return ("invalid", problem) if problem else ("ok", None)
            normalised = normalise(op_id, result)
            if op.kind == "build":
                return ("ok", None) if normalised else ("invalid", f"odd SQL: {result!r:.100}")
            if not normalised:
                return ("invalid", "returned no rows")
            return ("ok", normalised)
        except Exception as error:
            note = _describe(error)
            self.log(f"  ! {contender.name} {op.id}: {note}")
            if os.environ.get("VIVACE_BENCH_TRACEBACK"):
                traceback.print_exc()
            await _quietly(inspector.cleanup())
            return ("error", note)

    async def calibrate(self, contender: Contender, op: Op, cell: Cell) -> None:
        """How many calls make a trial of about ``trial_seconds``."""
        if op.kind == "throughput":
            cell.reps = 1
            return
        seconds, _ = scaled(op, self.s.quick)
        target = seconds / 5
        reps, elapsed = 1, 0.0
        try:
            while True:
                elapsed = await self.timed(contender, op, reps)
                await self.inspectors[contender.name].cleanup()
                if elapsed >= target or reps >= 1 << 20:
                    break
                reps *= 4 if elapsed < target / 8 else 2
            # Two more looks, keeping the fastest: a load spike during calibration must not
            # shrink the trials to a handful of calls.
            for _ in range(2):
                elapsed = min(elapsed, await self.timed(contender, op, reps))
                await self.inspectors[contender.name].cleanup()
        except Exception as error:
            cell.status, cell.note = "error", _describe(error)
            self.log(f"  ! {contender.name} {op.id}: {cell.note}")
            return
        per_call = elapsed / reps
        cell.reps = max(1, min(1 << 22, round(seconds / per_call)))

    async def trial(self, contender: Contender, op: Op, reps: int) -> float:
        gc.collect()
        if op.kind == "throughput":
            per_task = CONCURRENT_QUERIES_PER_TASK // (10 if self.s.quick else 1)
            return await self.concurrent(contender, op, CONCURRENT_TASKS, per_task)
        elapsed = await self.timed(contender, op, reps)
        await self.inspectors[contender.name].cleanup()
        return elapsed / reps

    async def timed(self, contender: Contender, op: Op, reps: int) -> float:
        """Seconds for ``reps`` calls (writes are undone afterwards, untimed)."""
        fn = method(contender, op.id)
        start = self.next_i(contender, op, reps)
        if op.kind == "bulk":  # one call at a time, the table cleaned between calls
            total = 0.0
            inspector = self.inspectors[contender.name]
            for i in range(start, start + reps):
                t0 = time.perf_counter()
                await call(fn, i)
                total += time.perf_counter() - t0
                await inspector.cleanup()
            return total
        if inspect.iscoroutinefunction(fn):
            return await _loop_async(fn, start, reps)
        return _loop_sync(fn, start, reps)

    async def concurrent(self, contender: Contender, op: Op, tasks: int, per_task: int) -> float:
        """Queries per second: ``tasks`` tasks each running ``per_task`` pk selects."""
        fn = method(contender, "pk_dict")
        total = tasks * per_task
        start = self.next_i(contender, op, total)
        if not inspect.iscoroutinefunction(fn):  # a synchronous driver has no tasks
            return total / _loop_sync(fn, start, total)

        async def worker(first: int) -> None:
            for i in range(first, first + per_task):
                await fn(i)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(start + k * per_task) for k in range(tasks)))
        return total / (time.perf_counter() - t0)

    # output ---------------------------------------------------------------------------------
    def progress_line(self, op: Op, cells: dict[str, Cell], took: float) -> str:
        from benchmarks.report import format_value

        unit = "q/s" if op.kind == "throughput" else "s"
        parts = []
        for name, cell in cells.items():
            if cell.status != "ok" or not cell.values:
                parts.append(f"{name} {cell.status}")
            else:
                parts.append(f"{name} {format_value(statistics.median(cell.values), unit)}")
        return f"  {op.id:<17} ({took:5.1f} s)  " + " | ".join(parts)

    def _in_order(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rank = {name: k for k, name in enumerate(self.order)}
        return sorted(entries, key=lambda e: rank.get(e["name"], len(rank)))

    def as_json(self) -> dict[str, Any]:
        versions = {}
        for contender in self.contenders:
            versions[contender.name] = _version(contender.package)
        return {
            "backend": self.s.backend,
            "loop": self.s.loop,
            "contenders": self._in_order(
                [
                    {
                        "name": c.name,
                        "role": c.role,
                        "package": c.package,
                        "version": versions[c.name],
                        "description": c.description,
                    }
                    for c in self.contenders
                ]
                + [
                    {
                        "name": cls.name,
                        "role": cls.role,
                        "package": cls.package,
                        "version": _version(cls.package),
                        "description": f"n/a on this backend: {cls.absent[self.s.backend]}",
                        "absent": True,
                    }
                    for cls in self.absent
                ]
            ),
            "failed": self.failed,
            "ops": {
                op_id: {name: cell.as_json() for name, cell in cells.items()}
                for op_id, cells in self.results.items()
            },
            "units": {op_id: _unit(op_id) for op_id in self.results},
        }


def _unit(op_id: str) -> str:
    return "q/s" if ALL_OPS_BY_ID[op_id].kind == "throughput" else "s"


def method(contender: Contender, op_id: str) -> Callable[[int], Any]:
    fn: Callable[[int], Any] = getattr(contender, op_id)
    return fn


async def call(fn: Callable[[int], Any], i: int) -> Any:
    result = fn(i)
    if inspect.isawaitable(result):
        return await result
    return result


async def _loop_async(fn: Callable[[int], Any], start: int, reps: int) -> float:
    t0 = time.perf_counter()
    for i in range(start, start + reps):
        await fn(i)
    return time.perf_counter() - t0


def _loop_sync(fn: Callable[[int], Any], start: int, reps: int) -> float:
    t0 = time.perf_counter()
    for i in range(start, start + reps):
        fn(i)
    return time.perf_counter() - t0


async def _quietly(awaitable: Any) -> None:
    try:
        await awaitable
    except Exception as error:
        print(f"  (ignored while closing: {_describe(error)})", file=sys.stderr)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return text[:300]


def _version(package: str) -> str:
    if package == "sqlite3":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:
        return "?"


def _fast_tmp() -> str | None:
    """A tmpfs for the SQLite files when there is one (no disk or fsync noise)."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return shm
    return None


async def run_phase(settings: Settings) -> dict[str, Any]:
    phase = Phase(settings)
    started = time.time()
    load_start = _loadavg()
    try:
        await phase.open()
        await phase.run()
    finally:
        await phase.close()
    result = phase.as_json()
    result["seconds"] = round(time.time() - started, 1)
    result["loadavg"] = [load_start, _loadavg()]
    return result


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []
