"""Piccolo's ``piccolo.apps.user.commands.change_password``: set a user's password.

Example::

    from vivace.apps.user.commands.change_password import change_password

    change_password()   # asks for the username and the new password (twice)
"""

from __future__ import annotations

import sys

from vivace.apps.user.commands.create import get_confirmed_password, get_password, get_username
from vivace.apps.user.commands.shared import UserCommandError, require_user_table
from vivace.auth import BaseUser

__all__ = ["change_password"]


def change_password(username: str | None = None, password: str | None = None) -> None:
    """Change a user's password; what is None is asked for on the terminal (the password
    twice, hidden: exits when the two differ). ``UserCommandError`` for an unknown user.

    Example: ``change_password("bob", "n3w-s3cret-pass")`` prints
    ``Updated the password of bob``.
    """
    require_user_table()
    username = get_username() if username is None else username
    if not BaseUser.exists().where(BaseUser.username == username).run_sync():
        raise UserCommandError(f"there is no user named {username!r}")
    if password is None:
        password = get_password()
        if password != get_confirmed_password():
            sys.exit("The passwords do not match")
    try:
        BaseUser.update_password_sync(username, password)
    except ValueError as error:
        raise UserCommandError(str(error)) from error
    print(f"Updated the password of {username}")
    print("If the user has sessions, end them so the old password stops working.")
