"""Piccolo's command modules called from Python (``piccolo.apps.*.commands.*``,
``piccolo.main``) under ``vivace.apps...``: real projects on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import builtins
import getpass
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import vivace
from tests.cli.conftest import run_and_close as run
from tests.cli.conftest import run_cli, use_postgres_conf
from vivace.apps.fixtures.commands.dump import (
    FixtureConfig,
    dump,
    dump_to_json_string,
    get_dump,
    parse_args,
)
from vivace.apps.fixtures.commands.load import load, load_json_string
from vivace.apps.meta.commands.version import version
from vivace.apps.migrations.commands.check import check
from vivace.apps.migrations.commands.clean import clean
from vivace.apps.migrations.commands.forwards import forwards
from vivace.apps.migrations.commands.new import new
from vivace.apps.schema.commands.generate import OutputSchema, get_output_schema
from vivace.apps.tester.commands import run as tester_commands
from vivace.apps.user.commands.change_password import change_password
from vivace.apps.user.commands.change_permissions import change_permissions
from vivace.apps.user.commands.create import create
from vivace.apps.user.commands.list import list_users
from vivace.apps.user.commands.shared import UserCommandError
from vivace.auth import BaseUser
from vivace.exceptions import ConfigurationError
from vivace.query.methods.insert import OnConflictAction

SHOP_TABLES = """
from vivace import Table
from vivace.columns import ForeignKey, Integer, Varchar


class Customer(Table):
    name = Varchar(length=50)


class Purchase(Table):
    customer = ForeignKey(Customer)
    quantity = Integer(default=1)
"""


@pytest.fixture(params=["sqlite", "postgres"])
def shop(request: pytest.FixtureRequest, in_project: Path) -> Iterator[Any]:
    """A project with a ``shop`` app (no tables created yet); yields its tables module."""
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "shop", "--register") == 0
    (in_project / "shop" / "tables.py").write_text(SHOP_TABLES)
    if request.param == "postgres":
        use_postgres_conf(in_project, request.getfixturevalue("cli_pg_database"))
    importlib.invalidate_caches()
    tables = importlib.import_module("shop.tables")
    run(_drop_all())
    yield tables
    run(_drop_all())


async def _drop_all() -> None:
    db = importlib.import_module("vivace_conf").DB
    for table in ("purchase", "customer", "migration", "piccolo_user"):
        await db.fetch_sql(f"DROP TABLE IF EXISTS {table}")


async def create_tables(tables: Any) -> None:
    await tables.Customer.create_table()
    await tables.Purchase.create_table()


async def fill(tables: Any) -> None:
    customers = [tables.Customer(name=f"C{i}") for i in range(3)]
    await tables.Customer.insert(*customers)
    await tables.Purchase.insert(
        *[tables.Purchase(customer=customers[i % 3], quantity=i) for i in range(5)]
    )


async def contents(tables: Any) -> list[list[dict[str, Any]]]:
    return [await table.select().order_by(table.id) for table in (tables.Customer, tables.Purchase)]


def test_new_check_forwards_clean(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = in_project / "shop" / "migrations"
    before = set(folder.glob("shop_*.py"))
    run(new("shop", auto=True, desc="first", auto_input="y"))
    written = set(folder.glob("shop_*.py")) - before
    assert len(written) == 1
    (path,) = written
    assert "Customer" in path.read_text() and "first" in path.read_text()
    migration_id = path.read_text().split("ID = ", 1)[1].split("\n", 1)[0].strip("'\"")

    capsys.readouterr()
    run(check("shop"))
    line = next(x for x in capsys.readouterr().out.splitlines() if migration_id in x)
    assert " no " in line

    run(forwards("shop"))
    run(check())  # "all"
    line = next(x for x in capsys.readouterr().out.splitlines() if migration_id in x)
    assert " yes " in line
    assert run(shop.Customer.count()) == 0  # the table exists now

    # Nothing changed since: a second auto migration writes nothing.
    run(new("shop", auto=True))
    assert set(folder.glob("shop_*.py")) - before == written

    path.unlink()
    run(clean("shop", auto_agree=True))
    assert "forgot 1 migration(s)" in capsys.readouterr().out
    run(check("shop"))
    assert migration_id not in capsys.readouterr().out


def test_forwards_exits_with_1_on_failure(shop: Any) -> None:
    with pytest.raises(SystemExit) as raised:
        run(forwards("no_such_app"))
    assert raised.value.code == 1


def test_migrations_app_config_lists_piccolo_commands() -> None:
    from vivace.apps.migrations.piccolo_app import APP_CONFIG

    assert APP_CONFIG.app_name == "migrations"
    names = {command.name: command.aliases for command in APP_CONFIG.get_commands()}
    assert set(names) == {"backwards", "check", "clean", "forwards", "new"}
    assert "b" in names["backwards"] and "f" in names["forwards"]


def test_dump_to_json_string_and_load_json_string_round_trip(
    shop: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run(create_tables(shop))
    run(fill(shop))
    before = run(contents(shop))
    configs = [FixtureConfig(app_name="shop", table_class_names=["Purchase", "Customer"])]
    text = run(dump_to_json_string(configs))
    parsed = json.loads(text)
    assert list(parsed["shop"]) == ["Customer", "Purchase"]  # referenced table first
    assert parsed["shop"]["Customer"][0] == {"id": 1, "name": "C0"}
    assert run(get_dump(configs))["shop"]["Purchase"] == before[1]

    run(shop.Purchase.delete(force=True))
    run(shop.Customer.delete(force=True))
    run(load_json_string(text, chunk_size=2))
    assert run(contents(shop)) == before

    # Upserts: an existing key is overwritten (DO UPDATE) or skipped (DO NOTHING).
    changed = text.replace('"C0"', '"Renamed"')
    run(load_json_string(changed, on_conflict_action=OnConflictAction.do_nothing))
    assert run(shop.Customer.select(shop.Customer.name).where(shop.Customer.id == 1)) == [
        {"name": "C0"}
    ]
    run(load_json_string(changed, on_conflict_action=OnConflictAction.do_update))
    assert run(shop.Customer.count()) == 3
    assert run(shop.Customer.select(shop.Customer.name).where(shop.Customer.id == 1)) == [
        {"name": "Renamed"}
    ]


def test_dump_prints_and_load_reads_a_file(
    shop: Any, in_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(create_tables(shop))
    run(fill(shop))
    before = run(contents(shop))
    assert parse_args("shop", "Customer") == [FixtureConfig("shop", ["Customer"])]
    capsys.readouterr()
    run(dump(apps="shop"))
    (in_project / "fixture.json").write_text(capsys.readouterr().out)
    # The file is the command line's format: `vivace fixtures load` reads it as well.
    assert json.loads((in_project / "fixture.json").read_text())["shop"]["Purchase"]
    run(shop.Purchase.delete(force=True))
    run(shop.Customer.delete(force=True))
    run(load())  # path="fixture.json"
    assert run(contents(shop)) == before
    run(load(path="fixture.json", on_conflict="do update"))  # type: ignore[arg-type]
    assert run(contents(shop)) == before
    with pytest.raises(SystemExit):
        run(load(on_conflict="DO SOMETHING"))  # type: ignore[arg-type]


@pytest.fixture
def users(shop: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The project's engine with the ``piccolo_user`` table (a cheap password hash)."""
    monkeypatch.setattr(BaseUser._meta, "_db", None)  # found again, from this project
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1000)
    BaseUser.create_table().run_sync()
    yield
    asyncio.run(importlib.import_module("vivace_conf").DB.close_connection_pool())


def test_user_create_change_password_and_permissions(
    users: None, capsys: pytest.CaptureFixture[str]
) -> None:
    create(
        username="bob",
        email="bob@example.com",
        password="bob's secret",
        is_admin=True,
        is_superuser=False,
        is_active=True,
    )
    assert "Created user bob" in capsys.readouterr().out
    row = BaseUser.select().where(BaseUser.username == "bob").first().run_sync()
    assert row is not None
    assert (row["admin"], row["superuser"], row["active"]) == (True, False, True)
    assert BaseUser.login_sync("bob", "bob's secret") == row["id"]
    with pytest.raises(UserCommandError, match="already exists"):
        create("bob", "other@example.com", "x" * 12, False, False, True)

    change_password("bob", "a new secret")
    assert BaseUser.login_sync("bob", "a new secret") == row["id"]
    with pytest.raises(UserCommandError, match="no user named"):
        change_password("nobody", "whatever123")

    capsys.readouterr()
    run(change_permissions("bob", superuser=True, active=False))
    assert capsys.readouterr().out == "Updated bob: superuser=True, active=False\n"
    flags = BaseUser.select(BaseUser.superuser, BaseUser.active).first().run_sync()
    assert flags == {"superuser": True, "active": False}
    run(change_permissions("nobody", admin=True))
    assert "no user named 'nobody'" in capsys.readouterr().out

    run(list_users())
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["username", "email", "active", "admin", "superuser", "last_login"]
    assert lines[1].split()[:2] == ["bob", "bob@example.com"]
    run(list_users(page=2))
    assert capsys.readouterr().out == "No data\n"
    with pytest.raises(ValueError, match="order_by"):
        run(list_users(order_by="-password"))
    with pytest.raises(ValueError, match="page"):
        run(list_users(page=0))


def test_user_create_asks_for_what_is_missing(
    users: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["carol", "carol@example.com", "maybe", "y", "n", "y"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "carol's secret")
    create()
    out = capsys.readouterr().out
    assert "Created user carol" in out and "Please answer y or n" in out
    row = BaseUser.select().where(BaseUser.username == "carol").first().run_sync()
    assert row is not None and row["email"] == "carol@example.com"
    assert (row["admin"], row["superuser"], row["active"]) == (True, False, True)

    typed = iter(["one password", "another one"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    with pytest.raises(SystemExit):
        create("dave", "dave@example.com", None, False, False, True)


def test_get_output_schema_reflects_tables(shop: Any) -> None:
    run(create_tables(shop))
    run(fill(shop))
    db = importlib.import_module("vivace_conf").DB

    async def reflect() -> tuple[OutputSchema, list[dict[str, Any]]]:
        output = await get_output_schema(engine=db)
        purchase = output.get_table_with_name("purchase")
        assert purchase is not None
        rows = await purchase.select(purchase.quantity).order_by(purchase.id)  # type: ignore[attr-defined]
        return output, rows

    output, rows = run(reflect())
    assert [t._meta.tablename for t in output.tables] == ["customer", "purchase"]
    assert output.get_table_with_name("Customer") is output.tables[0]
    assert output.get_table_with_name("missing") is None
    assert any("Table" in line for line in output.imports)
    assert rows == [{"quantity": i} for i in range(5)]

    only = run(get_output_schema(include=["customer"], engine=db))
    assert [t._meta.tablename for t in only.tables] == ["customer"]
    without = run(get_output_schema(exclude=["customer"]))  # the configured DB
    assert [t._meta.tablename for t in without.tables] == ["purchase"]


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    version()
    assert capsys.readouterr().out == f"{vivace.__version__}\n"


def test_tester_run_runs_pytest_with_the_configuration(in_project: Path) -> None:
    (in_project / "conf_for_tests.py").write_text("DB = None\n")
    (in_project / "test_conf.py").write_text(
        "import os\n\ndef test_conf():\n    assert os.environ['VIVACE_CONF'] == 'conf_for_tests'\n"
    )
    with pytest.raises(SystemExit) as raised:
        tester_commands.run(
            pytest_args="-q -p no:cacheprovider test_conf.py", piccolo_conf="conf_for_tests"
        )
    assert raised.value.code == 0
    with pytest.raises(ConfigurationError, match="no module nowhere_conf"):
        tester_commands.run(piccolo_conf="nowhere_conf")


def test_python_m_vivace_main(tmp_path: Path) -> None:
    environment = {**os.environ}
    environment.pop("VIVACE_CONF", None)
    for argv, expected in ((["--help"], "migrations"), (["meta", "version"], vivace.__version__)):
        done = subprocess.run(
            [sys.executable, "-m", "vivace.main", *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environment,
        )
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout
    failed = subprocess.run(
        [sys.executable, "-m", "vivace.main", "no_such_group"], capture_output=True, cwd=tmp_path
    )
    assert failed.returncode == 2
