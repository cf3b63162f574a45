"""Every app's answers are checked before it is timed, so all contenders do the same work.

The checkers are pure functions of a response body (and the database's rows), which
``tests/benchmarks`` exercises without a server; ``check_server`` runs them all against a
running app. A failed check raises ``CheckFailed`` and the contender is not timed.

>>> check_world(b'{"id": 3, "randomNumber": 7}', {3: 7})
{'id': 3, 'randomNumber': 7}
"""

from __future__ import annotations

import html
import json
import urllib.request
from typing import Any

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, render_fortunes
from benchmarks.asgi.database import FORTUNES


class CheckFailed(AssertionError):
    """An app answered wrongly."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_world(body: bytes, rows: dict[int, int]) -> dict[str, int]:
    """One ``{"id", "randomNumber"}`` object whose number is the row's in the database."""
    value = json.loads(body)
    _expect(isinstance(value, dict) and set(value) == {"id", "randomNumber"}, f"bad row {value}")
    _expect(isinstance(value["id"], int) and isinstance(value["randomNumber"], int), "not ints")
    _expect(value["id"] in rows, f"id {value['id']} is not in World")
    _expect(rows[value["id"]] == value["randomNumber"], f"row {value} differs from the table")
    return dict(value)


def check_worlds(body: bytes, count: int, rows: dict[int, int]) -> list[dict[str, int]]:
    """A JSON list of ``count`` rows, each as ``check_world`` wants it."""
    value = json.loads(body)
    _expect(isinstance(value, list), f"not a list: {value!r:.80}")
    _expect(len(value) == count, f"{len(value)} rows, expected {count}")
    return [check_world(json.dumps(item).encode(), rows) for item in value]


def expected_fortunes() -> str:
    rows = [*enumerate(FORTUNES, start=1), (0, EXTRA_FORTUNE)]
    return render_fortunes(rows)


def check_fortunes(body: bytes) -> None:
    """The exact page: every fortune plus the added one, sorted, escaped."""
    page = body.decode()
    _expect("<script>" not in page, "a message is not escaped")
    _expect(html.escape(FORTUNES[3]) in page, "the script fortune is missing")
    _expect(page == expected_fortunes(), f"unexpected page: {page!r:.200}")


def get(port: int, path: str) -> tuple[int, str, bytes]:
    """Status, content type and body of ``GET path`` on the app at ``port``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def check_server(port: int, fetch_rows: Any, full: bool = True) -> None:
    """Check all four endpoints; ``fetch_rows()`` returns ``world_data`` as {id: number}.

    ``full`` adds the 500-row clamp (500 queries: slow once the database waits).
    """
    rows = fetch_rows()
    for _ in range(3):
        status, kind, body = get(port, "/db")
        _expect(status == 200 and kind.startswith("application/json"), f"/db: {status} {kind}")
        check_world(body, rows)
    cases = [("1", 1), ("20", 20), ("0", 1), ("abc", 1)] + ([("501", 500)] if full else [])
    for query, count in cases:
        status, _, body = get(port, f"/queries?queries={query}")
        _expect(status == 200, f"/queries?queries={query}: {status}")
        check_worlds(body, count, rows)
    status, kind, body = get(port, "/fortunes")
    _expect(status == 200 and kind.startswith("text/html"), f"/fortunes: {status} {kind}")
    check_fortunes(body)
    status, _, body = get(port, "/updates?queries=20")
    _expect(status == 200, f"/updates: {status}")
    written = json.loads(body)
    _expect(isinstance(written, list) and len(written) == 20, "/updates: not 20 rows")
    after = fetch_rows()
    last = {w["id"]: w["randomNumber"] for w in written}  # a repeated id: the last write wins
    for id_, number in last.items():
        _expect(after.get(id_) == number, f"/updates: row {id_} is {after.get(id_)}, not {number}")
