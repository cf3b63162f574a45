"""Fixtures of the differential suite: the engines compared, and the counts it reports.

Adding an engine is one entry in ``ENGINES``: the name of its ``<name>_db`` fixture
(``tests/conftest.py``), e.g. ``"mariadb"`` once that fixture exists.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from vivace.engine import Engine

#: The engines every outcome is compared across; the first is the reference.
ENGINES = ("postgres", "sqlite")

#: Outcomes counted over the run: "pairs", "stored", "refused".
COUNTS: Counter[str] = Counter()


@pytest.fixture
def engines(request: pytest.FixtureRequest) -> dict[str, Engine]:
    """Every engine of ``ENGINES``, by name (a test needing a server fails in CI without it)."""
    return {name: request.getfixturevalue(f"{name}_db") for name in ENGINES}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if COUNTS["pairs"]:
        terminalreporter.write_line(
            f"differential ({', '.join(ENGINES)}): {COUNTS['pairs']} (column type, value) "
            f"pairs tried, {COUNTS['stored']} stored alike, {COUNTS['refused']} refused alike"
        )
