"""Piccolo's ``piccolo.apps.meta.commands.version``: print the installed version.

Example::

    from vivace.apps.meta.commands.version import version

    version()   # prints 0.1.0
"""

from __future__ import annotations

import vivace

__all__ = ["version"]


def version() -> None:
    """Print the installed Vivace version (``vivace meta version``).

    Example: ``version()`` prints ``0.1.0``.
    """
    print(vivace.__version__)
