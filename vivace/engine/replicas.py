"""What read routing knows about each replica, and the background probe that keeps it true.

A ``ReplicaMonitor`` runs one probe round every ``interval`` seconds on a task of its own:
it samples the primary's WAL position, then asks every replica (in parallel, each bounded
by ``timeout``) how far it has replayed. Nothing here runs per query: a read only looks
at ``ReplicaMonitor.usable``, a list rebuilt when a replica changes status.

How stale a replica is comes from the primary's samples (``LagTracker``): everything
committed before a sample was taken is visible on a replica that has replayed past the
sample's position, so ``now - (time of the newest such sample)`` bounds its staleness
from above, also when the primary is idle (unlike ``now() - pg_last_xact_replay_timestamp()``,
which grows without writes).

Example::

    monitor = ReplicaMonitor(primary, {"replica": replica_engine}, probe, max_lag=1.0)
    await monitor.check()          # one round now
    monitor.usable                 # [ReplicaState(name="replica", status="healthy", ...)]
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vivace.engine.base import Engine

logger = logging.getLogger("vivace.engine.routing")

HEALTHY = "healthy"
LAGGING = "lagging"
DOWN = "down"
UNKNOWN = "unknown"
NOT_STANDBY = "not a standby"


class ReplicationProbe(Protocol):
    """How one kind of database tells replication positions (see ``postgres_replication``).

    Example: ``await probe.primary_position(primary)`` -> ``52428800`` (bytes of WAL).
    """

    async def primary_position(self, engine: Engine) -> int:
        """The primary's current position in its change log."""
        ...

    async def replica_position(self, engine: Engine) -> int | None:
        """How far a replica has replayed; None when the node is no replica (promoted)."""
        ...

    def retry_on_primary(self, error: BaseException) -> bool:
        """Whether a read a replica refused for being a replica may run on the primary."""
        ...

    async def forget_connections(self, engine: Engine) -> None:
        """Make the engine's idle connections be replaced before reuse (a node went down)."""
        ...

    async def close(self) -> None:
        """Let go of what probing holds (its own connections) on the running loop."""
        ...


@dataclass(eq=False)
class ReplicaState:
    """One replica as the router sees it. ``status`` is ``"healthy"``, ``"lagging"``,
    ``"down"``, ``"unknown"`` (not probed yet) or ``"not a standby"``.

    Example: ``ReplicaState("replica", engine).status`` -> ``"unknown"``.
    """

    name: str
    engine: Engine
    status: str = UNKNOWN
    #: Why it is out (the error, or how far behind), for logs and ``stats()``.
    detail: str = ""
    #: Upper bound of its staleness in seconds at the last probe (None: not known).
    lag: float | None = None
    #: When a replica that went down is probed again (``time.monotonic()``).
    retry_at: float = 0.0
    #: Reads running on it now (the ``least_busy`` policy picks the smallest).
    in_flight: int = 0


class LagTracker:
    """Recent (time, position) samples of the primary, to bound a replica's staleness.

    Example::

        tracker = LagTracker(horizon=5.0)
        tracker.add(100.0, 5000)
        tracker.staleness(5000, now=100.4)   # 0.4 (replayed everything sampled at 100.0)
        tracker.staleness(4000, now=100.4)   # None (behind every sample: unknown, too far)
    """

    def __init__(self, horizon: float) -> None:
        self.horizon = horizon
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, taken: float, position: int) -> None:
        """A sample: ``position`` was read from the primary after ``taken`` (monotonic)."""
        samples = self._samples
        samples.append((taken, position))
        while len(samples) > 1 and samples[0][0] < taken - self.horizon:
            samples.popleft()

    def staleness(self, replayed: int, now: float) -> float | None:
        """Seconds since the newest sample the replica has replayed past; None when it
        has replayed none of them (it is further behind than the samples reach)."""
        for taken, position in reversed(self._samples):
            if position <= replayed:
                return max(0.0, now - taken)
        return None


class ReplicaMonitor:
    """Probes the primary and the replicas in the background; keeps ``usable`` current.

    ``max_lag`` (seconds; None: do not measure lag) takes a replica out while it may be
    further behind; ``retry_after`` is how long a replica that went down rests before it
    is probed again. Example: see the module docstring.
    """

    def __init__(
        self,
        primary: Engine,
        replicas: Mapping[str, Engine],
        probe: ReplicationProbe,
        max_lag: float | None,
        interval: float = 0.5,
        timeout: float = 1.0,
        retry_after: float = 5.0,
    ) -> None:
        self.primary = primary
        self.replicas = [ReplicaState(name, engine) for name, engine in replicas.items()]
        self.probe = probe
        self.max_lag = max_lag
        self.interval = interval
        self.timeout = timeout
        self.retry_after = retry_after
        self.tracker = LagTracker(horizon=(max_lag or 0.0) + 2 * interval + timeout)
        #: The replicas reads may go to now (rebuilt on every status change).
        self.usable: list[ReplicaState] = []
        self._task: asyncio.Task[None] | None = None
        #: One round at a time per event loop: a probe's connection runs one statement.
        self._rounds: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    # the background task ------------------------------------------------------------------
    def ensure_running(self) -> None:
        """Start the probe task on the running loop unless one is alive already."""
        task = self._task
        if task is not None and not task.done() and not task.get_loop().is_closed():
            return
        # A clean context: the task must not inherit the caller's transaction (its
        # probes would run inside it) nor its read-your-writes window.
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._watch(), context=contextvars.Context())

    async def close(self) -> None:
        """Stop probing (the engines' pools are closed by their own owners)."""
        task, self._task = self._task, None
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            task.cancel()
            await asyncio.wait([task], timeout=self.timeout + 1)
        await self.probe.close()

    async def _watch(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:  # never let one bad round end the probing
                logger.exception("replica probe round failed")
            await asyncio.sleep(self.interval)

    # one round ----------------------------------------------------------------------------
    async def check(self) -> None:
        """One probe round now: sample the primary, then every replica due for a probe.

        A round already running on this loop is waited for first (rounds never overlap).
        """
        loop = asyncio.get_running_loop()
        for finished in [other for other in self._rounds if other.is_closed()]:
            del self._rounds[finished]
        async with self._rounds.setdefault(loop, asyncio.Lock()):
            sampled = await self._sample_primary()
            now = time.monotonic()
            due = [r for r in self.replicas if r.status != DOWN or now >= r.retry_at]
            if due:
                await asyncio.gather(*(self._probe(replica, sampled) for replica in due))

    async def _sample_primary(self) -> bool:
        if self.max_lag is None:
            return False
        taken = time.monotonic()  # before asking: commits before this are below the answer
        try:
            async with asyncio.timeout(self.timeout):
                position = await self.probe.primary_position(self.primary)
        except Exception as error:
            # Without the primary's position lag cannot be judged this round: replicas
            # keep their lag status (they may be all that is left to read from).
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("primary position unavailable: %s", error)
            return False
        self.tracker.add(taken, position)
        return True

    async def _probe(self, replica: ReplicaState, sampled: bool) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                replayed = await self.probe.replica_position(replica.engine)
        except Exception as error:
            await self.mark_down(replica, error)
            return
        if replayed is None:
            self._set(replica, NOT_STANDBY, "it is not in recovery (promoted?)")
            return
        if self.max_lag is None:
            self._set(replica, HEALTHY, "")
            return
        if not sampled:
            if replica.status in (DOWN, UNKNOWN):
                self._set(replica, LAGGING, "lag unknown: no position from the primary")
            return
        replica.lag = lag = self.tracker.staleness(replayed, time.monotonic())
        if lag is None:
            self._set(replica, LAGGING, f"more than {self.tracker.horizon:.1f} s behind")
        elif lag > self.max_lag:
            self._set(replica, LAGGING, f"up to {lag:.2f} s behind (max_lag={self.max_lag})")
        else:
            self._set(replica, HEALTHY, "")

    # status -------------------------------------------------------------------------------
    async def mark_down(self, replica: ReplicaState, error: BaseException) -> None:
        """Take ``replica`` out after ``error``; it is probed again after ``retry_after``."""
        replica.retry_at = time.monotonic() + self.retry_after
        was = replica.status
        self._set(replica, DOWN, f"{type(error).__name__}: {error}")
        if was != DOWN:
            try:
                await self.probe.forget_connections(replica.engine)
            except Exception as failure:  # best effort: the pool replaces dead ones anyway
                logger.debug("could not expire %s's connections: %s", replica.name, failure)

    def _set(self, replica: ReplicaState, status: str, detail: str) -> None:
        replica.detail = detail
        if replica.status == status:
            return
        before, replica.status = replica.status, status
        self.usable = [r for r in self.replicas if r.status == HEALTHY]
        if status == HEALTHY:
            logger.info("replica %r serves reads (was %s)", replica.name, before)
        elif before == HEALTHY or logger.isEnabledFor(logging.DEBUG):
            logger.warning("replica %r taken out: %s: %s", replica.name, status, detail)
