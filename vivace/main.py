"""Piccolo's ``piccolo.main``: ``main()`` runs the command line, so
``python -m vivace.main ...`` works as the ``vivace`` command does.

Example::

    $ python -m vivace.main meta version
    0.1.0
"""

from __future__ import annotations

import sys

from vivace.cli import main as run_cli

__all__ = ["main"]


def main() -> None:
    """Run the ``vivace`` command line on ``sys.argv`` and exit with its status.

    Example: ``sys.argv = ["vivace", "meta", "version"]; main()`` prints ``0.1.0`` and
    exits with 0.
    """
    sys.exit(run_cli())


if __name__ == "__main__":
    main()
