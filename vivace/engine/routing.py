"""Automatic read routing: reads to healthy replicas, everything else to the primary.

Opt-in on the engine; ``extra_nodes`` and ``run(node=...)`` keep working as in Piccolo::

    DB = PostgresEngine(
        config={"host": "primary.internal", "database": "app"},
        extra_nodes={"replica": PostgresEngine(config={"host": "replica.internal"})},
        read_routing=ReadRouting(max_lag=1.0),
    )
    await Band.select()                  # a healthy replica
    await Band.insert(Band(name="x"))    # the primary
    await Band.select()                  # the primary again: this context just wrote
    DB.read_routing.last_node()          # "primary"

The rules, in order, for a query run without ``node=``:

1. A write (insert, update, delete, save, DDL, ``select(...).lock_rows()``, ``raw()``
   unless ``read_only=True``) runs on the primary, and so does everything while the
   task is in one of the primary's transactions.
2. After a write, the context keeps reading from the primary for ``read_your_writes``
   seconds (counted from the write's end, or from the end of the transaction it was in).
   A context variable carries the window: concurrent requests (tasks) do not affect each
   other; a task started after the write inherits it.
3. Otherwise a read goes to a usable replica: ``"least_busy"`` (fewest reads running on
   it, ties taken in turn) or ``"round_robin"``. A replica is usable once a background
   probe found it answering and at most ``max_lag`` seconds behind (see
   ``vivace.engine.replicas``); with none usable, the primary serves the read.
4. A read that fails on a replica because the replica broke (``ConnectionLost``, or
   ``CannotConnect`` when it cannot be reached) takes
   the replica out (probed again after ``retry_after`` s) and is run once more on the
   primary; so is a read a replica refused for being a replica (a hidden write, a
   conflict with recovery), after which the context reads from the primary as after a
   write. Writes are never retried.

Which node served the last routed query of this context: ``last_node()``; counters:
``stats()``. Status changes are logged on ``vivace.engine.routing`` (INFO/WARNING), each
routed query at DEBUG.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from vivace.engine.replicas import ReplicaMonitor, ReplicaState, ReplicationProbe
from vivace.exceptions import CannotConnect, ConfigurationError, ConnectionLost

if TYPE_CHECKING:
    from vivace.engine.base import Engine

logger = logging.getLogger("vivace.engine.routing")

R = TypeVar("R")

#: The name ``last_node()`` and ``stats()`` give the primary.
PRIMARY = "primary"

#: The window value meaning "wrote inside a transaction still open": the window starts
#: at the first routed query after it ends (at or after its commit).
_AFTER_TRANSACTION = math.inf

Policy = Literal["least_busy", "round_robin"]


@dataclass(frozen=True)
class RoutingStats:
    """Counters since the engine was made (or ``reset_stats()``).

    ``reads``: reads served per node (``"primary"`` too); ``writes``: queries sent to the
    primary as writes; ``pinned``: reads kept on the primary by read-your-writes (or a
    transaction); ``fallbacks``: reads sent to the primary because no replica was
    usable; ``retried``: reads re-run on the primary after a replica failed;
    ``replicas``: each replica's status (``"healthy"``, ``"lagging"``, ``"down"``, ...).

    Example: ``DB.read_routing.stats().reads`` -> ``{"primary": 3, "replica": 97}``.
    """

    reads: Mapping[str, int]
    writes: int
    pinned: int
    fallbacks: int
    retried: int
    replicas: Mapping[str, str]


class ReadRouting:
    """Routing of an engine's queries between it (the primary) and its ``extra_nodes``.

    ``nodes``: the extra nodes that are replicas (default: all). ``policy``:
    ``"least_busy"`` or ``"round_robin"``. ``max_lag``: seconds a replica may be behind
    and still serve reads (None: lag is not measured, only health).
    ``read_your_writes``: seconds a context reads from the primary after writing
    (default: ``max_lag + probe_interval + probe_timeout``, the most a usable replica can
    be behind). ``probe_interval``/``probe_timeout``: the background probe's period and
    the bound on each of its statements. ``retry_after``: how long a replica that went
    down rests before it is probed again.

    Example: ``PostgresEngine(config=..., extra_nodes={"replica": r}, read_routing=ReadRouting())``.
    """

    def __init__(
        self,
        nodes: Sequence[str] | None = None,
        policy: Policy = "least_busy",
        max_lag: float | None = 1.0,
        read_your_writes: float | None = None,
        probe_interval: float = 0.5,
        probe_timeout: float = 1.0,
        retry_after: float = 5.0,
    ) -> None:
        if policy not in ("least_busy", "round_robin"):
            raise ConfigurationError(
                f"policy must be 'least_busy' or 'round_robin', not {policy!r}"
            )
        for name, value in (
            ("probe_interval", probe_interval),
            ("probe_timeout", probe_timeout),
            ("retry_after", retry_after),
        ):
            if value <= 0:
                raise ConfigurationError(f"{name} must be positive, got {value!r}")
        if max_lag is not None and max_lag <= 0:
            raise ConfigurationError(f"max_lag must be positive or None, got {max_lag!r}")
        self.nodes = None if nodes is None else tuple(nodes)
        self.policy: Policy = policy
        self.max_lag = max_lag
        if read_your_writes is None:
            read_your_writes = (max_lag or 0.0) + probe_interval + probe_timeout
        self.read_your_writes = read_your_writes
        self.probe_interval = probe_interval
        self.probe_timeout = probe_timeout
        self.retry_after = retry_after
        self.primary: Engine | None = None
        self.monitor: ReplicaMonitor | None = None
        # Per routing object, so two engines' windows never mix.
        self._primary_until: ContextVar[float] = ContextVar(f"vivace_ryw_{id(self)}", default=0.0)
        self._last: ContextVar[str | None] = ContextVar(f"vivace_last_{id(self)}", default=None)
        self._turn = 0
        self.reset_stats()

    def attach(
        self, primary: Engine, extra_nodes: Mapping[str, Engine], probe: ReplicationProbe
    ) -> ReadRouting:
        """Bind to ``primary`` (its engine calls this); returns ``self``.

        Example: ``self.read_routing = routing.attach(self, self.extra_nodes, probe)``.
        """
        if self.primary is not None:
            raise ConfigurationError("this ReadRouting belongs to another engine already")
        names = list(extra_nodes) if self.nodes is None else list(self.nodes)
        unknown = [name for name in names if name not in extra_nodes]
        if unknown:
            raise ConfigurationError(f"read_routing names unknown extra nodes: {unknown}")
        if not names:
            raise ConfigurationError("read_routing needs replicas: give extra_nodes={...}")
        if PRIMARY in names:
            raise ConfigurationError(f"an extra node may not be named {PRIMARY!r}")
        self.primary = primary
        self.monitor = ReplicaMonitor(
            primary,
            {name: extra_nodes[name] for name in names},
            probe,
            max_lag=self.max_lag,
            interval=self.probe_interval,
            timeout=self.probe_timeout,
            retry_after=self.retry_after,
        )
        self.reset_stats()
        return self

    # running ------------------------------------------------------------------------------
    async def run(self, operation: Callable[[Engine], Awaitable[R]], read: bool) -> R:
        """``await operation(engine)`` on the node the rules pick (see the module docstring).

        ``read`` says the operation only reads. Example:
        ``await DB.read_routing.run(query._run, query._reads_only())``.
        """
        primary, monitor = self.primary, self.monitor
        if primary is None or monitor is None:
            raise ConfigurationError("ReadRouting is not attached to an engine")
        if primary.transaction_exists():
            if not read:
                self._primary_until.set(_AFTER_TRANSACTION)
            return await self._on_primary(operation, primary, read, pinned=True)
        if not read:
            try:
                return await self._on_primary(operation, primary, read=False)
            finally:
                self._primary_until.set(time.monotonic() + self.read_your_writes)
        until = self._primary_until.get()
        if until:
            now = time.monotonic()
            if until == _AFTER_TRANSACTION:
                self._primary_until.set(now + self.read_your_writes)
                return await self._on_primary(operation, primary, read, pinned=True)
            if now < until:
                return await self._on_primary(operation, primary, read, pinned=True)
        monitor.ensure_running()
        replica = self._choose(monitor.usable)
        if replica is None:
            self.fallbacks += 1
            return await self._on_primary(operation, primary, read)
        return await self._on_replica(operation, replica, primary)

    async def _on_primary(
        self,
        operation: Callable[[Engine], Awaitable[R]],
        primary: Engine,
        read: bool,
        pinned: bool = False,
    ) -> R:
        if read:
            self._reads[PRIMARY] += 1
            self.pinned += pinned
        else:
            self.writes += 1
        self._last.set(PRIMARY)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s on the primary%s", "read" if read else "write", " (pinned)" * pinned)
        return await operation(primary)

    async def _on_replica(
        self, operation: Callable[[Engine], Awaitable[R]], replica: ReplicaState, primary: Engine
    ) -> R:
        monitor = self.monitor
        assert monitor is not None
        replica.in_flight += 1
        try:
            result = await operation(replica.engine)
        except Exception as error:
            # Broke mid-use, or cannot be reached (refused, unresolvable) any more.
            broke = isinstance(error, ConnectionLost | CannotConnect)
            if not broke and not monitor.probe.retry_on_primary(error):
                raise
            failure: Exception = error
        else:
            self._reads[replica.name] += 1
            self._last.set(replica.name)
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("read on replica %r", replica.name)
            return result
        finally:
            replica.in_flight -= 1
        # Nothing ran on the replica (it broke, or refused): running it on the primary is safe.
        self.retried += 1
        if logger.isEnabledFor(logging.INFO):
            logger.info("read failed on replica %r (%s): run on the primary", replica.name, failure)
        if broke:
            await monitor.mark_down(replica, failure)
            return await self._on_primary(operation, primary, read=True)
        try:
            return await self._on_primary(operation, primary, read=True)
        finally:
            # Refused as a write (it may be one): this context reads its result next.
            self._primary_until.set(time.monotonic() + self.read_your_writes)

    def _choose(self, usable: list[ReplicaState]) -> ReplicaState | None:
        count = len(usable)
        if count == 0:
            return None
        turn = self._turn = (self._turn + 1) % count
        if self.policy == "round_robin" or count == 1:
            return usable[turn]
        best = usable[turn]
        for offset in range(1, count):
            candidate = usable[(turn + offset) % count]
            if candidate.in_flight < best.in_flight:
                best = candidate
        return best

    # context --------------------------------------------------------------------------------
    def last_node(self) -> str | None:
        """The node that served this context's last routed query (``"primary"`` or an
        extra node's name); None before any. Example: ``DB.read_routing.last_node()``."""
        return self._last.get()

    def wrote(self) -> None:
        """Start this context's read-your-writes window now, as a routed write does.

        For writes that bypass the ORM (``await DB.fetch_sql("UPDATE ...")``).
        """
        self._primary_until.set(time.monotonic() + self.read_your_writes)

    # probing and counters -------------------------------------------------------------------
    async def check(self) -> None:
        """Probe now, and in the background from now on (the first routed read starts
        that too): at start-up, so that the first reads can use the replicas already.

        Example: ``await DB.read_routing.check()`` in the application's start-up hook.
        """
        if self.monitor is None:
            raise ConfigurationError("ReadRouting is not attached to an engine")
        self.monitor.ensure_running()
        await self.monitor.check()

    async def close(self) -> None:
        """Stop the background probe (``close_connection_pool()`` of the primary does)."""
        if self.monitor is not None:
            await self.monitor.close()

    def stats(self) -> RoutingStats:
        """A snapshot of the counters and the replicas' status (see ``RoutingStats``).

        Example: ``DB.read_routing.stats().replicas`` -> ``{"replica": "healthy"}``.
        """
        replicas = self.monitor.replicas if self.monitor is not None else []
        return RoutingStats(
            reads=dict(self._reads),
            writes=self.writes,
            pinned=self.pinned,
            fallbacks=self.fallbacks,
            retried=self.retried,
            replicas={r.name: r.status for r in replicas},
        )

    def reset_stats(self) -> None:
        """Set every counter back to zero.

        Example: ``DB.read_routing.reset_stats()``; then ``DB.read_routing.stats().writes``
        -> ``0``.
        """
        names = [r.name for r in self.monitor.replicas] if self.monitor is not None else []
        self._reads: dict[str, int] = dict.fromkeys([PRIMARY, *names], 0)
        self.writes = self.pinned = self.fallbacks = self.retried = 0
