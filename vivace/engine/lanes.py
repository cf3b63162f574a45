"""``Lane``: the slots of one driver pool, served in arrival order, with connections kept.

A lane counts the pool's slots (``size``): taken by a user (``busy``) or holding a
connection that is idle here (``idle``). Waiters queue in arrival order: a released
connection is handed straight to the first of them, and a newcomer never overtakes one.

When the driver says a released connection may go to the next user as it is
(``reuse``: open, no transaction), the lane keeps it instead of giving it back to the
driver's pool: taking and releasing it are then plain list operations, without the
driver's per-checkout work (asyncpg: a proxy object, a reset coroutine, a shielded task,
an inactivity timer). What the driver does on its own release still happens:

- every ``RECYCLE``-th release, and every connection that is not reusable (closed,
  in a transaction, discarded after an interruption), goes back through the driver,
  which applies its own limits (``max_queries``, expired generations) and reset;
- a connection left idle here for a whole ``LINGER`` period goes back to the driver,
  whose idle timeout (``max_inactive_connection_lifetime``) then applies;
- a kept connection found closed when taken goes back to the driver, which reconnects.

Without ``reuse`` (a driver that does not say), the lane only orders the waiters.

Example::

    lane = Lane(loop, driver, pool, size=10, reuse=driver.reusable, describe="PostgreSQL")
    connection = lane.take() or await lane.acquire(timeout=30.0)
    if not lane.put(connection):
        await lane.release(connection)

    # The same, waiting in line directly when every slot is taken (a statement's path):
    connection = lane.take()
    if connection is None:
        if lane.must_wait():
            connection = await lane.wait(timeout=30.0) or await lane.fill()
        else:
            connection = await lane.acquire(timeout=30.0)

    lane.close()  # the pool is closing: released connections go back to the driver
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from vivace.exceptions import PoolTimeout

#: Every this many releases, one goes through the driver (its own limits apply).
RECYCLE = 1000
#: Seconds a connection may stay idle in the lane before it goes back to the driver.
LINGER = 10.0

#: A waiter: its future, its deadline (loop time) and its timeout (for the message).
Waiter = tuple["asyncio.Future[Any]", float, float]


class Lane:
    """The slots of one pool on its event loop (see the module docstring)."""

    __slots__ = (
        "loop",
        "driver",
        "pool",
        "size",
        "reuse",
        "describe",
        "busy",
        "idle",
        "waiters",
        "uses",
        "low",
        "timer",
        "reaper",
        "returning",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        driver: Any,
        pool: Any,
        size: int,
        reuse: Callable[[Any], bool] | None,
        describe: str,
    ) -> None:
        self.loop = loop
        self.driver = driver
        self.pool = pool
        self.size = size
        self.reuse = reuse
        self.describe = describe
        #: Slots taken by users (or being filled from the driver for one).
        self.busy = 0
        #: Connections kept here, most recently used last.
        self.idle: list[Any] = []
        self.waiters: deque[Waiter] = deque()
        #: Releases since the last one that went through the driver.
        self.uses = 0
        #: The fewest idle connections since the reaper last looked: the ones below it
        #: were not used for a whole period.
        self.low = 0
        self.timer: asyncio.TimerHandle | None = None
        self.reaper: asyncio.TimerHandle | None = None
        #: Connections on their way back to the driver (closing waits for them).
        self.returning: set[asyncio.Task[None]] = set()

    # taking ------------------------------------------------------------------------------
    def take(self) -> Any:
        """A kept connection at once, or None (none kept, someone waits, or it is closed)."""
        idle = self.idle
        if not idle or self.waiters:
            return None
        connection = idle[-1]
        assert self.reuse is not None  # only a lane that reuses keeps connections
        if not self.reuse(connection):
            return None  # closed while idle: acquire() gives it back to the driver
        idle.pop()
        if len(idle) < self.low:
            self.low = len(idle)
        self.busy += 1
        return connection

    async def acquire(self, timeout: float) -> Any:
        """A connection: kept, new from the driver, or handed over after waiting in line
        at most ``timeout`` seconds (``PoolTimeout`` past it)."""
        while True:
            self._drop_dead_waiters()
            if self.waiters:
                connection = await self.wait(timeout)
                break
            connection = self.take()
            if connection is not None:
                return connection
            idle = self.idle
            if idle:  # the newest kept connection was closed: the driver replaces it
                stale = idle.pop()
                if len(idle) < self.low:
                    self.low = len(idle)
                await self._give_to_driver(stale)
                continue
            if self.busy < self.size:
                self.busy += 1
                connection = None  # a free slot: filled from the driver below
                break
            connection = await self.wait(timeout)
            break
        if connection is not None:
            return connection
        return await self.fill()

    def must_wait(self) -> bool:
        """Whether ``acquire`` would wait in line now (after ``take`` found nothing): someone
        waits already, or every slot is taken. A statement then goes straight to ``wait``."""
        self._drop_dead_waiters()
        return bool(self.waiters) or (not self.idle and self.busy >= self.size)

    async def fill(self) -> Any:
        """A new connection from the driver for a slot already counted as this caller's
        (freed again when the driver fails)."""
        try:
            return await self.driver.acquire(self.pool)
        except BaseException:
            self._free_slot()
            raise

    def _drop_dead_waiters(self) -> None:
        waiters = self.waiters
        while waiters and waiters[0][0].done():
            waiters.popleft()

    async def wait(self, timeout: float) -> Any:
        """Wait in line at most ``timeout`` seconds (``PoolTimeout`` past it): a connection
        handed over, or None for a free slot handed over, which ``fill`` fills."""
        loop = self.loop
        future: asyncio.Future[Any] = loop.create_future()
        deadline = loop.time() + timeout
        self.waiters.append((future, deadline, timeout))
        timer = self.timer
        if timer is None or deadline < timer.when():
            # One timer for the whole line: the earliest deadline (see _expire).
            if timer is not None:
                timer.cancel()
            self.timer = loop.call_at(deadline, self._expire)
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled() and future.exception() is None:
                # Handed a connection (or a slot) just before the cancellation: pass it on.
                self._pass_on(future.result())
            raise

    def _expire(self) -> None:
        """Fail the waiters past their deadline; arm the timer for the next one."""
        self.timer = None
        now = self.loop.time()
        kept: deque[Waiter] = deque()
        earliest: float | None = None
        for waiter in self.waiters:
            future, deadline, timeout = waiter
            if future.done():
                continue
            if deadline <= now:
                future.set_exception(
                    PoolTimeout(
                        f"no connection to {self.describe} became free within "
                        f"{timeout} s (pool max_size={self.size})"
                    )
                )
                continue
            kept.append(waiter)
            if earliest is None or deadline < earliest:
                earliest = deadline
        self.waiters = kept
        if earliest is not None:
            self.timer = self.loop.call_at(earliest, self._expire)

    # releasing ----------------------------------------------------------------------------
    def put(self, connection: Any) -> bool:
        """Keep ``connection`` (or hand it to the first waiter) when it may be reused as it
        is; False: it must go back through ``release``."""
        reuse = self.reuse
        if reuse is None or not reuse(connection):
            return False
        self.uses += 1
        if self.uses >= RECYCLE:
            return False  # (counted again if the caller's release asks again) see release()
        self._pass_on(connection)
        return True

    async def release(self, connection: Any) -> None:
        """Give ``connection`` back to the driver and free its slot."""
        self.uses = 0
        try:
            await self.driver.release(self.pool, connection)
        finally:
            self._free_slot()

    def _pass_on(self, connection: Any) -> None:
        """``connection`` (None: its slot) to the first live waiter, else kept (freed)."""
        waiters = self.waiters
        while waiters:
            future = waiters.popleft()[0]
            if not future.done():
                future.set_result(connection)
                return
        self.busy -= 1
        if connection is not None:
            self.idle.append(connection)
            if self.reaper is None:
                self.low = len(self.idle)
                self.reaper = self.loop.call_later(LINGER, self._reap)

    def _free_slot(self) -> None:
        self._pass_on(None)

    # idle connections ---------------------------------------------------------------------
    def _reap(self) -> None:
        """Give back the connections nobody took for a whole period."""
        self.reaper = None
        stale, self.idle[: self.low] = self.idle[: self.low], []
        for connection in stale:
            task = self.loop.create_task(self._give_to_driver(connection))
            self.returning.add(task)
            task.add_done_callback(self.returning.discard)
        if self.idle:
            self.low = len(self.idle)
            self.reaper = self.loop.call_later(LINGER, self._reap)

    async def _give_to_driver(self, connection: Any) -> None:
        # Not a slot of anyone's: the driver's release of a kept connection.
        try:
            await self.driver.release(self.pool, connection)
        finally:
            if self.waiters:
                # The slot it held is free now: the first waiter fills it from the driver.
                self.busy += 1
                self._pass_on(None)

    async def give_back_idle(self) -> None:
        """Give every kept connection back to the driver (closing, or a server that may
        have gone: its pool replaces the connections it gets back). Waiters keep waiting,
        bounded as ever (their timer stays)."""
        if self.reaper is not None:
            self.reaper.cancel()
            self.reaper = None
        idle, self.idle = self.idle, []
        for connection in idle:
            await self._give_to_driver(connection)
        if self.returning:
            await asyncio.wait(list(self.returning))

    def close(self) -> None:
        """The pool is closing: from now on every released connection goes back to the
        driver (whose close waits for the connections in use), none is kept."""
        self.reuse = None

    def stop(self) -> None:
        """The pool is gone: forget the kept connections. A waiter still fails with
        ``PoolTimeout`` at its deadline (the line's timer stays)."""
        self.reuse = None
        if self.reaper is not None:
            self.reaper.cancel()
            self.reaper = None
        self.idle = []
