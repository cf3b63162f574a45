"""``vivace user create|list|change_password|change_permissions`` on SQLite and PostgreSQL,
driven in-process; passwords typed at hidden prompts, twice."""

from __future__ import annotations

import importlib
import pathlib
import sys
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tests.conftest import pg_config
from vivace.auth import BaseUser, passwords
from vivace.cli import main
from vivace.cli.commands.user import group
from vivace.engine import Engine, PostgresEngine, SQLiteEngine, run_sync


@pytest.fixture(params=["sqlite", "postgres"])
def user_engine(
    request: pytest.FixtureRequest, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A project whose vivace_conf names a fresh engine; BaseUser's table is made in it."""
    if request.param == "postgres":
        request.getfixturevalue("postgres_db")  # the session's database exists (or skip)
        engine_code = f"PostgresEngine(config={pg_config()!r})"
    else:
        engine_code = f"SQLiteEngine(path={str(tmp_path / 'u.sqlite')!r})"
    source = f"from vivace.engine import PostgresEngine, SQLiteEngine\nDB = {engine_code}\n"
    module = f"user_cli_conf_{request.param}"
    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("VIVACE_CONF", module)
    importlib.invalidate_caches()
    monkeypatch.setattr(BaseUser._meta, "_db", None)  # found again, from this configuration
    # A cheap KDF cost keeps these tests quick (the real cost is checked in test_auth).
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1000)
    engine = BaseUser._meta.db
    assert isinstance(engine, PostgresEngine | SQLiteEngine)
    BaseUser.alter().drop_table(if_exists=True).run_sync()
    BaseUser.create_table().run_sync()
    yield engine
    BaseUser.alter().drop_table(if_exists=True).run_sync()
    run_sync(engine.close_connection_pool())
    sys.modules.pop(module, None)


def invoke(*args: str, typed: str = "") -> str:
    result = CliRunner().invoke(group, list(args), input=typed)
    assert result.exit_code == 0, result.output
    return result.output


def test_create_with_prompts_then_login(user_engine: Engine) -> None:
    out = invoke("create", typed="bob\nbob@example.com\nbob's secret\nbob's secret\ny\nn\ny\n")
    assert "Created user bob" in out
    assert "bob's secret" not in out  # hidden input
    row = BaseUser.select().first().run_sync()
    assert row is not None
    assert (row["username"], row["email"]) == ("bob", "bob@example.com")
    assert (row["admin"], row["superuser"], row["active"]) == (True, False, True)
    assert passwords.verify_password("bob's secret", row["password"])
    assert BaseUser.login_sync("bob", "bob's secret") == row["id"]


def test_list_change_password_and_permissions(
    user_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("carol", "alice"):
        invoke(
            "create",
            f"--username={name}",
            f"--email={name}@example.com",
            f"--password={name}-password",
            "--is_admin=n",
            "--is_superuser=n",
            "--is_active=yes",
        )
    assert main(["user", "list"]) == 0  # through the command line's registry
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["username", "email", "active", "admin", "superuser", "last_login"]
    assert [line.split()[0] for line in lines[1:]] == ["alice", "carol"]
    assert "password" not in "".join(lines[1:])
    newest_first = invoke("list", "--order_by=-username", "--limit=1")
    assert newest_first.splitlines()[1].startswith("carol")
    assert len(invoke("list", "--page=2", "--limit=1").splitlines()) == 2

    out = invoke("change_password", "alice", typed="alice's new one\nalice's new one\n")
    assert "Updated the password of alice" in out
    assert BaseUser.login_sync("alice", "alice's new one") is not None
    assert BaseUser.login_sync("alice", "alice-password") is None

    out = invoke("change_permissions", "alice", "--admin=true", "--active=false")
    assert "admin=True" in out and "active=False" in out
    row = BaseUser.select().where(BaseUser.username == "alice").first().run_sync()
    assert row is not None and (row["admin"], row["active"], row["superuser"]) == (
        True,
        False,
        False,
    )
    assert "No changes" in invoke("change_permissions", "alice")


def test_refusals(user_engine: Engine) -> None:
    runner = CliRunner()
    short = runner.invoke(
        group,
        [
            "create",
            "--username=dan",
            "--email=d@example.com",
            "--password=short",
            "--is_admin=n",
            "--is_superuser=n",
            "--is_active=n",
        ],
    )
    assert short.exit_code == 1 and "too short" in short.output
    missing = runner.invoke(group, ["change_password", "nobody", "--password=whatever1"])
    assert missing.exit_code == 1 and "no user named 'nobody'" in missing.output
    assert runner.invoke(group, ["change_permissions", "nobody"]).exit_code == 1
    invoke(
        "create",
        "--username=dan",
        "--email=d@example.com",
        "--password=long enough",
        "--is_admin=n",
        "--is_superuser=n",
        "--is_active=n",
    )
    weak = runner.invoke(group, ["change_password", "dan"], input="tiny\ntiny\n")
    assert weak.exit_code == 1 and "too short" in weak.output
    assert runner.invoke(group, ["list", "--order_by=password"]).exit_code == 2
    assert runner.invoke(group, ["list", "--page=0"]).exit_code == 2
    assert BaseUser.count().run_sync() == 1


def test_a_missing_user_table_says_how_to_make_it(user_engine: Engine) -> None:
    BaseUser.alter().drop_table().run_sync()
    for args in (["create", "--username=bob"], ["list"], ["change_permissions", "bob"]):
        result = CliRunner().invoke(group, args, input="")
        assert result.exit_code == 1, result.output
        assert "the table piccolo_user does not exist" in result.output, result.output
        assert '"vivace.apps.user.vivace_app"' in result.output
        assert "`vivace migrations forwards user`" in result.output


def test_a_taken_username_is_named(user_engine: Engine) -> None:
    flags = ["--email=bob@example.com", "--password=bob-password", "--is_admin=n"]
    flags += ["--is_superuser=n", "--is_active=y"]
    invoke("create", "--username=bob", *flags)
    result = CliRunner().invoke(group, ["create", "--username=bob", *flags])
    assert result.exit_code == 1, result.output
    assert "a user with the username 'bob' or the email 'bob@example.com' already exists" in (
        result.output
    )
    assert BaseUser.count().run_sync() == 1
