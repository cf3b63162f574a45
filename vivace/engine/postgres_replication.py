"""PostgreSQL streaming replication as read routing sees it (``ReplicationProbe``).

Positions are WAL byte offsets (``pg_lsn - '0/0'``): the primary's write position, and
how far a standby has replayed. Two small statements per probe round, never per query.

Probes use one connection of their own per node (and event loop), made with the node's
``config`` but outside its pool: a pool saturated by the application's reads must not
make a healthy replica look dead, and a probe must not wait in line behind those reads.
A connection that failed is closed and made again at the next probe.

Example::

    probe = PostgresReplication()
    await probe.primary_position(primary)    # 50331648
    await probe.replica_position(standby)    # 50331648, or None on a promoted node
    await probe.close()
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vivace.engine.base import Engine

# A cascading standby used as the "primary" reports its replay position instead.
_PRIMARY_POSITION = (
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
    "ELSE pg_current_wal_lsn() END) - '0/0'::pg_lsn"
)
_REPLICA_POSITION = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() - '0/0'::pg_lsn"

#: A replica refused the statement as a write (read_only_sql_transaction), or cancelled
#: a read that conflicted with the replay of the primary's changes: neither ran there.
_REPLICA_REFUSALS = frozenset({"25006", "40001"})

#: ``config`` keys that configure the pool, not a connection.
_POOL_KEYS = frozenset(
    {
        "min_size",
        "max_size",
        "max_queries",
        "max_inactive_connection_lifetime",
        "setup",
        "init",
        "reset",
        "loop",
    }
)


class PostgresReplication:
    """The ``ReplicationProbe`` of PostgreSQL streaming replicas (see the module docstring).

    Example: ``ReadRouting().attach(primary, {"replica": standby}, PostgresReplication())``.
    """

    def __init__(self) -> None:
        self._connections: dict[tuple[int, asyncio.AbstractEventLoop], Any] = {}

    async def primary_position(self, engine: Engine) -> int:
        """The primary's current WAL position in bytes."""
        row = await self._fetchrow(engine, _PRIMARY_POSITION)
        return int(row[0])

    async def replica_position(self, engine: Engine) -> int | None:
        """How far the standby has replayed, in bytes; None when it is not in recovery."""
        row = await self._fetchrow(engine, _REPLICA_POSITION)
        in_recovery, replayed = row[0], row[1]
        if not in_recovery or replayed is None:
            return None
        return int(replayed)

    def retry_on_primary(self, error: BaseException) -> bool:
        """Whether the replica refused the read for being a replica (see above)."""
        return getattr(error, "code", None) in _REPLICA_REFUSALS

    async def forget_connections(self, engine: Engine) -> None:
        """Have the node's pool replace its idle connections (its server may have died)."""
        front = getattr(engine, "_front", None)
        if front is not None:
            await front.forget_idle()  # the ones kept between statements, too
        pool = getattr(engine, "pool", None)
        if pool is not None:
            await pool.expire_connections()

    async def close(self) -> None:
        """Close the probe connections of the running event loop."""
        loop = asyncio.get_running_loop()
        for key in [key for key in self._connections if key[1] is loop]:
            await _close(self._connections.pop(key))

    async def _fetchrow(self, engine: Engine, sql: str) -> Any:
        import asyncpg  # the driver is loaded only when the engine is used

        loop = asyncio.get_running_loop()
        key = (id(engine), loop)
        connection = self._connections.get(key)
        for stale in [k for k in self._connections if k[1].is_closed()]:
            del self._connections[stale]  # a finished loop's connection: nothing to close
        try:
            if connection is None or connection.is_closed():
                config = getattr(engine, "config", {})
                options = {k: v for k, v in config.items() if k not in _POOL_KEYS}
                # Plain statements only: nothing prepared (fine behind PgBouncer too).
                options["statement_cache_size"] = 0
                connection = self._connections[key] = await asyncpg.connect(**options)
            return await connection.fetchrow(sql)
        except BaseException:
            # Failed or interrupted (a probe's timeout): its state is unknown; make a
            # new one next time.
            gone = self._connections.pop(key, None)
            if gone is not None:
                gone.terminate()
            raise


async def _close(connection: Any) -> None:
    try:
        async with asyncio.timeout(1.0):
            await connection.close()
    except Exception:  # no answer, or gone already
        connection.terminate()
