"""Piccolo's import path ``piccolo.testing.test_case``: unittest base classes.

Example: ``from vivace.testing.test_case import AsyncTableTest``.
"""

from vivace.testing.cases import (
    AsyncTableTest,
    AsyncTransactionTest,
    TableTest,
)

__all__ = [
    "AsyncTableTest",
    "AsyncTransactionTest",
    "TableTest",
]
