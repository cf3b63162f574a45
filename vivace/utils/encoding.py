"""Piccolo's import path ``piccolo.utils.encoding``: JSON text helpers.

Example::

    from vivace.utils.encoding import dump_json, load_json

    dump_json({"a": 1}, pretty=True)
    load_json('{"a": 1}')   # a JSONDict
"""

from vivace.types.encoding import JSONDict, dump_json, load_json

__all__ = [
    "JSONDict",
    "dump_json",
    "load_json",
]
