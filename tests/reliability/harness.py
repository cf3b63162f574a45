"""Tools of the reliability suite: a loopback fault proxy, a loop-lag monitor, a statement
recorder, and throwaway servers (a private PostgreSQL cluster, a PgBouncer).

Everything listens on 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from vivace.engine import Engine

LOOPBACK = "127.0.0.1"
PG_BIN = "/usr/lib/postgresql/15/bin"
Mode = Literal["pass", "blackhole", "reset"]


def free_port() -> int:
    """A TCP port nothing listens on right now (on the loopback interface)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _hard_reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashed peer or a middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# fault proxy ------------------------------------------------------------------------------------


class FaultProxy:
    """A TCP proxy on 127.0.0.1 between a client and a server, with three modes.

    - ``pass``: bytes flow both ways.
    - ``blackhole``: nothing flows any more (data is held, sockets stay open); new
      connections are accepted but never reach the server. Like a cut network.
    - ``reset``: every open connection is reset at once (RST to both sides), and new
      ones are reset as soon as they are accepted.

    Example::

        proxy = FaultProxy("127.0.0.1", 5432); await proxy.start()
        engine = PostgresEngine(config={"host": proxy.host, "port": proxy.port, ...})
        proxy.set_mode("blackhole")
    """

    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        assert target_host in (LOOPBACK, "localhost"), "the proxy only targets loopback"
        self.target = (target_host, target_port)
        self.host = LOOPBACK
        self.port = port
        self.mode: Mode = "pass"
        self.accepted = 0
        #: Reset every connection accepted after this many (None: no limit).
        self.fail_after: int | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, LOOPBACK, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        if mode == "pass":
            self._flowing.set()
            return
        self._flowing.clear()
        if mode == "reset":
            for writer in list(self._writers):
                _hard_reset(writer)
            self._writers.clear()

    @property
    def open_connections(self) -> int:
        """Client and server sockets the proxy holds open, counted in pairs' halves."""
        return len(self._writers)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode == "reset" or (
            self.fail_after is not None and self.accepted > self.fail_after
        ):
            _hard_reset(writer)
            return
        self._writers.add(writer)
        try:
            await self._flowing.wait()  # blackhole: the server never hears of it
            if self.mode == "reset":
                return
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            self._drop(writer)
            return
        self._writers.add(up_writer)
        self._spawn(self._pump(reader, up_writer, writer))
        self._spawn(self._pump(up_reader, writer, up_writer))

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, peer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                await self._flowing.wait()  # blackhole: hold the bytes, forward nothing
                if sink not in self._writers:
                    break
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._drop(sink)
            self._drop(peer)

    def _drop(self, writer: asyncio.StreamWriter) -> None:
        self._writers.discard(writer)
        if not writer.transport.is_closing():
            writer.transport.abort()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        self._flowing.set()
        for writer in list(self._writers):
            self._drop(writer)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        await asyncio.sleep(0)  # let the aborted transports finish closing


# loop lag -----------------------------------------------------------------------------------------


class LagMonitor:
    """A task that sleeps ``interval`` seconds in a loop and records the worst overshoot.

    ``worst`` is the longest stall by the wall clock. ``worst_busy`` counts each stall only
    up to the CPU time this process (any of its threads: the loop's, or a worker's holding
    the GIL) used meanwhile: on a machine with more runnable work than cores, the time the
    scheduler gave to other processes is not a stall this process caused.

    Example: ``async with LagMonitor() as lag: await work()`` then ``lag.worst_busy < 0.1``.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.worst = 0.0
        self.worst_busy = 0.0
        self.ticks = 0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            begin, cpu = time.perf_counter(), time.process_time()
            await asyncio.sleep(self.interval)
            stall = time.perf_counter() - begin - self.interval
            self.worst = max(self.worst, stall)
            # The CPU time includes the sleep's own interval: never less than the truth.
            self.worst_busy = max(self.worst_busy, min(stall, time.process_time() - cpu))
            self.ticks += 1

    async def __aenter__(self) -> LagMonitor:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(self.interval * 2)
        self.worst = self.worst_busy = 0.0  # start measuring once the monitor itself runs
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        assert self._task is not None
        await asyncio.wait_for(self._task, 5)


# statement recorder ------------------------------------------------------------------------------


@dataclass
class Statement:
    """One statement an engine was asked to run: ``kind`` is the engine method."""

    kind: str
    sql: str
    params: tuple[Any, ...] = ()


Hook = Callable[[Statement], Any]


@dataclass
class StatementRecorder:
    """Records every statement an engine sends (queries, raw SQL, BEGIN/COMMIT/SAVEPOINT).

    It wraps the engine's ``fetch``, ``fetch_sql``, ``_begin`` and ``_command`` on the
    instance. ``hooks`` run just before a statement is handed to the engine (a hook may
    cancel the current task, for instance).
    """

    engine: Engine
    statements: list[Statement] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)

    def __post_init__(self) -> None:
        engine: Any = self.engine
        fetch, fetch_sql, begin, command = (
            engine.fetch,
            engine.fetch_sql,
            engine._begin,
            engine._command,
        )

        async def fetch_hooked(compiled: Any, values: Any) -> Any:
            # The engine binds first: a value refused by a converter is never sent.
            compiled.bind(values)
            self._record(Statement("fetch", compiled.sql, tuple(values)))
            return await fetch(compiled, values)

        async def fetch_sql_hooked(sql: str, params: Any = ()) -> Any:
            self._record(Statement("fetch_sql", sql, tuple(params)))
            return await fetch_sql(sql, params)

        async def begin_hooked(transaction: Any) -> Any:
            self._record(Statement("begin", transaction.begin_sql))
            return await begin(transaction)

        async def command_hooked(transaction: Any, sql: str) -> None:
            self._record(Statement("command", sql))
            await command(transaction, sql)

        engine.fetch, engine.fetch_sql = fetch_hooked, fetch_sql_hooked
        engine._begin, engine._command = begin_hooked, command_hooked

    def _record(self, statement: Statement) -> None:
        self.statements.append(statement)
        for hook in self.hooks:
            hook(statement)

    def restore(self) -> None:
        """Take the wrappers off the engine."""
        for name in ("fetch", "fetch_sql", "_begin", "_command"):
            self.engine.__dict__.pop(name, None)

    def clear(self) -> None:
        self.statements.clear()

    @property
    def sql(self) -> list[str]:
        return [s.sql for s in self.statements]

    @contextlib.contextmanager
    def none_sent(self) -> Iterator[None]:
        """Fails if any statement is sent inside the block."""
        before = len(self.statements)
        yield
        sent = self.statements[before:]
        assert sent == [], f"SQL was sent: {sent}"


# throwaway servers -------------------------------------------------------------------------------


def _postgres_user() -> dict[str, Any]:
    """Popen arguments that run a tool as the ``postgres`` OS user when we are root."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": [], "cwd": "/tmp"}


def _as_postgres(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the ``postgres`` OS user (initdb refuses root)."""
    try:
        return subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            **_postgres_user(),
        )
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{argv[0]} failed: {error.stdout}{error.stderr}") from error


def _give_to_postgres(path: str) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


class PrivateCluster:
    """A throwaway PostgreSQL 15 cluster on a free loopback port, in a temporary folder.

    Only the tests use it, so they may crash, restart and kill it as they like; the
    shared server on 5432 is never touched.
    """

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="vivace-cluster-")
        self.data = os.path.join(self.folder, "data")
        self.log = os.path.join(self.folder, "server.log")
        self.port = free_port()
        self.host = LOOPBACK

    def init(self) -> PrivateCluster:
        _give_to_postgres(self.folder)
        _as_postgres(f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-N")
        return self

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses={LOOPBACK} "
            "-c fsync=off -c full_page_writes=off -c max_connections=40 "
            "-c shared_buffers=16MB"
        )

    def start(self) -> None:
        _as_postgres(
            f"{PG_BIN}/pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-t",
            "30",
            "-o",
            self._options(),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        _as_postgres(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def postmaster_pid(self) -> int:
        with open(os.path.join(self.data, "postmaster.pid")) as file:
            return int(file.readline())

    def running(self) -> bool:
        try:
            os.kill(self.postmaster_pid(), 0)
        except (OSError, ValueError):
            return False
        return True

    def kill_backend(self, pid: int) -> None:
        """``kill -9`` one backend: the postmaster ends every session and recovers."""
        os.kill(pid, signal.SIGKILL)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class PgBouncer:
    """Debian's pgbouncer in transaction mode on a free loopback port, in front of ``target``.

    Example: ``PgBouncer(5432).start()`` then connect to ``bouncer.port``.
    """

    def __init__(self, target_port: int, pool_size: int = 2) -> None:
        self.binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        self.folder = tempfile.mkdtemp(prefix="vivace-pgbouncer-")
        self.port = free_port()
        self.host = LOOPBACK
        self.target_port = target_port
        self.pool_size = pool_size
        self.log = os.path.join(self.folder, "pgbouncer.log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> PgBouncer:
        config = os.path.join(self.folder, "pgbouncer.ini")
        users = os.path.join(self.folder, "users.txt")
        with open(users, "w") as file:
            file.write('"postgres" ""\n')
        with open(config, "w") as file:
            file.write(
                f"[databases]\n* = host={LOOPBACK} port={self.target_port}\n"
                f"[pgbouncer]\nlisten_addr = {LOOPBACK}\nlisten_port = {self.port}\n"
                f"auth_type = trust\nauth_file = {users}\npool_mode = transaction\n"
                f"default_pool_size = {self.pool_size}\nmax_client_conn = 200\n"
                f"logfile = {self.log}\nunix_socket_dir =\n"
                "ignore_startup_parameters = extra_float_digits\nserver_reset_query =\n"
            )
        for path in (self.folder, config, users):
            _give_to_postgres(path)
        self.process = subprocess.Popen(
            [self.binary, config],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_postgres_user(),
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                if probe.connect_ex((LOOPBACK, self.port)) == 0:
                    return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer did not start: {self.read_log()}")
            time.sleep(0.05)

    def read_log(self) -> str:
        try:
            with open(self.log) as file:
                return file.read()
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
