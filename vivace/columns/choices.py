"""Piccolo's import path ``piccolo.columns.choices``: ``Choice``, an Enum member value
with its own display name, for a column's ``choices``.

Example::

    from enum import Enum

    from vivace.columns.choices import Choice

    class Title(Enum):
        mr = Choice(value=1, display_name="Mr.")
        mrs = Choice(value=2, display_name="Mrs.")

    class Person(Table):
        title = Integer(choices=Title)   # stores 1 for Title.mr
"""

from vivace.types.choices import Choice

__all__ = [
    "Choice",
]
