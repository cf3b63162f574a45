"""Vivace's pytest plugin (registered by the ``pytest11`` entry point; nothing to copy).

It lives outside the ``vivace`` package on purpose: pytest imports entry-point plugins
before pytest-cov starts measuring, and importing anything under ``vivace`` imports the
whole ORM; here nothing of Vivace is imported until a fixture runs.

Opt-in fixtures only, so a test that uses none of them runs exactly as without it:

- ``vivace_engine``: the engine tests run on; ``engine_finder()`` by default. Override
  it in your ``conftest.py`` to pick another one.
- ``vivace_transaction``: the test runs in a transaction on ``vivace_engine`` that is
  rolled back after it (needs pytest-asyncio). Transactions the code under test opens
  become savepoints inside it, so they commit, roll back and nest as they would alone.

Example::

    async def test_signup(vivace_transaction):
        await User.create_user("bob", "a long password")   # gone after the test
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

try:
    import pytest_asyncio

    HAS_PYTEST_ASYNCIO = True
except ImportError:  # pragma: no cover (pytest-asyncio is in the test extra)
    HAS_PYTEST_ASYNCIO = False


@pytest.fixture
def vivace_engine() -> Any:
    """The engine ``vivace_transaction`` uses: the configured one (``engine_finder()``)."""
    from vivace.engine import engine_finder

    engine = engine_finder()
    if engine is None:
        pytest.fail("vivace_engine: no engine is configured; override the fixture or add one")
    return engine


if HAS_PYTEST_ASYNCIO:

    @pytest_asyncio.fixture
    async def vivace_transaction(vivace_engine: Any) -> AsyncIterator[Any]:
        """The test's transaction on ``vivace_engine``, rolled back after the test."""
        from vivace.testing.rollback import RollbackScope

        async with RollbackScope(vivace_engine) as base:
            yield base

else:  # pragma: no cover

    @pytest.fixture
    def vivace_transaction() -> Any:
        """Needs pytest-asyncio."""
        pytest.fail("vivace_transaction needs pytest-asyncio (pip install pytest-asyncio)")
