"""Running a coroutine from synchronous code.

Example::

    from vivace import run_sync
    bands = run_sync(Band.select())
"""

from __future__ import annotations

import asyncio
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
        return asyncio.run(coroutine)
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
