"""Scale curves (issue 15, item 4): ``python -m benchmarks --scale [--quick]``.

``rows``: time and memory per row for 1k-1M rows, fetched whole and streamed with
``batch()``, on PostgreSQL, MariaDB and SQLite, each point in a fresh interpreter.
``pool``: throughput of concurrent select-by-pk against the pool size (1-50) and against
the number of concurrent tasks (1-1,000) on PostgreSQL and MariaDB, Vivace next to the
raw driver (asyncpg, asyncmy), with the client's and the machine's CPU per sample.
``knees`` reads a curve (knee, flat, linear), ``explain`` writes the notes from the
numbers, ``report`` writes ``benchmarks/results/scale.{json,md,png}``.
"""
