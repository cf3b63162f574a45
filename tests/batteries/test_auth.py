"""``BaseUser`` and its password hashing: RFC 7914's PBKDF2-HMAC-SHA256 test vectors,
Piccolo's stored format, login, re-hashing when the cost changes, and the limits; on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import pathlib

import pytest

from tests.conftest import UseTables
from vivace import create_table_class
from vivace.apps.user.tables import BaseUser as PiccoloPathBaseUser
from vivace.auth import BaseUser, passwords
from vivace.engine import Engine, SQLiteEngine, run_sync

# RFC 7914, section 11: PBKDF2-HMAC-SHA-256 with dkLen 64. A 32-byte key (what is
# stored) is the first half: PBKDF2 makes its output block by block.
RFC_7914_VECTORS = [
    (
        "passwd",
        "salt",
        1,
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    ),
    (
        "Password",
        "NaCl",
        80000,
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
    ),
]


class FastUser(BaseUser, tablename="fast_user"):
    """A cheap cost for the tests that log in many times (the cost is checked below)."""

    _pbkdf2_iteration_count = 1000


@pytest.mark.parametrize(("password", "salt", "iterations", "expected"), RFC_7914_VECTORS)
def test_rfc_7914_vectors(password: str, salt: str, iterations: int, expected: str) -> None:
    assert passwords.pbkdf2_hex(password, salt, iterations) == expected[:64]
    stored = BaseUser.hash_password(password, salt=salt, iterations=iterations)
    assert stored == f"pbkdf2_sha256${iterations}${salt}${expected[:64]}"
    assert passwords.verify_password(password, stored)
    assert not passwords.verify_password(password + "x", stored)


def test_default_cost_and_format() -> None:
    stored = BaseUser.hash_password("correct horse")
    algorithm, iterations, salt, digest = BaseUser.split_stored_password(stored)
    assert (algorithm, iterations) == ("pbkdf2_sha256", "600000")
    assert len(salt) == 32 and len(digest) == 64
    assert BaseUser.hash_password("correct horse") != stored  # a new salt each time
    assert PiccoloPathBaseUser is BaseUser


def test_malformed_or_costly_stored_values_never_match() -> None:
    for stored in [
        "",
        "plain",
        "md5$1$salt$abc",
        "pbkdf2_sha256$x$salt$abc",
        f"pbkdf2_sha256${passwords.MAX_ITERATIONS + 1}$salt$abc",
    ]:
        assert not passwords.verify_password("whatever", stored)
    assert not passwords.verify_password("x" * 129, BaseUser.hash_password("short1", "s", 1))
    with pytest.raises(ValueError, match="split"):
        BaseUser.split_stored_password("a$b")
    with pytest.raises(ValueError, match="salt"):
        passwords.hash_password("secret", salt="a$b")
    with pytest.raises(ValueError, match="too long"):
        BaseUser.hash_password("x" * 129)


def test_passwords_are_hashed_when_given() -> None:
    user = FastUser(username="bob", password="plain words")
    assert passwords.is_stored_hash(user.password)
    assert passwords.verify_password("plain words", user.password)
    user.password = "new words!"
    assert passwords.verify_password("new words!", user.password)
    kept = user.password
    user.password = kept  # a stored hash is kept as it is
    assert user.password == kept
    from_data = FastUser({FastUser.password: "from a dict"})
    assert passwords.verify_password("from a dict", from_data.password)


async def test_create_login_update(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, FastUser)
    user = await FastUser.create_user("bob", "bob's password", email="bob@example.com")
    row = await FastUser.select().first()
    assert row is not None and row["password"] != "bob's password"
    assert row["username"] == "bob" and row["active"] is False and row["last_login"] is None

    assert await FastUser.login("bob", "bob's password") == user.id
    logged = await FastUser.select(FastUser.last_login).first()
    assert logged is not None and isinstance(logged["last_login"], datetime.datetime)
    assert await FastUser.login("bob", "wrong password") is None
    assert await FastUser.login("nobody", "bob's password") is None
    assert await FastUser.login("bob", "x" * 1000) is None
    assert await FastUser.login("b" * 1000, "bob's password") is None

    await FastUser.update_password("bob", "second password")
    assert await FastUser.login("bob", "bob's password") is None
    assert await FastUser.login("bob", "second password") == user.id
    await FastUser.update_password(user.id, "third password")
    assert await FastUser.login("bob", "third password") == user.id


async def test_login_rehashes_when_the_cost_changes(
    db: Engine, use_tables: UseTables, monkeypatch: pytest.MonkeyPatch
) -> None:
    await use_tables(db, FastUser)
    await FastUser.create_user("ann", "ann's password", email="ann@example.com")
    before = await FastUser.select(FastUser.password).first()
    assert before is not None and before["password"].startswith("pbkdf2_sha256$1000$")

    monkeypatch.setattr(FastUser, "_pbkdf2_iteration_count", 1500)
    assert await FastUser.login("ann", "ann's password") is not None
    after = await FastUser.select(FastUser.password).first()
    assert after is not None and after["password"].startswith("pbkdf2_sha256$1500$")
    assert passwords.verify_password("ann's password", after["password"])
    # Same cost: the stored hash is left alone.
    assert await FastUser.login("ann", "ann's password") is not None
    again = await FastUser.select(FastUser.password).first()
    assert again == after


async def test_refused_inputs(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, FastUser)
    cases = [
        ("", "good password", "username must be provided"),
        ("bob", "", "password must be provided"),
        ("bob", "short", r"^The password is too short\. \(min 6\)$"),  # Piccolo's messages
        ("bob", "x" * 129, r"^The password is too long\. \(max 128\)$"),
        ("bob", BaseUser.hash_password("looks hashed", "s", 1), "^Do not pass a hashed password"),
    ]
    for username, password, message in cases:
        with pytest.raises(ValueError, match=message):
            await FastUser.create_user(username, password)
    with pytest.raises(ValueError, match="user id, or a username"):
        await FastUser.update_password(1.5, "good password")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="too short"):
        await FastUser.update_password("bob", "tiny")
    assert await FastUser.count() == 0


class RoomyUser(FastUser, tablename="roomy_user"):
    # Piccolo: a subclass sets its own password limits.
    _min_password_length = 3
    _max_password_length = 256


async def test_a_subclass_sets_its_own_password_limits(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, RoomyUser)
    long_one = "y" * 200
    user = await RoomyUser.create_user("bea", long_one, email="bea@example.com")
    assert await RoomyUser.login("bea", long_one) == user.id
    await RoomyUser.create_user("cy", "abcd", email="cy@example.com")
    with pytest.raises(ValueError, match=r"^The password is too short\. \(min 3\)$"):
        await RoomyUser.create_user("di", "ab")
    with pytest.raises(ValueError, match=r"^The password is too long\. \(max 256\)$"):
        await RoomyUser.update_password("bea", "z" * 257)
    assert await RoomyUser.login("bea", "z" * 257) is None


def test_sync_forms(tmp_path: pathlib.Path) -> None:
    engine = SQLiteEngine(path=str(tmp_path / "users.sqlite"))
    user_table = create_table_class(
        "SyncUser", bases=(FastUser,), class_kwargs={"db": engine, "tablename": "sync_user"}
    )
    user_table.create_table().run_sync()
    user = user_table.create_user_sync("cy", "cy's password", email="cy@example.com")
    assert user_table.login_sync("cy", "cy's password") == user.id
    user_table.update_password_sync("cy", "cy's new password")
    assert user_table.login_sync("cy", "cy's new password") == user.id
    run_sync(engine.close_connection_pool())
