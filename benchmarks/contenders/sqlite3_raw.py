"""The SQLite floor: the standard library's sqlite3, called synchronously (no event loop).

One autocommit connection with the pragmas Vivace's engine sets (WAL, synchronous=NORMAL,
foreign_keys=ON), so the ratio shows the library's cost, not a configuration difference.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from benchmarks.contenders.base import Contender
from benchmarks.workload import (
    ALIAS_COLUMNS,
    BULK_ROWS,
    COLUMNS,
    JOIN_COLUMNS,
    BandRow,
    band_pk,
    manager_pk,
    new_band,
    new_manager_name,
    new_popularity,
)


def statements(t: Any) -> dict[str, str]:
    """The SQL both raw SQLite contenders send."""
    cols = ", ".join(COLUMNS)
    return {
        "pk": f"SELECT {cols} FROM {t.band} WHERE id = ?",
        "rows": f"SELECT {cols} FROM {t.band} LIMIT ?",
        "pk_alias": (
            f"SELECT id, name AS band_name, popularity, manager_id FROM {t.band} WHERE id = ?"
        ),
        "insert": f"INSERT INTO {t.band} (name, popularity, manager_id) VALUES (?, ?, ?)",
        "update": f"UPDATE {t.band} SET popularity = ? WHERE id = ?",
        "update_manager": f"UPDATE {t.manager} SET name = ? WHERE id = ?",
        "join": (
            f"SELECT b.name, m.name AS manager_name FROM {t.band} b "
            f"LEFT JOIN {t.manager} m ON m.id = b.manager_id LIMIT 1000"
        ),
    }


def configure(connection: Any) -> None:
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


class Sqlite3(Contender):
    name = "sqlite3"
    role = "floor"
    backends = ("sqlite",)
    package = "sqlite3"
    description = "standard library, synchronous, one autocommit connection, hand-written SQL"

    async def setup(self) -> None:
        self.db = sqlite3.connect(
            self.context.sqlite_path, isolation_level=None, cached_statements=512
        )
        configure(self.db)
        self.sql = statements(self.t)

    async def teardown(self) -> None:
        self.db.close()

    def pk_dict(self, i: int) -> Any:
        return dict(zip(COLUMNS, self.db.execute(self.sql["pk"], (band_pk(i),)).fetchone()))

    def pk_object(self, i: int) -> Any:
        return BandRow(*self.db.execute(self.sql["pk"], (band_pk(i),)).fetchone())

    def pk_dict_alias(self, i: int) -> Any:
        row = self.db.execute(self.sql["pk_alias"], (band_pk(i),)).fetchone()
        return dict(zip(ALIAS_COLUMNS, row))

    def pk_object_where(self, i: int) -> Any:  # hand-written SQL has one form
        return BandRow(*self.db.execute(self.sql["pk"], (band_pk(i),)).fetchone())

    def rows_1k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in self.db.execute(self.sql["rows"], (1000,))]

    def rows_1k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in self.db.execute(self.sql["rows"], (1000,))]

    def rows_10k_dict(self, i: int) -> Any:
        return [dict(zip(COLUMNS, r)) for r in self.db.execute(self.sql["rows"], (10_000,))]

    def rows_10k_object(self, i: int) -> Any:
        return [BandRow(*r) for r in self.db.execute(self.sql["rows"], (10_000,))]

    def insert_one(self, i: int) -> Any:
        return self.db.execute(self.sql["insert"], new_band(i)).lastrowid

    def bulk_insert(self, i: int) -> Any:
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany(self.sql["insert"], BULK_ROWS)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def update_one(self, i: int) -> Any:
        self.db.execute(self.sql["update"], (new_popularity(i), band_pk(i)))

    def join_1k(self, i: int) -> Any:
        return [dict(zip(JOIN_COLUMNS, r)) for r in self.db.execute(self.sql["join"])]

    def transaction(self, i: int) -> Any:
        db = self.db
        db.execute("BEGIN")
        try:
            db.execute(self.sql["update"], (new_popularity(i), band_pk(i)))
            db.execute(self.sql["update_manager"], (new_manager_name(i), manager_pk(i)))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
