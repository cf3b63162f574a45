"""JSON text for user code (Piccolo's ``piccolo.utils.encoding``): ``dump_json``,
``load_json`` and ``JSONDict``.

Stdlib ``json`` only; what ``json`` cannot write (a datetime, a Decimal, a UUID) is
written as its ``str()``, as Piccolo does. Vivace's column adapters keep their own exact
converters (``vivace.types.adapters``); these are the general-purpose helpers.

Example::

    dump_json({"a": 1})                  # '{"a": 1}'
    load_json('{"a": 1}')                # JSONDict({'a': 1})
"""

from __future__ import annotations

import json
from typing import Any


class JSONDict(dict[str, Any]):
    """A dict parsed from JSON text, told apart from other dicts by its type (a nested
    result with ``load_json=True`` may hold a JSON object that looks like a related row).

    Example::

        value = load_json('{"restaurant": true}')
        isinstance(value, JSONDict)          # True
        value == {"restaurant": True}        # True: still a plain dict otherwise
    """


def dump_json(data: Any, pretty: bool = False) -> str:
    """``data`` as JSON text; a value ``json`` cannot write becomes its ``str()``
    (``datetime.date(2020, 1, 1)`` is ``"2020-01-01"``). ``pretty`` indents by two spaces.

    Example::

        dump_json({"a": [1, 2]})                 # '{"a": [1, 2]}'
        dump_json({"a": 1}, pretty=True)         # '{\\n  "a": 1\\n}'
    """
    if pretty:
        return json.dumps(data, default=str, indent=2)
    return json.dumps(data, default=str)


def load_json(data: str | bytes | bytearray) -> Any:
    """The value JSON text holds; an object at the top is a ``JSONDict``.

    Example::

        load_json("[1, 2]")              # [1, 2]
        load_json('{"a": {"b": 1}}')     # JSONDict({'a': {'b': 1}})
    """
    value = json.loads(data)
    if isinstance(value, dict):
        return JSONDict(value)
    return value
