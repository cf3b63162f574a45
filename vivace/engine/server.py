"""``ServerEngine``: what engines of a database server share (PostgreSQL, MariaDB/MySQL).

A ``config`` checked against the options the driver accepts (a misspelt one raises
``ConfigurationError`` at construction, listing the accepted ones), a ``PoolFront`` over
the driver's pools, background tasks that end interrupted server sessions, and closing
that waits for them.

Example::

    class MyEngine(ServerEngine):
        config_keys = frozenset({"host", "port"})
        default_port = 1234
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any, ClassVar

from vivace.engine.base import Engine
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
    ) -> None:
        config = dict(config or {})
        unknown = sorted(set(config) - self.config_keys)
        if unknown:
            raise ConfigurationError(
                f"unknown {type(self).__name__} config option(s) "
                f"{', '.join(map(repr, unknown))}; accepted: {', '.join(sorted(self.config_keys))}"
            )
        super().__init__(log_queries=log_queries, compiled_cache_size=compiled_cache_size)
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

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` without waiting for it; closing the pool waits for it."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
