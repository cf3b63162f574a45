"""Authentication: ``BaseUser`` (Piccolo's user table) and its password hashing.

Example::

    from vivace.auth import BaseUser

    user_id = await BaseUser.login(username="bob", password="a good password")
"""

from vivace.auth.user import BaseUser

__all__ = ["BaseUser"]
