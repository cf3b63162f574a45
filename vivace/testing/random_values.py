"""``RandomBuilder``: random values of every type a column stores (test data, not secrets).

Example::

    from vivace.testing import RandomBuilder

    RandomBuilder.next_str(length=8)        # 'kQzpLmWa'
    RandomBuilder.next_decimal(5, 2)        # Decimal('412.07')
"""

from __future__ import annotations

import datetime
import decimal
import enum
import random
import string
import uuid
from typing import Any

_LETTERS = string.ascii_letters


class RandomBuilder:
    """Class methods returning one random value each; Piccolo's names and arguments.

    Example: ``Band(name=RandomBuilder.next_str(12), popularity=RandomBuilder.next_int(0, 100))``.
    """

    @classmethod
    def next_bool(cls) -> bool:
        """``True`` or ``False``: ``RandomBuilder.next_bool()``."""
        return random.random() < 0.5

    @classmethod
    def next_bytes(cls, length: int = 8) -> bytes:
        """``length`` random bytes: ``len(RandomBuilder.next_bytes(4))`` -> ``4``."""
        return random.randbytes(length)

    @classmethod
    def next_date(cls) -> datetime.date:
        """A date between the years 2000 and 2050.

        Example: ``RandomBuilder.next_date()`` -> ``datetime.date(2031, 7, 14)``.
        """
        return datetime.date(2000, 1, 1) + datetime.timedelta(days=random.randint(0, 18262))

    @classmethod
    def next_datetime(cls, tz_aware: bool = False) -> datetime.datetime:
        """A moment between 2000 and 2050, whole microseconds; in UTC when ``tz_aware``.

        Example: ``RandomBuilder.next_datetime(tz_aware=True).tzinfo`` -> ``datetime.UTC``.
        """
        moment = datetime.datetime.combine(cls.next_date(), cls.next_time())
        return moment.replace(tzinfo=datetime.UTC) if tz_aware else moment

    @classmethod
    def next_decimal(cls, precision: int = 4, scale: int = 2) -> decimal.Decimal:
        """A non-negative decimal that fits ``NUMERIC(precision, scale)``.

        Example: ``RandomBuilder.next_decimal(5, 2)`` -> ``Decimal("412.07")``.
        """
        digits = random.randint(0, 10**precision - 1)
        return decimal.Decimal(digits).scaleb(-scale)

    @classmethod
    def next_email(cls, length: int = 16) -> str:
        """An address at example.com, ``length`` characters at most (and at least 13).

        Example: ``RandomBuilder.next_email()`` -> ``"kqzplmwa@example.com"``.
        """
        local = max(1, length - len("@example.com"))
        return f"{cls.next_str(local).lower()}@example.com"

    @classmethod
    def next_enum(cls, e: type[enum.Enum]) -> Any:
        """The value of a random member of ``e``.

        Example: ``RandomBuilder.next_enum(Genre)`` -> ``"rock"`` for
        ``class Genre(str, Enum): rock = "rock"; jazz = "jazz"``.
        """
        return random.choice(list(e)).value

    @classmethod
    def next_float(cls, minimum: float = 0, maximum: float = 2147483647, scale: int = 5) -> float:
        """A float in ``[minimum, maximum]`` rounded to ``scale`` decimals.

        Example: ``RandomBuilder.next_float(0, 10, scale=2)`` -> ``7.31``.
        """
        return round(random.uniform(minimum, maximum), scale)

    @classmethod
    def next_int(cls, minimum: int = 0, maximum: int = 2147483647) -> int:
        """An int in ``[minimum, maximum]``: ``RandomBuilder.next_int(1, 6)`` -> ``4``."""
        return random.randint(minimum, maximum)

    @classmethod
    def next_str(cls, length: int = 16) -> str:
        """``length`` random ASCII letters: ``RandomBuilder.next_str(8)`` -> ``'kQzpLmWa'``."""
        return "".join(random.choices(_LETTERS, k=length))

    @classmethod
    def next_time(cls) -> datetime.time:
        """A time of day with whole microseconds.

        Example: ``RandomBuilder.next_time()`` -> ``datetime.time(14, 3, 27, 518204)``.
        """
        return datetime.time(
            random.randint(0, 23),
            random.randint(0, 59),
            random.randint(0, 59),
            random.randint(0, 999999),
        )

    @classmethod
    def next_timedelta(cls) -> datetime.timedelta:
        """A duration from 1 day to just under 3 days, in whole minutes.

        Example: ``RandomBuilder.next_timedelta()`` -> ``timedelta(days=2, seconds=5400)``.
        """
        return datetime.timedelta(
            days=random.randint(1, 2), hours=random.randint(0, 23), minutes=random.randint(0, 59)
        )

    @classmethod
    def next_uuid(cls) -> uuid.UUID:
        """A random (version 4) UUID: ``RandomBuilder.next_uuid().version`` -> ``4``."""
        return uuid.uuid4()
