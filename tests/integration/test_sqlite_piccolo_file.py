"""A SQLite file Piccolo wrote, with an ``Interval`` column (declared ``SECONDS``, holding
seconds): Vivace warns once when it opens the file, and the conversion docs/piccolo.md
gives makes the column read right and the warning go."""

from __future__ import annotations

import datetime
import sqlite3
import warnings
from pathlib import Path

import pytest

from vivace import Table
from vivace.columns import Interval, Varchar
from vivace.engine import SQLiteEngine
from vivace.engine.sqlite_piccolo_files import PiccoloIntervalWarning

#: docs/piccolo.md's conversion of one such column (SQLite 3.35+ for DROP COLUMN).
CONVERSION = [
    'ALTER TABLE "gap_band" RENAME COLUMN "gap" TO "gap_seconds"',
    'ALTER TABLE "gap_band" ADD COLUMN "gap" INTERVAL NOT NULL DEFAULT 0',
    'UPDATE "gap_band" SET "gap" = CAST(ROUND("gap_seconds" * 1000000) AS INTEGER)',
    'ALTER TABLE "gap_band" DROP COLUMN "gap_seconds"',
]


def piccolo_file(path: Path) -> None:
    """The table as Piccolo 1.x's SQLite engine makes and fills it."""
    raw = sqlite3.connect(path)
    raw.execute(
        'CREATE TABLE "gap_band" ("id" INTEGER PRIMARY KEY, "name" VARCHAR(50) NOT NULL, '
        '"gap" SECONDS NOT NULL DEFAULT 0)'
    )
    raw.executemany(
        'INSERT INTO "gap_band" ("name", "gap") VALUES (?, ?)', [("a", 7200.0), ("b", 1.5)]
    )
    raw.commit()
    raw.close()


async def test_piccolo_intervals_warned_then_converted(tmp_path: Path) -> None:
    path = tmp_path / "piccolo.sqlite"
    piccolo_file(path)
    engine = SQLiteEngine(path=str(path))

    class GapBand(Table, db=engine, tablename="gap_band"):
        name = Varchar(length=50)
        gap = Interval()

    try:
        with pytest.warns(PiccoloIntervalWarning, match='"gap_band"."gap" declared SECONDS'):
            await GapBand.select(GapBand.name)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # once per engine
            async with engine.transaction():
                for sql in CONVERSION:
                    await engine.fetch_sql(sql)
            rows = await GapBand.select(GapBand.name, GapBand.gap).order_by(GapBand.name)
        assert rows == [
            {"name": "a", "gap": datetime.timedelta(hours=2)},
            {"name": "b", "gap": datetime.timedelta(seconds=1.5)},
        ]
    finally:
        await engine.close_connection_pool()
    converted = SQLiteEngine(path=str(path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the file is Vivace's now: no warning
            assert await converted.fetch_sql('SELECT count(*) AS n FROM "gap_band"') == [{"n": 2}]
    finally:
        await converted.close_connection_pool()
