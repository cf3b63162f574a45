"""``vivace.mypy``: with the plugin, mypy checks the constructor of Piccolo-style tables.

A user's file is checked with ``--strict`` (so ``warn_unused_ignores``): its negative lines
end in ``# type: ignore[code]`` and fail the run once they stop being errors. The same
file without the plugin shows what the plugin adds (those lines pass unseen).
"""

from __future__ import annotations

from pathlib import Path

from mypy import api as mypy_api

USER_FILE = """
from __future__ import annotations

import uuid
from typing import Any

from vivace import Table, TypedTable
from vivace.columns import JSON, UUID, ForeignKey, Integer, Varchar


class Manager(Table):
    name = Varchar()


class Studio(Table):
    id: UUID = UUID(primary_key=True)  # type: ignore[assignment]


class Band(Table):
    name = Varchar()
    popularity = Integer()
    rating = Integer(null=True)
    facts = JSON()
    manager = ForeignKey(Manager)
    studio = ForeignKey(Studio, null=False)


class TourBand(Band):
    tour = Varchar()


class Typed(TypedTable):
    name: Varchar = Varchar()


def valid(manager: Manager, values: dict[str, Any]) -> None:
    Band()
    Band(name="x", popularity=1, rating=None, facts={"a": 1})
    Band(manager=manager, studio=uuid.uuid4())
    Band(manager=1)
    Band(id=5)
    Band({Band.name: "x"}, _ignore_missing=True, _exists_in_db=False)
    Band(_data={"name": "x"})
    Band(**values)
    TourBand(name="x", tour="2024")
    Typed(name="x")


def invalid() -> None:
    Band(nme="x")  # type: ignore[call-arg]
    Band(name=123)  # type: ignore[arg-type]
    Band(popularity=None)  # type: ignore[arg-type]
    Band(manager="1")  # type: ignore[arg-type]
    Band(studio=None)  # type: ignore[arg-type]
    TourBand(tuor="2024")  # type: ignore[call-arg]


async def create() -> None:
    await Band.objects().create(name="x", manager=1)
    await Band.objects().create(nme="x")  # type: ignore[call-arg]
    await Band.objects().create(name=1)  # type: ignore[arg-type]
"""


def _check(folder: Path, plugin: bool) -> tuple[int, str]:
    (folder / "user.py").write_text(USER_FILE)
    config = folder / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n" + ("plugins = vivace.mypy\n" if plugin else ""))
    report, errors, status = mypy_api.run(
        [
            "--config-file",
            str(config),
            "--cache-dir",
            str(folder / ".mypy_cache"),
            "--no-error-summary",
            str(folder / "user.py"),
        ]
    )
    return status, report + errors


def test_the_plugin_checks_keywords_and_value_types(tmp_path: Path) -> None:
    status, report = _check(tmp_path, plugin=True)
    assert status == 0, report


def test_without_the_plugin_the_mistakes_pass(tmp_path: Path) -> None:
    status, report = _check(tmp_path, plugin=False)
    # All eight negative lines pass unseen: each of their ignores is unused.
    assert status == 1
    assert report.count('Unused "type: ignore" comment') == 8, report
