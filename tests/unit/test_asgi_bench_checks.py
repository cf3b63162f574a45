"""The web benchmark's response checkers accept right answers and reject wrong ones.

They guard ``python -m benchmarks --asgi``: a contender is timed only after its app's
answers passed them, so a checker that accepted anything would let an app skip work.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from benchmarks.asgi.apps.common import (
    EXTRA_FORTUNE,
    counted,
    parse_queries,
    render_fortunes,
    wsgi_app,
)
from benchmarks.asgi.checks import (
    CheckFailed,
    check_fortunes,
    check_world,
    check_worlds,
    expected_fortunes,
)
from benchmarks.asgi.database import FORTUNES
from benchmarks.asgi.load import parse, steady_rps
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


def test_wrk_response_times_give_the_steady_rate() -> None:
    line = json.dumps(
        {"requests": 256, "duration_us": 13_000_000, "connect": 0, "read": 0, "write": 0}
        | {"status": 0, "timeout": 0, "p50_us": 1500, "p90_us": 2000, "p99_us": 9000}
        | {"mean_us": 1600.0, "max_us": 12000}
    )
    waves = [w * 2_600_000 + i * 1000 for w in range(1, 5) for i in range(64)]
    result = parse(f"{line}\n{json.dumps({'completed_us': waves})}\n", 64)
    assert result["rps_counted"] == 19.7  # 4 waves in 13 s
    # One wave every 2.6 s (the 64 responses of a wave spread over 63 ms):
    assert result["rps"] == round(64 / 2.6, 1) and result["rps_method"] == "steady"


@pytest.mark.parametrize("cut", [0, 1, 20, 63, 64, 100])
def test_steady_rate_does_not_depend_on_the_wave_phase(cut: int) -> None:
    # Waves of 64 every 2 s, each spread over 0.5 s: the window may cut into any of them.
    waves = [w * 2_000_000 + i * 8_000 for w in range(8) for i in range(64)]
    window = waves[cut : len(waves) - (64 - cut) % 64]
    assert round(steady_rps(window, 64) or 0, 6) == 32.0


def test_evenly_spread_responses_give_the_plain_rate() -> None:
    times = [int(i * 1e6 / 700) for i in range(2000)]  # 700 req/s
    assert round(steady_rps(times, 64) or 0) == 700
    assert steady_rps(times[:127], 64) is None  # under 2 rounds: wrk's count instead


def _asgi_get(app: Any, path: str) -> Any:
    scope: dict[str, Any] = {"type": "http", "path": path, "method": "GET", "query_string": b""}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> list[dict[str, Any]]:
        await app(scope, receive, send)
        return sent

    return call()


def test_the_asgi_app_counts_requests_in_flight_until_their_handlers_return() -> None:
    release = asyncio.Event()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()  # a handler still working after its client left

    app = counted(slow)

    async def scenario() -> list[bytes]:
        async def inflight() -> bytes:
            sent = await _asgi_get(app, "/inflight")
            return bytes(sent[-1]["body"])

        seen = [await inflight()]
        tasks = [asyncio.create_task(_asgi_get(app, "/db")) for _ in range(3)]
        await asyncio.sleep(0)
        seen.append(await inflight())
        release.set()
        await asyncio.gather(*tasks)
        seen.append(await inflight())
        return seen

    assert asyncio.run(scenario()) == [b"0", b"3", b"0"]


def test_the_wsgi_app_counts_requests_in_flight() -> None:
    entered, release = threading.Event(), threading.Event()

    class Slow:
        def world(self, id_: int) -> dict[str, int]:
            entered.set()
            release.wait(10)
            return {"id": id_, "randomNumber": 1}

    app = wsgi_app(Slow())  # type: ignore[arg-type]  # only world() is called

    def get(path: str) -> bytes:
        return b"".join(app({"PATH_INFO": path}, lambda status, headers: None))

    worker = threading.Thread(target=get, args=("/db",))
    worker.start()
    assert entered.wait(10)
    during = get("/inflight")
    release.set()
    worker.join(10)
    assert (during, get("/inflight")) == (b"1", b"0")


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


def test_the_cpu_bound_waits_get_more_passes_than_the_others() -> None:
    from benchmarks.asgi.runner import Plan

    plan = Plan()
    assert [plan.passes_at(w) for w in (0, 1, 5, 20)] == [2, 2, 1, 1]
    assert Plan(passes=3).passes_at(20) == 3 and Plan(passes=3).passes_at(0) == 3
    assert Plan.quick_plan().passes_at(0) == 1


def test_the_setup_text_says_which_waits_took_the_best_of_several_passes() -> None:
    from benchmarks.asgi.report import _passes_text

    assert _passes_text({"0": 2, "1": 2, "5": 1, "20": 1}) == (
        " Each cell at 0 and 1 ms: the best of 2 passes taken minutes apart."
    )
    assert _passes_text({"0": 1, "20": 1}) == ""
