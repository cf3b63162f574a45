"""Running a coroutine from synchronous code: ``run_sync``.

Every call, from any thread, with or without a running event loop in it, runs on one
long-lived loop in a background thread (the *bridge*). So sync code everywhere shares
one pool per engine on that loop, a pool is never used on a loop it does not belong to
(Piccolo #505, #807), nothing is reconnected per call, and a call made inside a running
loop (a notebook, a sync function called from async code) leaves that loop's pool alone.

Example::

    from vivace import run_sync
    bands = run_sync(Band.select().run())
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

T = TypeVar("T")

_lock = threading.Lock()
_bridge: asyncio.AbstractEventLoop | None = None
_bridge_thread: threading.Thread | None = None


def bridge_loop() -> asyncio.AbstractEventLoop:
    """The loop ``run_sync`` runs coroutines on (started on first use, runs for good; a
    new one if it ever stopped)."""
    global _bridge, _bridge_thread
    with _lock:
        alive = _bridge_thread is not None and _bridge_thread.is_alive()
        if _bridge is None or _bridge.is_closed() or not alive:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="vivace-run-sync", daemon=True)
            thread.start()
            _bridge, _bridge_thread = loop, thread
        return _bridge


async def _carried(coroutine: Coroutine[Any, Any, T]) -> tuple[T | None, BaseException | None]:
    """Await ``coroutine``; a ``SystemExit`` or ``KeyboardInterrupt`` it raises is returned,
    not raised: asyncio lets those out of the loop itself, which would stop the bridge
    before the caller heard of it (the caller then waited for good). The caller raises it."""
    try:
        return await coroutine, None
    except (SystemExit, KeyboardInterrupt) as error:
        return None, error


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion and return its result; callable from anywhere.

    The coroutine runs on the bridge loop in a context of its own: it does not join a
    transaction the caller's task has open (that transaction's connection belongs to the
    caller's loop). An interruption of the waiting thread (Ctrl-C) cancels it.

    Example: ``rows = run_sync(Band.select(Band.name))`` in a script or a sync view.
    """
    loop = bridge_loop()
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        # Called from a coroutine run_sync is running: the bridge is busy waiting for it.
        return _run_on_a_thread_of_its_own(coroutine)
    outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
    started: list[asyncio.Task[tuple[T | None, BaseException | None]]] = []

    def report(task: asyncio.Task[tuple[T | None, BaseException | None]]) -> None:
        if task.cancelled():
            outcome.set_exception(asyncio.CancelledError())
        elif (error := task.exception()) is not None:
            outcome.set_exception(error)
        else:
            result, carried = task.result()
            if carried is not None:
                outcome.set_exception(carried)
            else:
                outcome.set_result(cast(T, result))

    def start() -> None:
        task = loop.create_task(_carried(coroutine))
        started.append(task)
        task.add_done_callback(report)

    # An empty context: the caller's context variables (its open transaction, whose
    # connection belongs to the caller's loop) must not follow the coroutine there.
    loop.call_soon_threadsafe(start, context=contextvars.Context())
    try:
        return outcome.result()
    except BaseException:
        if not outcome.done():  # the waiting thread was interrupted (Ctrl-C): stop it
            loop.call_soon_threadsafe(lambda: [task.cancel() for task in started])
        raise


def _run_on_a_thread_of_its_own(coroutine: Coroutine[Any, Any, T]) -> T:
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed to the caller's thread below
            error.append(exc)

    thread = threading.Thread(target=target, name="vivace-run-sync-nested")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]
