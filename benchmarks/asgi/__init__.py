"""The seed's question, measured end to end: ``python -m benchmarks --asgi``.

A real web app (Starlette on uvicorn, one worker, asyncio or uvloop) serves the database
test types of the TechEmpower Framework Benchmarks, once per contender (raw asyncpg, Vivace,
Piccolo, Tortoise, SQLAlchemy async) plus a threaded WSGI baseline on psycopg, while the
database is made to wait a fixed time per statement. ``wrk`` on loopback supplies the load.
The pieces: ``database`` (schema, seed data, the wait), ``apps`` (one module per contender),
``checks`` (responses verified before timing), ``servers`` and ``load`` (processes and wrk),
``runner`` (the matrix) and ``report`` (JSON, Markdown, chart).
"""
