"""What every contender's app shares: settings, the HTTP layer and the TechEmpower rules.

Only the database access differs between contenders. A contender module defines a
``Backend`` (start, stop and the four data operations) and builds its app with
``asgi_app(backend)`` (Starlette) or ``wsgi_app(backend)`` (a plain WSGI callable, the
cheapest HTTP layer there is: it favours the threaded baseline, not the async apps).

The endpoints (TechEmpower's database test types):

* ``/db``: one random ``World`` row as ``{"id": .., "randomNumber": ..}``
* ``/queries?queries=N``: N rows (N clamped to 1..500, anything else is 1), one query each
* ``/fortunes``: every ``Fortune`` row plus one added in memory, sorted by message,
  rendered as an HTML table with the messages escaped
* ``/updates?queries=N``: N random rows read one by one, given new random numbers, written back

and one for the runner, not a test type: ``/inflight``, how many requests the app is still
working on (as plain text). wrk abandons its requests in flight when it stops and the app
finishes them anyway; the runner waits for 0 before it loads the server again, so a cell
never shares the pool with the previous cell's leftovers (see ``benchmarks.asgi.runner``).

>>> parse_queries(b"queries=20"), parse_queries(b"queries=0"), parse_queries(b"queries=x")
(20, 1, 1)
>>> render_fortunes([(2, "b<"), (1, "a&")]).split("</th></tr>")[1]
'<tr><td>1</td><td>a&amp;</td></tr><tr><td>2</td><td>b&lt;</td></tr></table></body></html>'
"""

from __future__ import annotations

import html
import json
import os
import random
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import parse_qs

WORLD_ROWS = 10_000
#: The fortune every app adds in memory before sorting (TechEmpower's rule).
EXTRA_FORTUNE = "Additional fortune added at request time."
HTML_HEAD = (
    "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
    "<tr><th>id</th><th>message</th></tr>"
)
HTML_TAIL = "</table></body></html>"

World = dict[str, int]


def settings() -> dict[str, Any]:
    """Where the database is and the pool size: the runner passes them as environment.

    >>> sorted(settings())
    ['database', 'host', 'password', 'pool', 'port', 'user']
    """
    return {
        "host": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("BENCH_PG_PORT", "5432")),
        "user": os.environ.get("BENCH_PG_USER", "postgres"),
        "password": os.environ.get("BENCH_PG_PASSWORD") or None,
        "database": os.environ.get("BENCH_PG_DATABASE", "vivace_asgi_bench"),
        "pool": int(os.environ.get("BENCH_POOL", "20")),
    }


def pg_url(scheme: str) -> str:
    """The database as a URL (``postgresql+asyncpg``, ``postgres``, ...)."""
    s = settings()
    password = f":{s['password']}" if s["password"] else ""
    return f"{scheme}://{s['user']}{password}@{s['host']}:{s['port']}/{s['database']}"


def random_id() -> int:
    return random.randint(1, WORLD_ROWS)


def random_ids(count: int) -> list[int]:
    return [random.randint(1, WORLD_ROWS) for _ in range(count)]


def parse_queries(query_string: bytes) -> int:
    """The ``queries`` parameter under TechEmpower's rules: 1..500, else 1."""
    values = parse_qs(query_string.decode("latin-1")).get("queries")
    try:
        count = int(values[0]) if values else 1
    except ValueError:
        return 1
    return min(max(count, 1), 500)


def render_fortunes(rows: Iterable[tuple[int, str]]) -> str:
    """Sort by message and render the HTML table (every message escaped)."""
    ordered = sorted(rows, key=lambda row: row[1])
    cells = "".join(
        f"<tr><td>{id_}</td><td>{html.escape(message)}</td></tr>" for id_, message in ordered
    )
    return HTML_HEAD + cells + HTML_TAIL


def world(id_: int, number: int) -> World:
    return {"id": id_, "randomNumber": number}


class Backend(Protocol):
    """A contender's database access; the HTTP layer is shared."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def world(self, id_: int) -> World: ...
    async def worlds(self, ids: Sequence[int]) -> list[World]: ...
    async def fortunes(self) -> list[tuple[int, str]]:
        """Every row plus the in-memory ``(0, EXTRA_FORTUNE)``, unsorted."""
        ...

    async def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]: ...


class SyncBackend(Protocol):
    """The same, blocking (the threaded baseline)."""

    def world(self, id_: int) -> World: ...
    def worlds(self, ids: Sequence[int]) -> list[World]: ...
    def fortunes(self) -> list[tuple[int, str]]: ...
    def update(self, ids: Sequence[int], numbers: Sequence[int]) -> list[World]: ...


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


INFLIGHT_PATH = "/inflight"


def counted(app: Any) -> Any:
    """``app`` (ASGI) counting its HTTP requests in progress; ``/inflight`` answers the count.

    Counted around the whole app, so a request counts until its handler returns, even when
    the client has gone (uvicorn lets the handler run to its end). ``/inflight`` does not
    count itself and never reaches ``app``.
    """
    inflight = 0

    async def wrapper(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal inflight
        if scope["type"] != "http":
            await app(scope, receive, send)
        elif scope["path"] == INFLIGHT_PATH:
            body = str(inflight).encode()
            headers = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        else:
            inflight += 1
            try:
                await app(scope, receive, send)
            finally:
                inflight -= 1

    return wrapper


def asgi_app(backend: Backend) -> Any:
    """The Starlette app serving the four endpoints from ``backend`` (and ``/inflight``)."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    json_type, html_type = "application/json", "text/html; charset=utf-8"

    async def single(request: Request) -> Response:
        return Response(_json(await backend.world(random_id())), media_type=json_type)

    async def queries(request: Request) -> Response:
        count = parse_queries(request.scope["query_string"])
        return Response(_json(await backend.worlds(random_ids(count))), media_type=json_type)

    async def fortunes(request: Request) -> Response:
        page = render_fortunes(await backend.fortunes())
        return Response(page, media_type=html_type)

    async def updates(request: Request) -> Response:
        count = parse_queries(request.scope["query_string"])
        ids, numbers = random_ids(count), random_ids(count)
        return Response(_json(await backend.update(ids, numbers)), media_type=json_type)

    @asynccontextmanager
    async def lifespan(app: Any) -> Any:
        await backend.start()
        yield
        await backend.stop()

    routes: list[Any] = [
        Route("/db", single),
        Route("/queries", queries),
        Route("/fortunes", fortunes),
        Route("/updates", updates),
    ]
    return counted(Starlette(routes=routes, lifespan=lifespan))


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def wsgi_app(backend: SyncBackend) -> Callable[[dict[str, Any], StartResponse], list[bytes]]:
    """The plain WSGI callable serving the four endpoints from ``backend`` (and ``/inflight``).

    ``/inflight`` counts the requests a thread is working on. gunicorn's gthread worker
    hands ready connections to its threads in order, so when ``/inflight`` runs, every
    request that arrived before it has a thread and is counted (or is done).
    """
    inflight = [0]
    lock = threading.Lock()

    def respond(start: StartResponse, body: bytes, kind: str) -> list[bytes]:
        start("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def app(environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        if environ["PATH_INFO"] == INFLIGHT_PATH:
            return respond(start, str(inflight[0]).encode(), "text/plain")
        with lock:
            inflight[0] += 1
        try:
            return serve(environ, start)
        finally:
            with lock:
                inflight[0] -= 1

    def serve(environ: dict[str, Any], start: StartResponse) -> list[bytes]:
        path = environ["PATH_INFO"]
        query = environ.get("QUERY_STRING", "").encode("latin-1")
        if path == "/db":
            return respond(start, _json(backend.world(random_id())), "application/json")
        if path == "/queries":
            rows = backend.worlds(random_ids(parse_queries(query)))
            return respond(start, _json(rows), "application/json")
        if path == "/fortunes":
            page = render_fortunes(backend.fortunes()).encode()
            return respond(start, page, "text/html; charset=utf-8")
        if path == "/updates":
            count = parse_queries(query)
            rows = backend.update(random_ids(count), random_ids(count))
            return respond(start, _json(rows), "application/json")
        start("404 Not Found", [("Content-Length", "0")])
        return [b""]

    return app


async def each(ids: Sequence[int], read: Callable[[int], Awaitable[World]]) -> list[World]:
    """Run ``read`` for every id, one after the other (one query at a time per request)."""
    return [await read(id_) for id_ in ids]
