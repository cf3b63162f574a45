"""Vivace's benchmark suite: the same operations on the same schema for Vivace, the raw
drivers (the floors) and the peers, on PostgreSQL and SQLite.

Run it with ``.venv/bin/python -m benchmarks`` (``--help`` lists the options). It is never
part of the test command: pytest only collects ``tests/``.
"""
