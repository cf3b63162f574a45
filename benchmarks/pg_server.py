"""Where the benchmarks find PostgreSQL: connect keywords, ``VIVACE_PG_*`` overriding the
defaults (127.0.0.1:5432, user postgres, trust authentication).

Example: ``await asyncpg.connect(**pg_config("postgres"))``.
"""

from __future__ import annotations

import os
from typing import Any


def pg_config(database: str) -> dict[str, Any]:
    """asyncpg ``connect()`` keywords for ``database`` (also a ``PostgresEngine`` config)."""
    return {
        "host": os.environ.get("VIVACE_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("VIVACE_PG_PORT", "5432")),
        "user": os.environ.get("VIVACE_PG_USER", "postgres"),
        "password": os.environ.get("VIVACE_PG_PASSWORD") or None,
        "database": database,
    }
