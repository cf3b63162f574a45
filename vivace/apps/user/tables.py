"""Piccolo's import path ``piccolo.apps.user.tables``: the user table and its ``logger``.

``BaseUser`` logs its warnings ("Excessively long password provided.", "Tried to create a
user with an already hashed password.", ...) through ``logger``, the logger named
``vivace.apps.user.tables``. Replacing this module's ``logger`` (as Piccolo's tests do with
``unittest.mock.patch``) replaces the one ``BaseUser`` uses, though ``BaseUser`` lives in
``vivace.auth``.

Example::

    from unittest.mock import patch

    from vivace.apps.user.tables import BaseUser

    with patch("vivace.apps.user.tables.logger") as logger:
        await BaseUser.login("bob", "x" * 1000)  # None
    logger.method_calls  # [call.warning("Excessively long password provided.")]
"""

import sys
import types
from typing import Any

from vivace.auth import BaseUser
from vivace.auth import user as _user
from vivace.auth.user import logger

__all__ = [
    "BaseUser",
    "logger",
]


class _TablesModule(types.ModuleType):
    """This module, passing a new ``logger`` on to ``vivace.auth.user``, where ``BaseUser``
    reads it."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "logger":
            _user.logger = value


sys.modules[__name__].__class__ = _TablesModule
