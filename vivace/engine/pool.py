"""``PoolFront``: the part of a connection pool every server engine shares.

A driver's own pool (asyncpg, asyncmy, ...) belongs to the event loop it was made on.
The front gives each loop its own pool: while the main pool's loop runs on in another
thread (``run_sync``'s bridge loop beside an app's loop), another loop gets a pool beside
it; a pool of a loop that has stopped is replaced. It
hands connections out in arrival order with a FIFO semaphore sized like the pool: a
newcomer never takes the slot a woken waiter was handed. Every wait for a free slot
is bounded by the engine's ``acquire_timeout``.

The driver side is a ``PoolDriver``: how to make, size, acquire from, release to,
close and terminate one of its pools.

Example::

    front = PoolFront(AsyncpgPools(config), describe="PostgreSQL at h:5432")
    connection = await front.acquire(timeout=30.0)
    await front.release(connection)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol

from vivace.exceptions import PoolTimeout


class PoolDriver(Protocol):
    """One driver's pools, as the front needs them."""

    async def create(self, overrides: Mapping[str, Any]) -> Any:
        """A new pool on the running loop (``overrides`` win over the engine's config)."""
        ...

    def max_size(self, pool: Any) -> int:
        """How many connections ``pool`` holds at most."""
        ...

    async def acquire(self, pool: Any) -> Any:
        """A connection of ``pool`` (a slot is known to be free)."""
        ...

    async def release(self, pool: Any, connection: Any) -> None:
        """Give ``connection`` back to ``pool``."""
        ...

    async def close(self, pool: Any) -> None:
        """Close ``pool`` cleanly (waits for connections in use)."""
        ...

    def terminate(self, pool: Any) -> None:
        """Close ``pool`` at once, without waiting."""
        ...


class PoolFront:
    """Per-loop pools of one engine, served in arrival order (see the module docstring)."""

    def __init__(self, driver: PoolDriver, describe: str) -> None:
        self.driver = driver
        self.describe = describe
        #: The pool of ``loop`` (the loop that last asked).
        self.pool: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        #: Pools of loops still running in another thread.
        self.parked: dict[asyncio.AbstractEventLoop, Any] = {}
        #: One FIFO semaphore per pool, sized like it.
        self._permits: dict[int, asyncio.Semaphore] = {}
        self._beside_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def current(self) -> Any:
        """The running loop's pool, or None when it has none yet."""
        loop = asyncio.get_running_loop()
        if self.loop is loop:
            return self.pool
        return self.parked.get(loop)

    async def start(self, overrides: Mapping[str, Any]) -> Any:
        """Make the running loop's pool now, unless it has one."""
        if self.pool is not None and self.loop is asyncio.get_running_loop():
            return self.pool
        await self._adopt_loop()
        return await self._make(overrides)

    async def get(self) -> Any:
        """The running loop's pool, made on first use."""
        loop = asyncio.get_running_loop()
        if self.pool is not None and self.loop is loop:
            return self.pool
        beside = self.parked.get(loop)
        if beside is not None:
            return beside
        owner = self.loop
        if self.pool is not None and owner is not None and owner.is_running():
            # The main pool's loop runs on in another thread (an app's loop while run_sync
            # works on its bridge loop): that thread reads the main pool without a lock, so
            # it is never swapped from here; this loop gets a pool of its own beside it.
            return await self._pool_beside(loop)
        if self._lock is None or self.loop is not loop:
            await self._adopt_loop()
        assert self._lock is not None
        async with self._lock:
            if self.pool is None:
                await self._make({})
        return self.pool

    async def _pool_beside(self, loop: asyncio.AbstractEventLoop) -> Any:
        """This loop's pool, kept in ``parked`` while another loop holds the main one."""
        for other in [other for other in self.parked if other.is_closed()]:
            # A finished loop's pool cannot be closed through it any more: let it go.
            self._permits.pop(id(self.parked.pop(other)), None)
            self._beside_locks.pop(other, None)
        lock = self._beside_locks.setdefault(loop, asyncio.Lock())
        async with lock:
            pool = self.parked.get(loop)
            if pool is None:
                pool = self.parked[loop] = await self.driver.create({})
                self._permits[id(pool)] = asyncio.Semaphore(self.driver.max_size(pool))
        return pool

    async def _adopt_loop(self) -> None:
        # A pool belongs to one event loop: a new loop (asyncio.run, run_sync) gets its own.
        loop = asyncio.get_running_loop()
        if self.loop is loop:
            return
        if self.pool is not None:
            if self.loop is not None and self.loop.is_running():
                # That loop runs on in another thread: its pool is not ours to close
                # (from here, mid-use); it gets it back when it next asks.
                self.parked[self.loop] = self.pool
            else:
                self._terminate(self.pool)
            self.pool = None
        self.pool = self.parked.pop(loop, None)
        self._lock = asyncio.Lock()
        self.loop = loop

    async def _make(self, overrides: Mapping[str, Any]) -> Any:
        pool = await self.driver.create(overrides)
        self.pool, self.loop = pool, asyncio.get_running_loop()
        self._permits[id(pool)] = asyncio.Semaphore(self.driver.max_size(pool))
        if self._lock is None:
            self._lock = asyncio.Lock()
        return pool

    def _terminate(self, pool: Any) -> None:
        # The loop of a finished asyncio.run() is closed: its pool cannot be terminated
        # through it (drivers would raise "Event loop is closed"), so it is let go.
        self._permits.pop(id(pool), None)
        if self.loop is None or not self.loop.is_closed():
            self.driver.terminate(pool)

    async def acquire(self, timeout: float) -> Any:
        """A connection, after waiting in line at most ``timeout`` seconds.

        A driver error (connecting failed) propagates unmapped: the engine maps it.
        """
        pool = self.pool
        if pool is None or self.loop is not asyncio.get_running_loop():
            pool = await self.get()
        permits = self._permits.get(id(pool))
        if permits is not None:
            if permits.locked():
                # Every slot is taken: wait in line, bounded (asyncio.timeout costs a timer
                # handle). A free slot needs no timer.
                waiting = asyncio.timeout(timeout)
                try:
                    async with waiting:
                        await permits.acquire()
                except TimeoutError:
                    if not waiting.expired():
                        raise
                    raise PoolTimeout(
                        f"no connection to {self.describe} became free within "
                        f"{timeout} s (pool max_size={self.driver.max_size(pool)})"
                    ) from None
            else:
                await permits.acquire()  # returns at once: a slot is free and nobody waits
        try:
            return await self.driver.acquire(pool)
        except BaseException:
            if permits is not None:
                permits.release()
            raise

    async def release(self, connection: Any) -> None:
        """Give ``connection`` back to the running loop's pool and free its slot."""
        pool = self.current()
        if pool is None:
            return
        try:
            await self.driver.release(pool, connection)
        finally:
            permits = self._permits.get(id(pool))
            if permits is not None:
                permits.release()

    async def close(self, limit: float) -> None:
        """Close the running loop's pools, waiting up to ``limit`` s; terminate the rest."""
        loop = asyncio.get_running_loop()
        parked = self.parked.pop(loop, None)
        self._beside_locks.pop(loop, None)
        if parked is not None:
            self._permits.pop(id(parked), None)
            await self._close(parked, limit)
        owner = self.loop
        if owner is not None and owner is not loop and owner.is_running():
            return  # the main pool belongs to a loop running in another thread: not ours
        pool, self.pool = self.pool, None
        if pool is not None:
            self._permits.pop(id(pool), None)
            if owner is loop:
                await self._close(pool, limit)
            else:
                self._terminate(pool)

    async def _close(self, pool: Any, limit: float) -> None:
        try:
            async with asyncio.timeout(limit):
                await self.driver.close(pool)
        except TimeoutError:
            self.driver.terminate(pool)
