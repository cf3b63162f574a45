"""Running a coroutine from synchronous code.

Example::

    from vivace import run_sync
    bands = run_sync(Band.select())
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion; works with or without a running event loop.

    Inside a running loop (a notebook, a sync function called from async code) it runs
    on a fresh loop in a helper thread, since the running loop cannot be re-entered.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _runner().run(coroutine)
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed to the caller's thread below
            error.append(exc)

    thread = threading.Thread(target=target, name="vivace-run-sync")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


_local = threading.local()


def _runner() -> asyncio.Runner:
    """One event loop per thread for run_sync() calls, so a pool made by one call serves
    the next (a fresh loop per call would strand the previous call's connections)."""
    runner: asyncio.Runner | None = getattr(_local, "runner", None)
    if runner is None:
        # loop_factory: the loop is not made the thread's current loop (nobody else's business).
        runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
        _local.runner = runner
        atexit.register(runner.close)
    return runner
