"""``Placeholder``: a named value given later, when a frozen query runs.

A placeholder is a *value*, not a node: ``Band.id == Placeholder("id")`` makes an
ordinary bound parameter (typed by the column it is compared with) whose value is the
placeholder. ``query.freeze()`` remembers where each placeholder sits among the
parameters, and ``frozen.run(id=3)`` puts the real value there.

Example::

    by_id = Band.select(Band.name).where(Band.id == Placeholder("id")).freeze()
    await by_id.run(id=3)
"""

from __future__ import annotations

import re

from vivace.exceptions import QueryError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Keyword arguments of ``run()`` itself: a placeholder cannot take these names.
RESERVED_NAMES = frozenset({"node", "in_pool", "timed"})


class Placeholder:
    """A named parameter value supplied per run of a frozen query.

    Example::

        by_name = Band.select().where(Band.name == Placeholder("name")).freeze()
        await by_name.run(name="Pythonistas")
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise QueryError(f"a placeholder name is a Python identifier, got {name!r}")
        if name in RESERVED_NAMES:
            raise QueryError(f"{name!r} is a keyword of run(); give the placeholder another name")
        self.name = name

    def __repr__(self) -> str:
        return f"Placeholder({self.name!r})"

    def __str__(self) -> str:
        return f":{self.name}"
