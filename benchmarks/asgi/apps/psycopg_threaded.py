"""The synchronous baseline: plain WSGI on gunicorn's gthread worker, psycopg 3 with a pool.

One worker process, a fixed pool of threads (the runner passes ``--threads`` = the pool
size) and a ``psycopg_pool.ConnectionPool`` of the same size, autocommit connections
(psycopg prepares a statement after it has run it 5 times). Every handler blocks its
thread while the database works, which is what the async apps avoid.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg_pool import ConnectionPool

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, World, pg_url, settings, world, wsgi_app

READ = "SELECT id, randomnumber FROM world WHERE id = %s"
WRITE = "UPDATE world SET randomnumber = %s WHERE id = %s"
FORTUNES = "SELECT id, message FROM fortune"


class Threaded:
    def __init__(self) -> None:
        size = settings()["pool"]
        self.pool = ConnectionPool(
            pg_url("postgresql"),
            min_size=size,
            max_size=size,
            kwargs={"autocommit": True},
            open=True,
        )

    def world(self, id_: int) -> World:
        with self.pool.connection() as connection:
            row = connection.execute(READ, (id_,)).fetchone()
        assert row is not None
        return world(row[0], row[1])

    def worlds(self, ids: Sequence[int]) -> list[World]:
        with self.pool.connection() as connection:
            rows = [connection.execute(READ, (id_,)).fetchone() for id_ in ids]
        return [world(r[0], r[1]) for r in rows if r is not None]

    def fortunes(self) -> list[tuple[int, str]]:
        with self.pool.connection() as connection:
            rows: list[tuple[int, str]] = list(connection.execute(FORTUNES).fetchall())
        rows.append((0, EXTRA_FORTUNE))
        return rows

    def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]:
        with self.pool.connection() as connection:
            rows = [connection.execute(READ, (id_,)).fetchone() for id_ in ids]
            result = [world(r[0], n) for r, n in zip(rows, numbers) if r is not None]
            for row in result:  # one UPDATE per row, as the floor app sends them
                connection.execute(WRITE, (row["randomNumber"], row["id"]))
        return result


app = wsgi_app(Threaded())
