"""``python -m benchmarks``: run the suite (``--help`` for the options)."""

from benchmarks.cli import main

if __name__ == "__main__":
    main()
