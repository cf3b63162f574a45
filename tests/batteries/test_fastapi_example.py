"""The FastAPI example's own tests (``examples/fastapi_app/tests``) run in the suite on
SQLite (collected from ``examples``); here they run once more, on PostgreSQL, in a pytest
of their own (the example picks its engine when imported, from ``FASTAPI_APP_DB``)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

from tests.conftest import PG_DATABASE, PG_HOST, PG_PORT, PG_USER
from vivace.engine import PostgresEngine

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_example_app_tests_pass_on_postgres(postgres_db: PostgresEngine) -> None:
    dsn = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "examples/fastapi_app"],
        cwd=ROOT,
        env={**os.environ, "FASTAPI_APP_DB": dsn},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
