"""What the user commands share, from Python and from ``vivace user``: the table check,
creating a user with readable errors, changing a user's flags.

Example::

    require_user_table()
    user = create_user("bob", "s3cret-pass", email="bob@example.com", active=True)
    await update_permissions("bob", admin=True)   # {"admin": True}
"""

from __future__ import annotations

from vivace.auth import BaseUser
from vivace.exceptions import UniqueViolation, VivaceError

__all__ = ["UserCommandError", "create_user", "require_user_table", "update_permissions"]


class UserCommandError(VivaceError):
    """A user command that cannot be done; the message says why and what to do.

    Example: ``create_user("bob", ...)`` twice raises it ("a user with the username 'bob'
    ... already exists").
    """


def require_user_table() -> None:
    """Raise ``UserCommandError`` saying how to create ``piccolo_user`` when it is missing
    (the database's own "no such table" does not say what to do).

    Example: ``require_user_table()`` before the first query of a command.
    """
    if not BaseUser.table_exists().run_sync():
        raise UserCommandError(
            f"the table {BaseUser._meta.tablename} does not exist: add "
            '"vivace.apps.user.vivace_app" to APP_REGISTRY in vivace_conf.py, then run '
            "`vivace migrations forwards user`"
        )


def create_user(
    username: str,
    password: str,
    email: str,
    admin: bool = False,
    superuser: bool = False,
    active: bool = False,
) -> BaseUser:
    """Create and return a user (the password hashed); ``UserCommandError`` when the
    username or email is taken or the password is refused.

    Example: ``create_user("bob", "s3cret-pass", "bob@example.com", active=True).id`` -> 1.
    """
    flags = {"admin": admin, "superuser": superuser, "active": active}
    try:
        return BaseUser.create_user_sync(username, password, email=email, **flags)
    except UniqueViolation as error:
        raise UserCommandError(
            f"a user with the username {username!r} or the email {email!r} already exists"
        ) from error
    except ValueError as error:
        raise UserCommandError(str(error)) from error


async def update_permissions(
    username: str,
    admin: bool | None = None,
    superuser: bool | None = None,
    active: bool | None = None,
) -> dict[str, bool]:
    """Set the flags given (None: unchanged) of the user called ``username``; returns the
    changes made (empty when none were given). ``UserCommandError`` when there is no such
    user.

    Example: ``await update_permissions("bob", admin=True, active=False)`` ->
    ``{"admin": True, "active": False}``.
    """
    if not await BaseUser.exists().where(BaseUser.username == username):
        raise UserCommandError(f"there is no user named {username!r}")
    changes = {
        column: value
        for column, value in (
            (BaseUser.admin, admin),
            (BaseUser.superuser, superuser),
            (BaseUser.active, active),
        )
        if value is not None
    }
    if changes:
        await BaseUser.update(changes).where(BaseUser.username == username)
    return {column._meta.name: value for column, value in changes.items()}
