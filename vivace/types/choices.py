"""``Choice``: an Enum member value with its own display name, for a column's ``choices``.

Stdlib only (layer L0): every layer that turns an Enum member into the value it stores
(``member_value``) unwraps a ``Choice`` to its ``value``.

Example::

    class Title(Enum):
        mr = Choice(value=1, display_name="Mr.")
        mrs = Choice(value=2, display_name="Mrs.")

    class Person(Table):
        title = Integer(choices=Title)

    await Person(title=Title.mr).save()   # stores 1
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    """The value of one Enum member of a column's ``choices``, with the name to show for
    it (Piccolo Admin shows ``display_name``; a plain member shows its name, title-cased).

    The column stores ``value``; ``Title.mr`` is written, compared and validated as ``1``.
    Frozen, so that an Enum of choices stays hashable in schema specs.

    Example::

        class Title(Enum):
            mr = Choice(value=1, display_name="Mr.")

        Title.mr.value.display_name   # "Mr."
    """

    value: Any
    display_name: str


def choice_value(value: Any) -> Any:
    """The value a column stores for ``value``: a ``Choice``'s ``value``, or ``value``.

    Example: ``choice_value(Choice(value=1, display_name="Mr."))`` is ``1``.
    """
    return value.value if isinstance(value, Choice) else value


def member_value(value: Any) -> Any:
    """An Enum member as the value it stores (its ``Choice`` unwrapped), anything else as
    it is.

    Example: ``member_value(Title.mr)`` is ``1`` for ``mr = Choice(value=1, display_name="Mr.")``;
    ``member_value(Genre.rock)`` is ``"rock"`` for ``rock = "rock"``.
    """
    return choice_value(value.value) if isinstance(value, enum.Enum) else value


def choices_dict(choices: type[enum.Enum] | None) -> dict[str, dict[str, Any]] | None:
    """Piccolo's shape of a ``choices`` Enum: each member's name mapped to its display name
    and stored value (a plain member's display name is its name, ``_`` as spaces,
    title-cased); None without choices.

    Example::

        class Title(Enum):
            mr = Choice(value=1, display_name="Mr.")
            dr_prof = 2

        choices_dict(Title)
        # {"mr": {"display_name": "Mr.", "value": 1},
        #  "dr_prof": {"display_name": "Dr Prof", "value": 2}}
    """
    if choices is None:
        return None
    output: dict[str, dict[str, Any]] = {}
    for member in choices:
        if isinstance(member.value, Choice):
            display_name, value = member.value.display_name, member.value.value
        else:
            display_name, value = member.name.replace("_", " ").title(), member.value
        output[member.name] = {"display_name": display_name, "value": value}
    return output
