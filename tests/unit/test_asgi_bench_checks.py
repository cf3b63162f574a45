"""The web benchmark's response checkers accept right answers and reject wrong ones.

They guard ``python -m benchmarks --asgi``: a contender is timed only after its app's
answers passed them, so a checker that accepted anything would let an app skip work.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.asgi.apps.common import EXTRA_FORTUNE, parse_queries, render_fortunes
from benchmarks.asgi.checks import (
    CheckFailed,
    check_fortunes,
    check_world,
    check_worlds,
    expected_fortunes,
)
from benchmarks.asgi.database import FORTUNES
from benchmarks.asgi.load import parse
from benchmarks.asgi.profiling import summarize

ROWS = {1: 10, 2: 20, 3: 30}


def test_a_row_matching_the_table_passes() -> None:
    assert check_world(b'{"id": 2, "randomNumber": 20}', ROWS) == {"id": 2, "randomNumber": 20}


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 2, "randomNumber": 21}',  # not the table's number
        b'{"id": 9, "randomNumber": 20}',  # no such row
        b'{"id": 2, "randomnumber": 20}',  # the wrong key
        b'{"id": "2", "randomNumber": 20}',  # not an int
        b"[]",
    ],
)
def test_a_wrong_row_fails(body: bytes) -> None:
    with pytest.raises(CheckFailed):
        check_world(body, ROWS)


def test_a_list_needs_the_asked_count() -> None:
    body = json.dumps([{"id": 1, "randomNumber": 10}, {"id": 3, "randomNumber": 30}]).encode()
    assert len(check_worlds(body, 2, ROWS)) == 2
    with pytest.raises(CheckFailed):
        check_worlds(body, 3, ROWS)


def test_the_fortunes_page_is_sorted_escaped_and_complete() -> None:
    page = expected_fortunes()
    check_fortunes(page.encode())
    assert "&lt;script&gt;" in page and EXTRA_FORTUNE in page
    assert page.index("Additional fortune") < page.index("Zero-cost")  # sorted by message
    unescaped = page.replace("&lt;script&gt;", "<script>")
    missing_extra = render_fortunes(list(enumerate(FORTUNES, start=1)))
    for wrong in (unescaped, missing_extra):
        with pytest.raises(CheckFailed):
            check_fortunes(wrong.encode())


def test_queries_parameter_follows_the_rules() -> None:
    assert [parse_queries(q) for q in (b"queries=7", b"queries=0", b"queries=600", b"")] == [
        7,
        1,
        500,
        1,
    ]


def test_wrk_report_is_parsed() -> None:
    line = json.dumps(
        {"requests": 50, "duration_us": 2_000_000, "connect": 0, "read": 1, "write": 0}
        | {"status": 0, "timeout": 0, "p50_us": 1500, "p90_us": 2000, "p99_us": 9000}
        | {"mean_us": 1600.0, "max_us": 12000}
    )
    result = parse(f"Running 2s test\n{line}\n")
    assert (result["rps"], result["p99_ms"], result["errors"]) == (25.0, 9.0, 1)


def test_profile_samples_are_attributed_to_packages() -> None:
    raw = (
        "run (asyncio/runners.py:1);fetch (vivace/engine/postgres.py:9);"
        "_do_execute (asyncpg/connection.py:2);write (libc.so.6) 3\n"
        "run (asyncio/runners.py:1);fetch (vivace/engine/postgres.py:9);"
        "acquire (asyncio/locks.py:3) 1\n"
    )
    text = summarize(raw, "vivace")
    assert "75.0%  asyncpg" in text and "25.0%  asyncio" in text
    assert "75.0%  write() called under asyncpg" in text
    assert "25.0%  vivace with what it calls, the driver excepted" in text
