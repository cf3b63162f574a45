"""``BaseUser`` logs its warnings through ``vivace.apps.user.tables.logger``, the name
Piccolo's tests patch (``patch("piccolo.apps.user.tables.logger")``): replacing it there
replaces the logger ``BaseUser`` uses, and putting it back restores the real one."""

from __future__ import annotations

import logging
from unittest.mock import MagicMock, call, patch

import pytest

import vivace.apps.user.tables as user_tables
from tests.conftest import UseTables
from vivace.auth import BaseUser
from vivace.auth import user as auth_user
from vivace.engine import Engine


class LoggedUser(BaseUser, tablename="logged_user"):
    _pbkdf2_iteration_count = 1000  # cheap: the cost is not what is tested here


async def test_patched_logger_gets_the_warnings(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, LoggedUser)
    user = await LoggedUser.create_user("bob", "Bob123$$$", email="bob@example.com")
    with patch("vivace.apps.user.tables.logger") as logger:
        assert await LoggedUser.login("bob", "Bob123$$$") == user.id
        assert await LoggedUser.login("bob", "wrong password") is None
        assert logger.method_calls == []

        assert await LoggedUser.login("bob", "x" * 1000) is None
        assert logger.method_calls == [call.warning("Excessively long password provided.")]

        logger.reset_mock()
        assert await LoggedUser.login("b" * 1000, "Bob123$$$") is None
        assert logger.method_calls == [call.warning("Excessively long username provided.")]

        logger.reset_mock()
        with pytest.raises(ValueError, match=r"^Do not pass a hashed password\.$"):
            await LoggedUser.create_user("alice", "pbkdf2_sha256$10000", email="a@example.com")
        assert logger.method_calls == [
            call.warning("Tried to create a user with an already hashed password.")
        ]
        assert await LoggedUser.count() == 1  # nothing was saved for alice


def test_the_logger_comes_back_after_the_patch(caplog: pytest.LogCaptureFixture) -> None:
    real = user_tables.logger
    assert real is logging.getLogger("vivace.apps.user.tables") is auth_user.logger
    mock = MagicMock()
    with patch.object(user_tables, "logger", mock):
        assert auth_user.logger is mock
        with pytest.raises(ValueError):
            BaseUser.hash_password("x" * 1000)
    assert mock.method_calls == [call.warning("Excessively long password provided.")]
    assert user_tables.logger is real and auth_user.logger is real
    with (
        caplog.at_level(logging.WARNING, logger="vivace.apps.user.tables"),
        pytest.raises(ValueError),
    ):
        BaseUser.hash_password("x" * 1000)
    assert caplog.messages == ["Excessively long password provided."]
