"""The app's tests run each test in a transaction rolled back at the end: Vivace's pytest
plugin gives the ``vivace_transaction`` fixture; ``vivace_engine`` tells it which engine."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator

import httpx
import pytest

# The tests never touch the app's own database: a temporary SQLite file unless
# FASTAPI_APP_DB names one (set before the app's modules make their engine).
os.environ.setdefault("FASTAPI_APP_DB", os.path.join(tempfile.mkdtemp(), "test.sqlite"))

from examples.fastapi_app.app import app
from examples.fastapi_app.tables import DB, Band, Manager
from vivace import create_db_tables
from vivace.engine import Engine


@pytest.fixture
def vivace_engine() -> Engine:
    return DB


@pytest.fixture
async def client(vivace_transaction: object) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in-process, inside the test's transaction."""
    await create_db_tables(Manager, Band, if_not_exists=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
