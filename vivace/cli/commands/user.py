"""``vivace user``: create and manage the users of ``BaseUser`` (the ``piccolo_user`` table).

Passwords are asked for with hidden input, twice; they never appear on the command line
unless given with ``--password`` (for scripts).

Example::

    $ vivace user create --username=bob --email=bob@example.com --is_admin=y
    Password:
    Repeat for confirmation:
    Created user bob (id 1)
    $ vivace user change_permissions bob --superuser=true
    $ vivace user list
"""

from __future__ import annotations

from typing import Any

import click

from vivace.apps.user.commands.list import get_users, table_lines
from vivace.apps.user.commands.shared import (
    UserCommandError,
    create_user,
    require_user_table,
    update_permissions,
)
from vivace.auth import BaseUser
from vivace.cli.group import VivaceGroup
from vivace.engine import run_sync


@click.group(name="user", cls=VivaceGroup)
def group() -> None:
    """Create users, list them, change their passwords and permissions.

    \b
    Example:
        vivace user create
        vivace user change_password bob
    """


def _ask_password(password: str | None) -> str:
    if password is not None:
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _ask_flag(value: bool | None, question: str) -> bool:
    return value if value is not None else click.confirm(question, default=False)


def _require_table() -> None:
    try:
        require_user_table()
    except UserCommandError as error:
        raise click.ClickException(str(error)) from error


def _find(username: str) -> Any:
    user = BaseUser.objects().get(BaseUser.username == username).run_sync()
    if user is None:
        raise click.ClickException(f"there is no user named {username!r}")
    return user


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.lower() in {"y", "yes", "true", "t", "1"}


BOOL = click.Choice(["y", "n", "yes", "no", "true", "false", "t", "f", "1", "0"], False)


@group.command(name="create")
@click.option("--username", help="The user's name (asked for when missing).")
@click.option("--email", help="The user's email address (asked for when missing).")
@click.option("--password", help="For scripts only: otherwise it is asked for, hidden.")
@click.option("--is_admin", "--is-admin", type=BOOL, help="Can use the admin interface.")
@click.option("--is_superuser", "--is-superuser", type=BOOL, help="Can manage other users.")
@click.option("--is_active", "--is-active", type=BOOL, help="Can log in.")
def create(
    username: str | None,
    email: str | None,
    password: str | None,
    is_admin: str | None,
    is_superuser: str | None,
    is_active: str | None,
) -> None:
    """Create a user.

    \b
    Example:
        vivace user create --username=bob --email=bob@example.com
    """
    _require_table()
    username = username or click.prompt("Username")
    email = email or click.prompt("Email")
    secret = _ask_password(password)
    flags = {
        "admin": _ask_flag(_bool(is_admin), "Admin user?"),
        "superuser": _ask_flag(_bool(is_superuser), "Superuser?"),
        "active": _ask_flag(_bool(is_active), "Active?"),
    }
    try:
        user = create_user(username, secret, email, **flags)
    except UserCommandError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created user {username} (id {user._pk_value()})")


@group.command(name="list")
@click.option("--limit", default=20, show_default=True, help="Users per page.")
@click.option("--page", default=1, show_default=True, help="Which page (from 1).")
@click.option(
    "--order_by", "--order-by", default="username", show_default=True, help="A column; -name: Z-A."
)
def list_users(limit: int, page: int, order_by: str) -> None:
    """List users (never their passwords).

    \b
    Example:
        vivace user list --order_by=-last_login
    """
    _require_table()
    ascending = not order_by.startswith("-")
    column = BaseUser._meta.column_by_name.get(order_by.lstrip("-"))
    if column is None or column._meta.secret:
        raise click.BadParameter(f"not a column: {order_by}", param_hint="--order_by")
    if limit < 1 or page < 1:
        raise click.BadParameter("--limit and --page start at 1")
    rows = run_sync(get_users(column, ascending, limit, page))
    for line in table_lines(rows):
        click.echo(line)


@group.command(name="change_password")
@click.argument("username", required=False)
@click.option("--password", help="For scripts only: otherwise it is asked for, hidden.")
def change_password(username: str | None, password: str | None) -> None:
    """Change a user's password.

    \b
    Example:
        vivace user change_password bob
    """
    _require_table()
    username = username or click.prompt("Username")
    _find(username)
    try:
        BaseUser.update_password_sync(username, _ask_password(password))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Updated the password of {username}")
    click.echo("If the user has sessions, end them so the old password stops working.")


@group.command(name="change_permissions")
@click.argument("username")
@click.option("--admin", type=BOOL, help="Can use the admin interface.")
@click.option("--superuser", type=BOOL, help="Can manage other users.")
@click.option("--active", type=BOOL, help="Can log in.")
def change_permissions(
    username: str, admin: str | None, superuser: str | None, active: str | None
) -> None:
    """Change a user's admin, superuser and active flags.

    \b
    Example:
        vivace user change_permissions bob --admin=true --active=false
    """
    _require_table()
    _find(username)
    changes = run_sync(update_permissions(username, _bool(admin), _bool(superuser), _bool(active)))
    if not changes:
        click.echo("No changes given (--admin, --superuser, --active)")
        return
    summary = ", ".join(f"{name}={value}" for name, value in changes.items())
    click.echo(f"Updated {username}: {summary}")
