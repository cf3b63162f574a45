"""``PoolFront``: the part of a connection pool every server engine shares.

A driver's own pool (asyncpg, asyncmy, ...) belongs to the event loop it was made on.
The front gives each loop its own pool: while the main pool's loop runs on in another
thread (``run_sync``'s bridge loop beside an app's loop), another loop gets a pool beside
it; a pool of a loop that has stopped is replaced. It
hands connections out in arrival order through a ``Lane`` per pool (``vivace.engine.lanes``):
a newcomer never takes the slot a waiter was handed, every wait for a free slot is bounded
by the engine's ``acquire_timeout``, and a connection the driver calls reusable is kept
between statements instead of going back through the driver's pool each time.

The driver side is a ``PoolDriver``: how to make, size, acquire from, release to,
close and terminate one of its pools; a driver with ``reusable(connection)`` lets the
lanes keep its connections (``take``/``give_back`` are then synchronous).

Example::

    front = PoolFront(AsyncpgPools(config), describe="PostgreSQL at h:5432")
    connection = front.take() or await front.acquire(timeout=30.0)
    if not front.give_back(connection):
        await front.release(connection)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol

from vivace.engine.lanes import Lane


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


# Optional driver methods, looked up when the front is made:
#   reusable(connection) -> bool: whether a released connection may go to the next user
#       as it is (the lanes then keep connections between statements);
#   pool_of(connection) -> pool | None: the pool a connection was taken from (a release
#       then goes to that pool's lane even when the front has moved on to another pool).


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
        #: One lane per pool (its slots, waiters and kept connections).
        self._lanes: dict[int, Lane] = {}
        #: The lane of ``pool`` (read on every statement's fast path).
        self.lane: Lane | None = None
        self._reusable = getattr(driver, "reusable", None)
        self._pool_of = getattr(driver, "pool_of", None)
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
            self._drop_lane(self.parked.pop(other))
            self._beside_locks.pop(other, None)
        lock = self._beside_locks.setdefault(loop, asyncio.Lock())
        async with lock:
            pool = self.parked.get(loop)
            if pool is None:
                pool = self.parked[loop] = await self.driver.create({})
                self._new_lane(pool)
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
            self.pool = self.lane = None
        self.pool = self.parked.pop(loop, None)
        self.lane = None if self.pool is None else self._lanes.get(id(self.pool))
        self._lock = asyncio.Lock()
        self.loop = loop

    async def _make(self, overrides: Mapping[str, Any]) -> Any:
        pool = await self.driver.create(overrides)
        self.pool, self.loop = pool, asyncio.get_running_loop()
        self.lane = self._new_lane(pool)
        if self._lock is None:
            self._lock = asyncio.Lock()
        return pool

    def _terminate(self, pool: Any) -> None:
        # The loop of a finished asyncio.run() is closed: its pool cannot be terminated
        # through it (drivers would raise "Event loop is closed"), so it is let go.
        self._drop_lane(pool)
        if self.loop is None or not self.loop.is_closed():
            self.driver.terminate(pool)

    def _new_lane(self, pool: Any) -> Lane:
        lane = Lane(
            asyncio.get_running_loop(),
            self.driver,
            pool,
            self.driver.max_size(pool),
            self._reusable,
            self.describe,
        )
        self._lanes[id(pool)] = lane
        return lane

    def _drop_lane(self, pool: Any) -> None:
        lane = self._lanes.pop(id(pool), None)
        if lane is not None:
            lane.stop()
        if self.lane is lane:
            self.lane = None

    def take(self) -> Any:
        """A kept connection of the running loop's pool at once, or None (then ``acquire``)."""
        lane = self.lane
        if lane is None or self.loop is not asyncio.get_running_loop():
            return None
        return lane.take()

    def give_back(self, connection: Any) -> bool:
        """Keep ``connection`` for the next statement, at once, when the driver says it is
        reusable as it is; False: ``release`` it."""
        lane = self.lane
        if lane is None or self.loop is not asyncio.get_running_loop():
            return False
        pool_of = self._pool_of
        if pool_of is not None and pool_of(connection) is not lane.pool:
            return False  # another pool's (the front moved on meanwhile): see release()
        return lane.put(connection)

    async def acquire(self, timeout: float) -> Any:
        """A connection, after waiting in line at most ``timeout`` seconds.

        A driver error (connecting failed) propagates unmapped: the engine maps it.
        """
        pool = self.pool
        if pool is None or self.loop is not asyncio.get_running_loop():
            pool = await self.get()
        lane = self._lanes.get(id(pool))
        if lane is None:
            return await self.driver.acquire(pool)
        return await lane.acquire(timeout)

    async def release(self, connection: Any) -> None:
        """Give ``connection`` back to the pool it came from (when the driver tells;
        otherwise the running loop's) and free its slot."""
        pool_of = self._pool_of
        pool = None if pool_of is None else pool_of(connection)
        if pool is None:
            pool = self.current()
        if pool is None:
            # The running loop's pool is closing (``close`` let go of it first): its lane
            # is still known until the driver's close ends, which waits for this one.
            lane = self._closing_lane()
            if lane is not None:
                await lane.release(connection)
            return
        lane = self._lanes.get(id(pool))
        if lane is None:
            await self.driver.release(pool, connection)
        elif not lane.put(connection):
            await lane.release(connection)

    def _closing_lane(self) -> Lane | None:
        loop = asyncio.get_running_loop()
        for lane in self._lanes.values():
            if lane.loop is loop and lane.reuse is None:
                return lane
        return None

    async def forget_idle(self) -> None:
        """Give the kept connections of the running loop's pool back to the driver (its
        server may have gone: the driver's pool replaces what it gets back)."""
        pool = self.current()
        lane = None if pool is None else self._lanes.get(id(pool))
        if lane is not None:
            await lane.give_back_idle()

    def in_use(self) -> int:
        """Connections users hold now, over every pool of this front."""
        return sum(lane.busy for lane in self._lanes.values())

    def free(self) -> int:
        """Free slots of the main pool (kept connections count as free)."""
        lane = self.lane
        return 0 if lane is None else lane.size - lane.busy

    async def close(self, limit: float) -> None:
        """Close the running loop's pools, waiting up to ``limit`` s; terminate the rest."""
        loop = asyncio.get_running_loop()
        parked = self.parked.pop(loop, None)
        self._beside_locks.pop(loop, None)
        if parked is not None:
            await self._close(parked, limit)
        owner = self.loop
        if owner is not None and owner is not loop and owner.is_running():
            return  # the main pool belongs to a loop running in another thread: not ours
        pool, self.pool = self.pool, None
        if pool is not None:
            if owner is loop:
                await self._close(pool, limit)
            else:
                self._terminate(pool)

    async def _close(self, pool: Any, limit: float) -> None:
        lane = self._lanes.get(id(pool))
        try:
            async with asyncio.timeout(limit):
                if lane is not None:
                    # Connections in use come back to the driver, whose close waits for
                    # them, instead of being kept; the kept ones go back now.
                    lane.close()
                    await lane.give_back_idle()
                await self.driver.close(pool)
        except TimeoutError:
            self.driver.terminate(pool)
        finally:
            self._drop_lane(pool)
