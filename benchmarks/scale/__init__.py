"""Scale curves (issue 15, item 4): ``python -m benchmarks --scale [--quick]``.

``rows``: time and memory per row for 1k-1M rows, fetched whole and streamed with
``batch()``, on PostgreSQL and SQLite, each point in a fresh interpreter (its peak RSS is
the point's memory). ``pool``: throughput of concurrent select-by-pk against the pool size
(1-50) and against the number of concurrent tasks (1-1,000), Vivace next to raw asyncpg.
``report`` writes ``benchmarks/results/scale.{json,md,png}``.
"""
