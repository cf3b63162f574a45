"""``python -m vivace``: the same command line as the ``vivace`` script.

Example::

    $ python -m vivace meta version
    0.1.0
"""

from __future__ import annotations

import sys

from vivace.cli import main

if __name__ == "__main__":
    sys.exit(main())
