"""A primary and a streaming standby on loopback, for the replica tests and the benchmark.

Built on the reliability suite's ``PrivateCluster``: the primary is one, and the standby
is another whose data folder is a ``pg_basebackup -R`` of the primary (so it starts as a
hot standby streaming from it). Both run as the ``postgres`` OS user when we are root.

Example::

    pair = ReplicatedPair().start()
    primary_config, standby_config = pair.config(pair.primary), pair.config(pair.standby)
    pair.standby.stop("immediate"); pair.standby.start()
    pair.destroy()
"""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.reliability.harness import (
    LOOPBACK,
    PG_BIN,
    PrivateCluster,
    _as_postgres,
    _give_to_postgres,
)


class ReplicatedPair:
    """A private primary and a hot standby streaming from it (see the module docstring)."""

    def __init__(self) -> None:
        self.primary = PrivateCluster()
        self.standby = PrivateCluster()

    def start(self) -> ReplicatedPair:
        self.primary.init().start()
        _give_to_postgres(self.standby.folder)
        _as_postgres(
            f"{PG_BIN}/pg_basebackup",
            *("-h", LOOPBACK, "-p", str(self.primary.port), "-U", "postgres"),
            *("-D", self.standby.data, "-R", "-X", "stream", "-c", "fast"),
        )
        self.standby.start()
        return self

    @staticmethod
    def config(server: PrivateCluster, **options: Any) -> dict[str, Any]:
        """asyncpg connect arguments for ``server`` (``options`` added)."""
        return {"host": server.host, "port": server.port, "user": "postgres", **options}

    async def admin(self, server: PrivateCluster, sql: str) -> Any:
        """One value from ``sql`` run on its own connection to ``server``."""
        connection = await asyncpg.connect(**self.config(server, database="postgres"), timeout=5)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    def destroy(self) -> None:
        self.standby.destroy()
        self.primary.destroy()
