"""Piccolo's ``piccolo.apps.user.commands.create``: create a user, asking on the terminal
for what is not given.

Example::

    from vivace.apps.user.commands.create import create

    create(username="bob", email="bob@example.com", password="s3cret-pass",
           is_admin=False, is_superuser=False, is_active=True)
"""

from __future__ import annotations

import getpass
import sys

from vivace.apps.user.commands.shared import create_user, require_user_table

__all__ = [
    "ask_yes_no",
    "create",
    "get_confirmed_password",
    "get_email",
    "get_password",
    "get_username",
]


def get_username() -> str:
    """Ask for a username; an empty answer is the login name of whoever runs this.

    Example: ``get_username()`` -> ``"bob"`` after typing bob.
    """
    default = getpass.getuser()
    return input(f"Username (default {default}):\n").strip() or default


def get_email() -> str:
    """Ask for an email address.

    Example: ``get_email()`` -> ``"bob@example.com"``.
    """
    return input("Email:\n").strip()


def get_password() -> str:
    """Ask for a password, not echoed.

    Example: ``get_password()`` -> what was typed.
    """
    return getpass.getpass("Password:\n")


def get_confirmed_password() -> str:
    """Ask for the password again, not echoed.

    Example: ``get_password() == get_confirmed_password()`` when both were typed alike.
    """
    return getpass.getpass("Repeat the password:\n")


def ask_yes_no(question: str) -> bool:
    """Ask until the answer is y or n.

    Example: ``ask_yes_no("Active?")`` -> ``True`` after typing y.
    """
    while True:
        answer = input(f"{question} (y/n):\n").strip().lower()
        if answer in ("y", "n"):
            return answer == "y"
        print("Please answer y or n")


def create(
    username: str | None = None,
    email: str | None = None,
    password: str | None = None,
    is_admin: bool | None = None,
    is_superuser: bool | None = None,
    is_active: bool | None = None,
) -> None:
    """Create a user in ``piccolo_user``; what is None is asked for on the terminal (the
    password twice, hidden: exits when the two differ). Prints the new user's id.

    Example: ``create("bob", "bob@example.com", "s3cret-pass", False, False, True)`` prints
    ``Created user bob (id 1)``.
    """
    require_user_table()
    username = get_username() if username is None else username
    email = get_email() if email is None else email
    if password is None:
        password = get_password()
        if password != get_confirmed_password():
            sys.exit("The passwords do not match")
    admin = ask_yes_no("Admin user?") if is_admin is None else is_admin
    superuser = ask_yes_no("Superuser?") if is_superuser is None else is_superuser
    active = ask_yes_no("Active?") if is_active is None else is_active
    user = create_user(username, password, email, admin=admin, superuser=superuser, active=active)
    print(f"Created user {username} (id {user._pk_value()})")
