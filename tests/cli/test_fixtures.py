"""``fixtures dump`` / ``fixtures load``: round trips on SQLite and PostgreSQL, bad fixtures."""

from __future__ import annotations

import datetime
import decimal
import importlib
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_and_close as run
from tests.cli.conftest import run_cli, use_postgres_conf
from vivace.fixtures import FixtureError, read_rows
from vivace.fixtures import reader as reader_module

SHOP_TABLES = """
from vivace import Table
from vivace.columns import (
    JSON, UUID, Boolean, Bytea, Date, ForeignKey, Integer, Interval, Numeric, Real, Time,
    Timestamp, Timestamptz, Varchar,
)


class Customer(Table):
    name = Varchar(length=50)
    email = Varchar(length=100, unique=True)
    active = Boolean(default=True)
    joined = Date(null=True)
    opens = Time(null=True)
    key = UUID(null=True)
    photo = Bytea(null=True)


class Purchase(Table):
    customer = ForeignKey(Customer)
    total = Numeric(digits=(8, 2))
    placed = Timestamptz(null=True)
    noted = Timestamp(null=True)
    wait = Interval(null=True)
    meta = JSON(null=True)
    score = Real(null=True)
    quantity = Integer(default=1)
"""


def sample_rows(customer: Any, purchase: Any) -> tuple[list[Any], list[Any]]:
    customers = [
        customer(
            name=f"C{i}",
            email=f"c{i}@example.com",
            active=i % 2 == 0,
            joined=datetime.date(2026, 1, 1 + i),
            opens=datetime.time(9, i),
            key=uuid.UUID(int=i + 1),
            photo=bytes([i, 255, 0]),
        )
        for i in range(5)
    ]
    purchases = [
        purchase(
            customer=customers[i % 5],
            total=decimal.Decimal(f"{i}.25"),
            placed=datetime.datetime(2026, 2, 1, 12, i, tzinfo=datetime.UTC),
            noted=datetime.datetime(2026, 3, 1, 8, 30, i),
            wait=datetime.timedelta(minutes=i, seconds=30),
            meta=json.dumps({"gift": i % 2 == 1, "tags": ["a", i]}),
            score=i / 4,
            quantity=i,
        )
        for i in range(12)
    ]
    return customers, purchases


@pytest.fixture(params=["sqlite", "postgres"])
def shop(request: pytest.FixtureRequest, in_project: Path) -> Iterator[Any]:
    """A project with a ``shop`` app on SQLite or PostgreSQL; yields its tables module."""
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "shop", "--register") == 0
    (in_project / "shop" / "tables.py").write_text(SHOP_TABLES)
    if request.param == "postgres":
        use_postgres_conf(in_project, request.getfixturevalue("cli_pg_database"))
    importlib.invalidate_caches()
    tables = importlib.import_module("shop.tables")
    run(recreate(tables))
    yield tables
    run(drop(tables))


async def recreate(tables: Any) -> None:
    await drop(tables)
    await tables.Customer.create_table()
    await tables.Purchase.create_table()


async def drop(tables: Any) -> None:
    await tables.Purchase.alter().drop_table(if_exists=True)
    await tables.Customer.alter().drop_table(if_exists=True)


async def fill(tables: Any) -> None:
    customers, purchases = sample_rows(tables.Customer, tables.Purchase)
    await tables.Customer.insert(*customers)
    await tables.Purchase.insert(*purchases)


async def contents(tables: Any) -> list[list[dict[str, Any]]]:
    return [
        await table.select().order_by(table.id).output(load_json=True)
        for table in (tables.Customer, tables.Purchase)
    ]


def test_dump_then_load_into_an_empty_database_gives_equal_rows(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(fill(shop))
    before = run(contents(shop))
    assert run_cli("fixtures", "dump", "--output=all.json", "--batch_size=4") == 0
    assert "Dumped 17 rows" in capsys.readouterr().err
    run(recreate(shop))
    assert run_cli("fixtures", "load", "all.json", "--chunk_size=5") == 0
    assert capsys.readouterr().out == "shop.Customer: 5 rows\nshop.Purchase: 12 rows\n"
    assert run(contents(shop)) == before


def test_after_a_load_new_rows_get_keys_past_the_loaded_ones(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(fill(shop))
    assert run_cli("fixtures", "dump", "--tables=Customer", "--output=c.json") == 0
    run(recreate(shop))  # fresh tables: PostgreSQL's sequence starts again at 1
    assert run_cli("fixtures", "load", "c.json") == 0

    async def add_one() -> Any:
        new = shop.Customer(name="New", email="new@example.com")
        await new.save()  # without an id: the sequence was moved past the loaded 1..5
        return new.id

    assert run(add_one()) == 6


def test_a_bad_row_changes_nothing_and_is_named(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(fill(shop))
    assert run_cli("fixtures", "dump", "--apps=shop", "--output=all.json") == 0
    run(recreate(shop))
    capsys.readouterr()
    text = (in_project / "all.json").read_text()
    # The fourth customer gets the third one's email: a unique violation in the same chunk.
    (in_project / "bad.json").write_text(text.replace("c3@example.com", "c2@example.com"))
    assert run_cli("fixtures", "load", "bad.json", "--chunk_size=100") == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: shop.Customer row 3: ") and err.count("\n") == 1
    assert run(shop.Customer.count()) == 0
    # A bad value is caught before the database is asked.
    (in_project / "bad.json").write_text(text.replace('"2026-01-02"', '"yesterday"'))
    assert run_cli("fixtures", "load", "--path=bad.json") == 1
    assert "shop.Customer row 1, column joined: Invalid isoformat" in capsys.readouterr().err
    (in_project / "bad.json").write_text(text.replace('"active"', '"activ"', 1))
    assert run_cli("fixtures", "load", "bad.json") == 1
    assert "shop.Customer row 0: no column 'activ'" in capsys.readouterr().err
    assert run(shop.Customer.count()) == 0


def test_tables_listed_out_of_order_still_load(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(fill(shop))
    assert run_cli("fixtures", "dump", "--tables=Purchase", "--output=p.json") == 0
    assert run_cli("fixtures", "dump", "--tables=Customer", "--output=c.json") == 0
    purchases = json.loads((in_project / "p.json").read_text())["shop"]
    customers = json.loads((in_project / "c.json").read_text())["shop"]
    (in_project / "swapped.json").write_text(json.dumps({"shop": {**purchases, **customers}}))
    run(recreate(shop))
    assert run_cli("fixtures", "load", "swapped.json", "--chunk_size=3") == 0
    assert run(shop.Purchase.count()) == 12


def test_dump_to_stdout_and_option_mistakes(
    in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "shop", "--register") == 0
    capsys.readouterr()
    assert run_cli("fixtures", "dump", "--tables=Nope") == 2
    assert "Invalid value for --tables: no table 'Nope'" in capsys.readouterr().err
    assert run_cli("fixtures", "dump", "--apps=nope") == 1
    assert "no app called 'nope'" in capsys.readouterr().err
    assert run_cli("fixtures", "load") == 2
    assert run_cli("fixtures", "load", "missing.json") == 2
    (in_project / "empty.json").write_text("{}")
    assert run_cli("fixtures", "load", "empty.json", "--chunk_size=0") == 1
    assert run_cli("fixtures", "load", "empty.json") == 0
    (in_project / "other.json").write_text('{"music": {"Band": []}}')
    assert run_cli("fixtures", "load", "other.json") == 1
    assert "music.Band: no app called 'music'" in capsys.readouterr().err


def test_the_reader_streams_through_small_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "READ_SIZE", 3)
    text = '{"a": {"T": [{"x": 1}, {"x": "y,]}"}], "U": []}, "b": {}}'
    rows = list(read_rows(io.StringIO(text)))
    assert rows == [("a", "T", 0, {"x": 1}), ("a", "T", 1, {"x": "y,]}"})]
    for bad, message in [
        ('{"a": {"T": [1]}}', "a.T row 0: not an object"),
        ('{"a": {"T": [{"x": }]}}', "not valid JSON at character 14"),
        ('{"a": {}} x', "unexpected text after the fixture"),
        ('{"a"', "expected ':' at character 5, found the end of the file"),
        ("{1: {}}", "expected a name"),
    ]:
        with pytest.raises(FixtureError, match=message):
            list(read_rows(io.StringIO(bad)))
