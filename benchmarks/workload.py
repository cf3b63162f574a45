"""What every contender runs: the schema, its seed data, the operations and their checks.

Schema (identical for all, created and seeded here with the raw driver, one table pair per
contender): ``manager(id, name)`` with 100 rows and ``band(id, name, popularity,
manager_id -> manager.id)`` with 10,000 rows. Writes are undone (untimed) after each
trial, so every trial sees the same table size.

A contender implements an operation as a method named after the operation's ``id`` that
takes one ``int`` (the call's sequence number) and returns the library's native result; the
helpers below turn that number into the primary key, values and rows to use, so every
contender does the same work.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Mapping
from typing import Any

N_BANDS = 10_000
N_MANAGERS = 100
N_BULK = 10_000
#: Every write adds rows above this id; a cleanup deletes them.
SEED_MAX_ID = N_BANDS
#: The call number used to check results before timing (same for every contender).
CHECK_I = 12_345


@dataclasses.dataclass(frozen=True)
class Op:
    """One benchmarked operation."""

    id: str
    label: str
    #: "read", "write", "bulk" (cleanup after every call), "throughput", "build".
    kind: str = "read"
    #: Seconds of calls per trial, and trials, at full size. Many short trials: the median
    #: (and the per-trial ratio to the floor) shrugs off the machine's load spikes.
    trial_seconds: float = 0.06
    trials: int = 11


OPS: tuple[Op, ...] = (
    Op("pk_dict", "select by pk -> dict"),
    Op("pk_object", "select by pk -> object"),
    # The same reads written the other common ways (an independent harness found these
    # slower than the forms above): chosen columns, one with an alias, and where().first().
    Op("pk_dict_alias", "select by pk, columns + alias -> dict"),
    Op("pk_object_where", "select by pk, where().first() -> object"),
    Op("rows_1k_dict", "select 1,000 rows -> dicts"),
    Op("rows_1k_object", "select 1,000 rows -> objects"),
    Op("rows_10k_dict", "select 10,000 rows -> dicts", trial_seconds=0.12, trials=7),
    Op("rows_10k_object", "select 10,000 rows -> objects", trial_seconds=0.12, trials=7),
    Op("insert_one", "insert one row (returning id)", kind="write"),
    Op("bulk_insert", "bulk insert 10,000 rows", kind="bulk", trial_seconds=0.15, trials=5),
    Op("update_one", "update one row by pk", kind="write"),
    Op("join_1k", "select 1,000 rows with a join -> dicts"),
    Op("transaction", "transaction: 2 updates", kind="write"),
    Op("concurrent", "200 tasks x 50 pk selects, pool 10", kind="throughput", trials=3),
    Op("compile_miss", "build a select, compile miss ‡", kind="build", trial_seconds=0.04),
    Op("compile_hit", "build a select, compile hit ‡", kind="build", trial_seconds=0.04),
)
OPS_BY_ID = {op.id: op for op in OPS}
#: The order they run in: every read before the first write, so reads without ORDER BY
#: (``LIMIT 1000``) see every contender's table in the same, freshly seeded heap order.
RUN_ORDER: tuple[Op, ...] = tuple(sorted(OPS, key=lambda op: op.kind in ("write", "bulk")))
#: The concurrency operation measured again on uvloop (a separate phase).
UVLOOP_OP = Op(
    "concurrent_uvloop", "200 tasks x 50 pk selects, uvloop", kind="throughput", trials=3
)
ALL_OPS = (*OPS, UVLOOP_OP)
ALL_OPS_BY_ID = {op.id: op for op in ALL_OPS}

CONCURRENT_TASKS = 200
CONCURRENT_QUERIES_PER_TASK = 50
POOL_SIZE = 10


# the values each call uses -------------------------------------------------------------------
def band_pk(i: int) -> int:
    """The band a call reads or updates (rotates over the seed rows)."""
    return (i * 7919) % N_BANDS + 1


def manager_pk(i: int) -> int:
    return i % N_MANAGERS + 1


def new_popularity(i: int) -> int:
    """The popularity an update sets."""
    return 1000 + i % 1000


def new_manager_name(i: int) -> str:
    return f"renamed-{i}"


def new_band(i: int) -> tuple[str, int, int]:
    """(name, popularity, manager_id) of the row ``insert_one`` adds."""
    return (f"new-{i}", i % 1000, manager_pk(i))


def seed_bands() -> list[tuple[int, str, int, int]]:
    return [(j, f"band-{j}", (j * 37) % 1000, j % N_MANAGERS + 1) for j in range(1, N_BANDS + 1)]


def seed_managers() -> list[tuple[int, str]]:
    return [(j, f"manager-{j}") for j in range(1, N_MANAGERS + 1)]


#: The rows ``bulk_insert`` adds: (name, popularity, manager_id). Built once, outside timing:
#: ORMs turn them into model objects inside the timed call, as user code would.
BULK_ROWS: list[tuple[str, int, int]] = [
    (f"bulk-{j}", j % 1000, j % N_MANAGERS + 1) for j in range(N_BULK)
]


def build_args(i: int) -> tuple[int, str, int]:
    """Values of the query built by ``compile_*``: popularity > a, name LIKE b, manager = c.

    SELECT id, name, popularity FROM band WHERE popularity > a AND name LIKE b
    AND manager_id = c ORDER BY popularity DESC LIMIT 10
    """
    return (i % 100, "band-1%", i % N_MANAGERS + 1)


#: What the raw drivers select, in order. They build every dict with ``dict(zip(names, row))``:
#: the fastest generic way (``dict(record)`` goes through asyncpg's mapping protocol, ~1.4x
#: slower), the same for every floor and operation.
COLUMNS = ("id", "name", "popularity", "manager_id")
#: ``pk_dict_alias`` selects the same columns, ``name`` under this alias.
ALIAS_COLUMNS = ("id", "band_name", "popularity", "manager_id")
JOIN_COLUMNS = ("name", "manager_name")


@dataclasses.dataclass(slots=True)
class BandRow:
    """The raw drivers' "object": the cheapest honest one."""

    id: int
    name: str
    popularity: int
    manager_id: int


# schema ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Tables:
    band: str
    manager: str


def tables_for(slug: str) -> Tables:
    return Tables(band=f"bench_{slug}_band", manager=f"bench_{slug}_manager")


def ddl(backend: str, t: Tables) -> list[str]:
    if backend == "postgres":
        return [
            f"DROP TABLE IF EXISTS {t.band}",
            f"DROP TABLE IF EXISTS {t.manager}",
            f"CREATE TABLE {t.manager} (id serial PRIMARY KEY, name varchar(50) NOT NULL)",
            f"CREATE TABLE {t.band} (id serial PRIMARY KEY, name varchar(100) NOT NULL, "
            f"popularity integer NOT NULL, manager_id integer REFERENCES {t.manager}(id))",
        ]
    if backend == "mysql":  # InnoDB; the foreign key gets its index, as on the others
        return [
            f"DROP TABLE IF EXISTS {t.band}",
            f"DROP TABLE IF EXISTS {t.manager}",
            f"CREATE TABLE {t.manager} (id INT AUTO_INCREMENT PRIMARY KEY, "
            "name VARCHAR(50) NOT NULL) ENGINE=InnoDB",
            f"CREATE TABLE {t.band} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) "
            f"NOT NULL, popularity INT NOT NULL, manager_id INT, FOREIGN KEY (manager_id) "
            f"REFERENCES {t.manager}(id)) ENGINE=InnoDB",
        ]
    return [
        f"DROP TABLE IF EXISTS {t.band}",
        f"DROP TABLE IF EXISTS {t.manager}",
        f"CREATE TABLE {t.manager} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)",
        f"CREATE TABLE {t.band} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
        f"popularity INTEGER NOT NULL, manager_id INTEGER REFERENCES {t.manager}(id))",
    ]


class Inspector:
    """The harness's own connection: creates, seeds, checks and cleans a contender's tables."""

    def __init__(
        self,
        backend: str,
        tables: Tables,
        pg_config: Mapping[str, Any],
        path: str,
        mysql_config: Mapping[str, Any] | None = None,
    ):
        self.backend = backend
        self.t = tables
        self.pg_config = dict(pg_config)
        self.mysql_config = dict(mysql_config or {})
        self.path = path
        self._pg: Any = None
        self._my: Any = None
        self._lite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.backend == "postgres":
            import asyncpg

            self._pg = await asyncpg.connect(**self.pg_config)
        elif self.backend == "mysql":
            import asyncmy

            c = dict(self.mysql_config)
            c["db"] = c.pop("database")
            self._my = await asyncmy.connect(**c, autocommit=True, charset="utf8mb4")
        else:
            self._lite = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            # Persistent: every connection to the file uses WAL from now on.
            self._lite.execute("PRAGMA journal_mode = WAL")

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._my is not None:
            self._my.close()
        if self._lite is not None:
            self._lite.close()

    async def execute(self, sql: str, *args: Any) -> None:
        if self._pg is not None:
            await self._pg.execute(sql, *args)
        elif self._my is not None:
            async with self._my.cursor() as cursor:
                await cursor.execute(_percent(sql), args or None)
        else:
            assert self._lite is not None
            self._lite.execute(sql.replace("$1", "?").replace("$2", "?"), args)

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self._pg is not None:
            return [tuple(r) for r in await self._pg.fetch(sql, *args)]
        if self._my is not None:
            async with self._my.cursor() as cursor:
                await cursor.execute(_percent(sql), args or None)
                return [tuple(r) for r in await cursor.fetchall()]
        assert self._lite is not None
        return self._lite.execute(sql.replace("$1", "?").replace("$2", "?"), args).fetchall()

    async def create_and_seed(self) -> None:
        # asyncmy logs the server's notes ("Unknown table" for DROP TABLE IF EXISTS) as
        # warnings: not news here; the contenders' statements still log theirs.
        quiet = logging.getLogger("asyncmy")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            await self._create_and_seed()
        finally:
            quiet.setLevel(level)

    async def _create_and_seed(self) -> None:
        for statement in ddl(self.backend, self.t):
            await self.execute(statement)
        if self._pg is not None:
            await self._pg.copy_records_to_table(self.t.manager, records=seed_managers())
            await self._pg.copy_records_to_table(self.t.band, records=seed_bands())
            for table in (self.t.manager, self.t.band):
                await self._pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            await self._pg.execute(f"ANALYZE {self.t.manager}")
            await self._pg.execute(f"ANALYZE {self.t.band}")
        elif self._my is not None:
            async with self._my.cursor() as cursor:
                # asyncmy turns executemany into multi-row INSERTs.
                await cursor.executemany(
                    f"INSERT INTO {self.t.manager} VALUES (%s, %s)", seed_managers()
                )
                await cursor.executemany(
                    f"INSERT INTO {self.t.band} VALUES (%s, %s, %s, %s)", seed_bands()
                )
                await cursor.execute(f"ANALYZE TABLE {self.t.manager}, {self.t.band}")
                await cursor.fetchall()
        else:
            assert self._lite is not None
            lite = self._lite
            lite.execute("BEGIN")
            lite.executemany(f"INSERT INTO {self.t.manager} VALUES (?, ?)", seed_managers())
            lite.executemany(f"INSERT INTO {self.t.band} VALUES (?, ?, ?, ?)", seed_bands())
            lite.execute("COMMIT")
            lite.execute("ANALYZE")
            lite.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def cleanup(self) -> None:
        """Undo inserts (untimed), so the table size stays constant."""
        await self.execute(f"DELETE FROM {self.t.band} WHERE id > $1", SEED_MAX_ID)

    async def check(self, op_id: str, i: int) -> str | None:
        """After a write op ran once with call number ``i``: what is wrong, or None."""
        t = self.t
        if op_id == "insert_one":
            name, popularity, manager = new_band(i)
            rows = await self.fetch(
                f"SELECT name, popularity, manager_id FROM {t.band} WHERE id > $1", SEED_MAX_ID
            )
            if rows != [(name, popularity, manager)]:
                return f"expected one new row {(name, popularity, manager)}, found {rows[:3]}"
        elif op_id == "bulk_insert":
            rows = await self.fetch(
                f"SELECT name, popularity, manager_id FROM {t.band} WHERE id > $1 ORDER BY id",
                SEED_MAX_ID,
            )
            if sorted(rows) != sorted(BULK_ROWS):
                return f"expected the {N_BULK} bulk rows, found {len(rows)} rows"
        elif op_id == "update_one":
            rows = await self.fetch(f"SELECT popularity FROM {t.band} WHERE id = $1", band_pk(i))
            if rows != [(new_popularity(i),)]:
                return f"expected popularity {new_popularity(i)}, found {rows}"
        elif op_id == "transaction":
            bands = await self.fetch(f"SELECT popularity FROM {t.band} WHERE id = $1", band_pk(i))
            managers = await self.fetch(
                f"SELECT name FROM {t.manager} WHERE id = $1", manager_pk(i)
            )
            if bands != [(new_popularity(i),)] or managers != [(new_manager_name(i),)]:
                return f"the transaction's updates are missing: {bands}, {managers}"
        return None


def _percent(sql: str) -> str:
    """The inspector's ``$1``, ``$2`` as the MySQL drivers' ``%s``."""
    return sql.replace("$1", "%s").replace("$2", "%s")


# checking results ----------------------------------------------------------------------------
def _sort_key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def _manager_of(row: Any) -> Any:
    for name in ("manager_id", "manager"):
        value = getattr(row, name, None)
        if value is not None:
            if isinstance(value, int):
                return value
            for attribute in ("id", "pk"):  # a related object
                inner = getattr(value, attribute, None)
                if isinstance(inner, int):
                    return inner
            return value
    return None


def normalise_row(row: Any) -> tuple[Any, ...]:
    """A row's values, sorted, whatever the keys (``manager`` vs ``manager_id``,
    ``manager.name`` vs ``manager__name``): enough to see that the same data came back."""
    if isinstance(row, Mapping) or (hasattr(row, "keys") and hasattr(row, "__getitem__")):
        values = [row[k] for k in row.keys()]  # noqa: SIM118 - Record/RowMapping too
    elif isinstance(row, tuple):
        values = list(row)
    else:
        values = [row.id, row.name, row.popularity, _manager_of(row)]
    return tuple(sorted(values, key=_sort_key))


def normalise(op_id: str, result: Any) -> Any:
    """What is compared between contenders (the floor's is the reference)."""
    if op_id.startswith("compile"):
        sql = " ".join(str(result).lower().replace('"', "").split())
        return all(word in sql for word in ("select", "where", "like", "order by", "limit"))
    if isinstance(result, list):
        return sorted((normalise_row(r) for r in result), key=repr)
    if result is None:
        return None
    return normalise_row(result)
