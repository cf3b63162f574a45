"""``ServerEngine``: what engines of a database server share (PostgreSQL, MariaDB/MySQL).

A ``config`` checked against the options the driver accepts (a misspelt one raises
``ConfigurationError`` at construction, listing the accepted ones), a ``PoolFront`` over
the driver's pools, background tasks that end interrupted server sessions, closing that
waits for them, and ``fetch``: the statement skeleton written out for a pooled connection
of the running loop (every statement of a web app that takes a connection per query).
An engine plugs in with hooks: ``_driver_fetch``, ``_discard`` (close a connection in an
unknown state and end its server session), ``_acquire_failed`` (map a failure to connect).

Example::

    class MyEngine(ServerEngine):
        config_keys = frozenset({"host", "port"})
        default_port = 1234
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, ClassVar, NoReturn

from vivace.dialects.compiled import Compiled
from vivace.engine.base import Engine
from vivace.engine.lanes import Lane
from vivace.engine.pool import PoolDriver, PoolFront
from vivace.engine.transaction import Transaction
from vivace.exceptions import ConfigurationError


class ServerEngine(Engine):
    """Base of engines that reach a server through a pool (see the module docstring)."""

    #: The ``config`` keys the engine accepts.
    config_keys: ClassVar[frozenset[str]] = frozenset()
    #: The server's port when ``config`` gives none.
    default_port: ClassVar[int] = 0
    #: The database's name in messages.
    title: ClassVar[str] = "the server"
    _front: PoolFront

    def __init__(
        self,
        config: Mapping[str, Any] | None,
        log_queries: bool,
        compiled_cache_size: int,
        acquire_timeout: float,
        log_responses: bool = False,
    ) -> None:
        config = dict(config or {})
        unknown = sorted(set(config) - self.config_keys)
        if unknown:
            raise ConfigurationError(
                f"unknown {type(self).__name__} config option(s) "
                f"{', '.join(map(repr, unknown))}; accepted: {', '.join(sorted(self.config_keys))}"
            )
        super().__init__(log_queries, compiled_cache_size, log_responses)
        self.config = config
        self.acquire_timeout = acquire_timeout
        self._background: set[asyncio.Task[None]] = set()
        self._front = PoolFront(self._pool_driver(), f"{self.title} at {self._address()}")

    def _pool_driver(self) -> PoolDriver:
        """The driver's side of the pool front."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._address()}>"

    def _address(self) -> str:
        host = self.config.get("host", "localhost")
        port = self.config.get("port", self.default_port)
        return f"{host}:{port}"

    @property
    def pool(self) -> Any:
        """The driver's pool of the running loop, or None before it starts."""
        return self._front.pool

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Create the pool now; ``kwargs`` override ``config`` (e.g. ``max_size=20``)."""
        if self._front.pool is not None and self._front.loop is asyncio.get_running_loop():
            return
        await self._front.start(kwargs)

    async def close_connection_pool(self, timeout: float | None = None) -> None:
        """Close every pooled connection.

        Waits up to ``timeout`` seconds (default: ``acquire_timeout``) for connections
        in use to come back and close cleanly; whatever is left is then terminated.
        """
        limit = self.acquire_timeout if timeout is None else timeout
        if self.read_routing is not None:
            await self.read_routing.close()  # its probe uses this pool
        loop = asyncio.get_running_loop()
        ending = [task for task in self._background if task.get_loop() is loop]
        if ending:
            await asyncio.wait(ending, timeout=limit)
        await self._front.close(limit)

    def transaction(
        self,
        allow_nested: bool = True,
        isolation_level: str | None = None,
        read_only: bool = False,
        **options: Any,
    ) -> Transaction:
        """``async with DB.transaction(isolation_level="serializable"):``."""
        if options:
            raise TypeError(f"unknown transaction options: {', '.join(options)}")
        begin = self.dialect.begin_sql(isolation_level, read_only)
        return Transaction(self, allow_nested=allow_nested, begin=begin)

    # running --------------------------------------------------------------------------------
    async def fetch(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        """Run a statement and return the driver's rows (see ``Engine.fetch``).

        Example: ``rows = await DB.fetch(*DB.compile(Select(Band, [Band.name])))``.
        """
        if compiled.guarded:
            return await self._fetch_guarded(compiled, values)
        params = compiled.bind(values)
        if self.log_queries:
            self._log(compiled.sql, params)
        front = self._front
        lane = front.lane
        if (
            lane is None
            or lane.reuse is None  # its pool is closing (or the driver keeps nothing)
            or self._transaction.get() is not None
            or front.loop is not asyncio.get_running_loop()
        ):
            return await self._run_statement(self._driver_fetch, compiled.sql, params)
        # The skeleton (``Engine._run_statement``) written out for the running loop's own
        # pool, outside a transaction: each coroutine layer between the query and the
        # driver is paid on every resumption. A kept connection is taken without awaiting;
        # when every slot is taken (or someone waits), the statement waits in the lane's
        # line itself. The connection goes back to the lane it came from, also when the
        # front has moved on to another pool meanwhile.
        connection = lane.take()
        if connection is None:
            if lane.must_wait():
                connection = await lane.wait(self.acquire_timeout)
                if connection is None:  # a free slot was handed over: fill it
                    connection = await self._from_lane(lane, slot=True)
            else:
                connection = await self._from_lane(lane, slot=False)
        try:
            # Through the hook, as on the skeleton's path (a subclass or a test may wrap it).
            rows = await self._driver_fetch(connection, compiled.sql, params)
        except BaseException as error:
            if self._is_fatal(error):
                self._discard(connection)
                await lane.release(connection)
            elif not lane.put(connection):
                await lane.release(connection)
            self._raise_from(error)
        if not lane.put(connection):
            await lane.release(connection)
        return rows

    async def _fetch_guarded(self, compiled: Compiled, values: Sequence[Any]) -> list[Any]:
        """A statement its dialect marked ``guarded`` (MariaDB's ``INSERT IGNORE``)."""
        raise NotImplementedError

    # connections ----------------------------------------------------------------------------
    async def _acquire(self) -> Any:
        try:
            return await self._front.acquire(self.acquire_timeout)
        except Exception as error:
            self._acquire_failed(error)

    async def _from_lane(self, lane: Lane, slot: bool) -> Any:
        """A connection of ``lane`` (see ``fetch``): new from the driver for the ``slot``
        handed over, else as ``Lane.acquire`` finds one."""
        try:
            return await (lane.fill() if slot else lane.acquire(self.acquire_timeout))
        except Exception as error:
            self._acquire_failed(error)

    def _acquire_failed(self, error: Exception) -> NoReturn:
        """Raise Vivace's error for a failure to get a connection (``error``: the driver's,
        or TimeoutError when connecting took longer than ``acquire_timeout``)."""
        self._raise_from(error)

    async def _release(self, connection: Any, discard: bool = False) -> None:
        if discard:
            self._discard(connection)
        await self._front.release(connection)

    def _discard(self, connection: Any) -> None:
        """Close ``connection`` (its state is unknown) and end its session on the server."""
        raise NotImplementedError

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` without waiting for it; closing the pool waits for it."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
