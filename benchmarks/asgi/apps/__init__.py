"""One small app module per contender; the shared HTTP layer is ``apps.common``.

``CONTENDERS`` lists them in report order: the floor first, the baseline last. ``kind``
says how the app is served: ``asgi`` (uvicorn) or ``wsgi`` (gunicorn, threads).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppContender:
    """One contender of the web benchmark.

    >>> CONTENDERS[0].target
    'benchmarks.asgi.apps.asyncpg_raw:app'
    """

    name: str
    module: str
    kind: str  # "asgi" or "wsgi"
    description: str

    @property
    def target(self) -> str:
        return f"benchmarks.asgi.apps.{self.module}:app"


CONTENDERS: tuple[AppContender, ...] = (
    AppContender(
        "asyncpg", "asyncpg_raw", "asgi", "hand-written SQL on an asyncpg pool (the floor)"
    ),
    AppContender("vivace", "vivace_orm", "asgi", "Vivace model objects: objects().get(), save()"),
    AppContender(
        "piccolo", "piccolo_orm", "asgi", "Piccolo model objects: objects().get(), save()"
    ),
    AppContender("tortoise", "tortoise_orm", "asgi", "Tortoise models: Model.get(), save()"),
    AppContender(
        "sqlalchemy", "sqlalchemy_orm", "asgi", "SQLAlchemy 2 AsyncSession: session.get(), commit"
    ),
    AppContender(
        "threaded",
        "psycopg_threaded",
        "wsgi",
        "plain WSGI on gunicorn gthread (1 worker, a fixed thread pool), psycopg 3 pool",
    ),
)
CONTENDERS_BY_NAME = {c.name: c for c in CONTENDERS}
