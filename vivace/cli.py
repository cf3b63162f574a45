"""The ``vivace`` command line (commands arrive with the migrations and playground work).

Example::

    $ vivace meta version
    0.1.0
"""

from __future__ import annotations

import argparse
import sys

import vivace


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``vivace`` command."""
    parser = argparse.ArgumentParser(prog="vivace", description="Vivace ORM command line")
    groups = parser.add_subparsers(dest="group", required=True)
    meta = groups.add_parser("meta", help="information about Vivace")
    meta_commands = meta.add_subparsers(dest="command", required=True)
    meta_commands.add_parser("version", help="print the installed version")
    args = parser.parse_args(argv)
    if args.group == "meta" and args.command == "version":
        print(vivace.__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
