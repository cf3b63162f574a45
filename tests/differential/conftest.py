"""Fixtures of the differential suite: the engines compared, and the counts it reports.

Adding an engine is one entry in ``ENGINES``: the name of its ``<name>_db`` fixture
(``tests/conftest.py``). ``mysql`` is MariaDB: what it truly lacks (arrays) or cannot
store (infinities, numbers beyond ``DECIMAL(65,30)``) is listed in the test module with
the reason, and checked to be refused clearly instead.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from vivace.engine import Engine

#: The engines every outcome is compared across; the first is the reference.
ENGINES = ("postgres", "sqlite", "mysql")

#: Outcomes counted over the run: "pairs", "stored", "refused", and "gap" (values MariaDB
#: cannot hold, refused there with a clear error while the others store them).
COUNTS: Counter[str] = Counter()


@pytest.fixture
def engines(request: pytest.FixtureRequest) -> dict[str, Engine]:
    """Every engine of ``ENGINES``, by name (a test needing a server fails in CI without it)."""
    return {name: request.getfixturevalue(f"{name}_db") for name in ENGINES}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if COUNTS["pairs"]:
        terminalreporter.write_line(
            f"differential ({', '.join(ENGINES)}): {COUNTS['pairs']} (column type, value) "
            f"pairs tried, {COUNTS['stored']} stored alike, {COUNTS['refused']} refused alike, "
            f"{COUNTS['gap']} beyond what MariaDB can hold (refused there, with a clear error)"
        )
