"""Piccolo's import path ``piccolo.utils.sync``: run a coroutine from synchronous code.

Example: ``from vivace.utils.sync import run_sync``.
"""

from vivace.engine import run_sync

__all__ = [
    "run_sync",
]
