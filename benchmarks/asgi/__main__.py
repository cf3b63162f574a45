"""``python -m benchmarks.asgi [options]``: ``python -m benchmarks --asgi [options]``."""

import sys

from benchmarks.cli import main

if __name__ == "__main__":
    main(["--asgi", *sys.argv[1:]])
