"""Piccolo's ``piccolo.apps.user.commands.change_permissions``: a user's admin, superuser
and active flags.

Example::

    from vivace.apps.user.commands.change_permissions import change_permissions

    await change_permissions("bob", admin=True, active=False)
"""

from __future__ import annotations

from vivace.apps.user.commands.shared import UserCommandError, update_permissions

__all__ = ["change_permissions"]


async def change_permissions(
    username: str,
    admin: bool | None = None,
    superuser: bool | None = None,
    active: bool | None = None,
) -> None:
    """Set the flags given (None: unchanged) of the user called ``username`` and print what
    changed; an unknown user or no flags given is printed, not raised (as in Piccolo).

    Example: ``await change_permissions("bob", superuser=True)`` prints
    ``Updated bob: superuser=True``.
    """
    try:
        changes = await update_permissions(username, admin, superuser, active)
    except UserCommandError as error:
        print(error)
        return
    if not changes:
        print("No changes given (admin, superuser, active)")
        return
    summary = ", ".join(f"{name}={value}" for name, value in changes.items())
    print(f"Updated {username}: {summary}")
