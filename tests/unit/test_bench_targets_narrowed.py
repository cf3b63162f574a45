"""A run narrowed with ``--only`` reports the targets it cannot judge as not run, instead of
ending in a ``KeyError`` after all its measurements (``--only vivace`` on SQLite: the
``vs aiosqlite`` target had no value)."""

from __future__ import annotations

from benchmarks.report import check_targets, targets_text


def _backend(contenders: dict[str, float]) -> dict[str, object]:
    cells = {
        name: {"status": "ok", "median": qps, "ratio": 1.0} for name, qps in contenders.items()
    }
    return {
        "ops": {"concurrent": cells, "concurrent_uvloop": cells},
        "contenders": [{"name": name, "role": "floor"} for name in contenders],
    }


def test_a_target_against_a_contender_left_out_is_unknown() -> None:
    rows = check_targets("sqlite", _backend({"sqlite3": 90_000.0, "vivace": 30_000.0}))
    versus = [row for row in rows if "aiosqlite" in row["target"]]
    assert versus and all(row["holds"] is None for row in versus)
    assert all(row["value"] == "aiosqlite not run" for row in versus)
    assert "aiosqlite not run" in targets_text(rows)


def test_a_target_against_a_contender_run_is_judged() -> None:
    backend = _backend({"sqlite3": 90_000.0, "vivace": 30_000.0, "aiosqlite": 2_000.0})
    versus = [row for row in check_targets("sqlite", backend) if "aiosqlite" in row["target"]]
    assert versus and all(row["holds"] is True for row in versus)
    assert all(row["value"] == "15.0x aiosqlite's" for row in versus)
