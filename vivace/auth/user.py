"""``BaseUser``: Piccolo's user table (``piccolo_user``) with hashed passwords.

Passwords are hashed when given to the constructor or assigned (``user.password = ...``),
never stored as given; see ``vivace.auth.passwords`` for the scheme. The async methods
hash on a worker thread, so a login never stalls the event loop for the KDF's time.

Example::

    user = await BaseUser.create_user("bob", "a good password", email="bob@example.com")
    await BaseUser.login("bob", "a good password")      # bob's id
    await BaseUser.login("bob", "wrong")                # None
    await BaseUser.update_password("bob", "another good password")
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from vivace.auth import passwords
from vivace.engine import run_sync
from vivace.orm import Table
from vivace.schema import Boolean, Column, Readable, Secret, Timestamp, Varchar

#: Warnings about suspicious input (Piccolo's, under Piccolo's module path).
logger = logging.getLogger("vivace.apps.user.tables")


class BaseUser(Table, tablename="piccolo_user"):
    """A user who can log in. Subclass it for your own table: ``class User(BaseUser,
    tablename="app_user")`` (``user`` itself is a reserved word in PostgreSQL)."""

    username = Varchar(length=100, unique=True)
    password = Secret(length=255)
    first_name = Varchar(null=True)
    last_name = Varchar(null=True)
    email = Varchar(length=255, unique=True)
    active = Boolean(default=False)
    admin = Boolean(default=False, help_text="An admin can log into the Piccolo admin GUI.")
    superuser = Boolean(
        default=False,
        help_text="If True, this user can manage other users's passwords in the admin GUI.",
    )
    last_login = Timestamp(
        null=True, default=None, required=False, help_text="When this user last logged in."
    )

    #: The PBKDF2 iteration count new hashes get; login re-hashes older ones to it.
    _pbkdf2_iteration_count: ClassVar[int] = passwords.ITERATIONS
    _min_password_length: ClassVar[int] = passwords.MIN_LENGTH
    _max_password_length: ClassVar[int] = passwords.MAX_LENGTH

    def __init__(self, _data: Mapping[Any, Any] | None = None, **kwargs: Any) -> None:
        data = {
            (key._meta.name if isinstance(key, Column) else key): value
            for key, value in (_data or {}).items()
        }
        data.update(kwargs)
        password = data.get("password")
        if isinstance(password, str) and password and not passwords.is_stored_hash(password):
            data["password"] = self.hash_password(password)
        super().__init__(**data)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "password" and isinstance(value, str) and not passwords.is_stored_hash(value):
            value = self.hash_password(value)
        super().__setattr__(name, value)

    @classmethod
    def get_readable(cls) -> Readable:
        """A user reads as its username: ``await BaseUser.select(BaseUser.get_readable())``
        -> ``[{"readable": "bob"}]``."""
        return Readable(template="%s", columns=[cls.username])

    # hashing ------------------------------------------------------------------------------
    @classmethod
    def get_salt(cls) -> str:
        """A new random salt: ``BaseUser.hash_password("a good password", BaseUser.get_salt())``."""
        return passwords.new_salt()

    @classmethod
    def hash_password(cls, password: str, salt: str = "", iterations: int | None = None) -> str:
        """``password`` hashed for storage (refused when longer than the maximum).

        Example: ``BaseUser.hash_password("a good password")`` ->
        ``"pbkdf2_sha256$600000$<salt>$<hex digest>"``.
        """
        if len(password) > cls._max_password_length:
            logger.warning("Excessively long password provided.")
            raise ValueError("The password is too long.")
        count = cls._pbkdf2_iteration_count if iterations is None else iterations
        return passwords.hash_password(password, salt or cls.get_salt(), count)

    @classmethod
    def split_stored_password(cls, password: str) -> list[str]:
        """``[algorithm, iterations, salt, digest]`` of a stored hash."""
        return passwords.split_stored_password(password)

    @classmethod
    def _check_password(cls, password: str) -> None:
        # The class's limits: a subclass may set its own (as in Piccolo).
        problem = passwords.password_problem(
            password, cls._min_password_length, cls._max_password_length
        )
        if problem is not None:
            if problem == passwords.HASHED_PASSWORD:
                logger.warning("Tried to create a user with an already hashed password.")
            raise ValueError(problem)

    # users ----------------------------------------------------------------------------------
    @classmethod
    async def create_user(cls, username: str, password: str, **extra_params: Any) -> Self:
        """Save and return a new user; ValueError for an empty username or a bad password.

        Example: ``user = await BaseUser.create_user("bob", "a good password", active=True)``.
        """
        if not username:
            raise ValueError("A username must be provided.")
        cls._check_password(password)
        hashed = await asyncio.to_thread(cls.hash_password, password)
        user = cls(username=username, password=hashed, **extra_params)
        await user.save()
        return user

    @classmethod
    def create_user_sync(cls, username: str, password: str, **extra_params: Any) -> Self:
        """``create_user`` from synchronous code.

        Example: ``BaseUser.create_user_sync("bob", "a good password", admin=True)``.
        """
        return run_sync(cls.create_user(username, password, **extra_params))

    @classmethod
    async def update_password(cls, user: str | int, password: str) -> None:
        """Set the password of ``user`` (a username or an id).

        Example: ``await BaseUser.update_password("bob", "another good password")``.
        """
        if isinstance(user, str):
            where = cls.username == user
        elif isinstance(user, int):
            where = cls._meta.primary_key == user
        else:
            raise ValueError("The `user` arg must be a user id, or a username.")
        cls._check_password(password)
        hashed = await asyncio.to_thread(cls.hash_password, password)
        await cls.update({cls.password: hashed}).where(where)

    @classmethod
    def update_password_sync(cls, user: str | int, password: str) -> None:
        """``update_password`` from synchronous code:
        ``BaseUser.update_password_sync(1, "another good password")``."""
        run_sync(cls.update_password(user, password))

    @classmethod
    async def login(cls, username: str, password: str) -> int | None:
        """The user's id when ``password`` is theirs, else None.

        Sets ``last_login``, and re-hashes the stored password when it was made at another
        iteration count. An unknown user costs the same hashing work as a wrong password,
        so timing does not tell which usernames exist; too long a password is refused
        before any hashing.
        """
        longest_name = cls.username.length or len(username)
        if len(username) > longest_name:
            logger.warning("Excessively long username provided.")
            return None
        if len(password) > cls._max_password_length:
            logger.warning("Excessively long password provided.")
            return None
        row = (
            await cls.select(cls._meta.primary_key, cls.password)
            .where(cls.username == username)
            .first()
        )
        # An unknown user is checked against a made-up hash of today's cost: never a match.
        decoy = f"{passwords.ALGORITHM}${cls._pbkdf2_iteration_count}${cls.get_salt()}${0:064}"
        stored = row["password"] if row is not None else decoy
        matches = await asyncio.to_thread(
            passwords.verify_password, password, stored, cls._max_password_length
        )
        if row is None or not matches:
            return None
        user_id: int = row[cls._meta.primary_key._meta.name]
        values: dict[Column[Any], Any] = {cls.last_login: datetime.datetime.now()}
        if passwords.stored_iterations(stored) != cls._pbkdf2_iteration_count:
            values[cls.password] = await asyncio.to_thread(cls.hash_password, password)
        await cls.update(values).where(cls._meta.primary_key == user_id)
        return user_id

    @classmethod
    def login_sync(cls, username: str, password: str) -> int | None:
        """``login`` from synchronous code: ``BaseUser.login_sync("bob", "a good password")``
        -> bob's id, or None."""
        return run_sync(cls.login(username, password))
