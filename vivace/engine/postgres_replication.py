"""PostgreSQL streaming replication as read routing sees it (``ReplicationProbe``).

Positions are WAL byte offsets (``pg_lsn - '0/0'``): the primary's write position, and
how far a standby has replayed. Two small statements per probe round, never per query.

Example::

    probe = PostgresReplication()
    await probe.primary_position(primary)    # 50331648
    await probe.replica_position(standby)    # 50331648, or None on a promoted node
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vivace.sql import Raw

if TYPE_CHECKING:
    from vivace.engine.base import Engine

# A cascading standby used as the "primary" reports its replay position instead.
_PRIMARY_POSITION = Raw(
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
    "ELSE pg_current_wal_lsn() END) - '0/0'::pg_lsn",
    (),
)
_REPLICA_POSITION = Raw(
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() - '0/0'::pg_lsn",
    (),
)

#: A replica refused the statement as a write (read_only_sql_transaction), or cancelled
#: a read that conflicted with the replay of the primary's changes: neither ran there.
_REPLICA_REFUSALS = frozenset({"25006", "40001"})


class PostgresReplication:
    """The ``ReplicationProbe`` of PostgreSQL streaming replicas.

    Example: ``ReadRouting().attach(primary, {"replica": standby}, PostgresReplication())``.
    """

    async def primary_position(self, engine: Engine) -> int:
        """The primary's current WAL position in bytes."""
        rows = await _fetch(engine, _PRIMARY_POSITION)
        return int(rows[0][0])

    async def replica_position(self, engine: Engine) -> int | None:
        """How far the standby has replayed, in bytes; None when it is not in recovery."""
        rows = await _fetch(engine, _REPLICA_POSITION)
        in_recovery, replayed = rows[0][0], rows[0][1]
        if not in_recovery or replayed is None:
            return None
        return int(replayed)

    def retry_on_primary(self, error: BaseException) -> bool:
        """Whether the replica refused the read for being a replica (see above)."""
        return getattr(error, "code", None) in _REPLICA_REFUSALS

    async def forget_connections(self, engine: Engine) -> None:
        """Have the pool replace its idle connections (they may point at a dead server)."""
        pool = getattr(engine, "pool", None)
        if pool is not None:
            await pool.expire_connections()


async def _fetch(engine: Engine, statement: Raw) -> list[Any]:
    # Compiled once and run like any query: no reset round trip, as raw SQL would cost.
    compiled, values = engine.compile(statement)
    return await engine.fetch(compiled, values)
