"""Row mappers generated for one result layout: no Python call per row.

A result layout (its keys and per-column converters) is fixed once a statement is
compiled, so the mapper is written for it as source text and compiled once: each row
becomes one dict display with constant keys (``{"id": row[0], "name": row[1]}``), the
cheapest way CPython builds a dict, and for objects that dict is the new instance's
``__dict__`` (``object.__new__`` runs no ``__init__``). ``dict(zip(keys, row))`` would
allocate a ``zip`` per row, and a helper function would cost a call per row.

A large result is mapped with the cyclic garbage collector paused (see ``_PAUSED``).

Only integers and ``repr()`` of the key strings enter the source; converters and the
class are passed in the namespace, never written into the text.

Example::

    to_dicts = dict_mapper(["id", "name"], [None, str.upper])
    to_dicts([(1, "a")])                          # [{"id": 1, "name": "A"}]
    to_objects = object_mapper(Band, ["id", "name"], [None, None])
    to_objects([(1, "a")])[0].name                # "a"
"""

from __future__ import annotations

import collections
import gc
import itertools
from collections.abc import Callable, Sequence
from typing import Any

RowsTo = Callable[[Sequence[Any]], list[Any]]


def _display(keys: Sequence[str], converters: Sequence[Any], namespace: dict[str, Any]) -> str:
    """The dict display of one ``row``; a converted value stays None when it is None."""
    items = []
    for index, key in enumerate(keys):
        convert = converters[index] if index < len(converters) else None
        if convert is None:
            value = f"row[{index}]"
        else:
            namespace[f"c{index}"] = convert
            value = f"(None if (v{index} := row[{index}]) is None else c{index}(v{index}))"
        items.append(f"{str(key)!r}: {value}")
    return "{" + ", ".join(items) + "}"


def _build(source: str, namespace: dict[str, Any], name: str) -> RowsTo:
    exec(compile(source, f"<vivace {name}>", "exec"), namespace)
    mapper: RowsTo = namespace[name]
    return mapper


#: From this many rows on, a mapper pauses the cyclic garbage collector (see ``_PAUSED``).
PAUSE_GC_FROM = 256

#: The body of every mapper, around its loop (``{loop}``): a large result is mapped with
#: the cyclic collector paused. Each row allocates two or three tracked objects, so 10,000
#: rows would trigger some 40 collections, each scanning the young objects (and, as they
#: age, older generations) for cycles that the freshly built, acyclic results cannot
#: form: about a quarter of the mapping time, for nothing. The collector runs again right
#: after (and when it was paused by someone else, it is left as it was).
#:
#: Why this is safe (reviewed for issue 15): the pause lasts one synchronous call, which
#: runs no code but the converters, and ``finally`` ends it even on an error or
#: KeyboardInterrupt. It is process-wide, so no collection runs in any thread meanwhile:
#: only cyclic garbage made by other threads in those milliseconds waits a little longer
#: (``select`` and ``objects`` map a large result 5,000 rows per call). Two threads
#: mapping at once cannot leave it off: the one that paused it turns it back on. The one
#: thing a caller could notice: a thread that turns the collector off itself *while* a
#: mapping runs elsewhere finds it on again when that mapping ends.
_PAUSED = """
def {name}(rows):
    paused = len(rows) >= {pause_from} and isenabled()
    if paused:
        disable()
    try:
{loop}
    finally:
        if paused:
            enable()
"""


def _mapper(name: str, loop: str, namespace: dict[str, Any]) -> RowsTo:
    namespace.update(isenabled=gc.isenabled, disable=gc.disable, enable=gc.enable)
    source = _PAUSED.format(name=name, pause_from=PAUSE_GC_FROM, loop=loop)
    return _build(source, namespace, name)


def dict_mapper(keys: Sequence[str], converters: Sequence[Any]) -> RowsTo:
    """Rows to dicts keyed by ``keys``, ``converters[i]`` applied to non-None column ``i``."""
    namespace: dict[str, Any] = {}
    display = _display(keys, converters, namespace)
    # One row (a select by key, ``first()``): no comprehension, whose hidden function call
    # (before Python 3.12) would cost about as much as building the dict.
    loop = (
        "        if len(rows) == 1:\n"
        "            row = rows[0]\n"
        f"            return [{display}]\n"
        f"        return [{display} for row in rows]"
    )
    return _mapper("to_dicts", loop, namespace)


#: From this many rows on, an object mapper makes the instances with C loops.
C_LOOPS_FROM = 64


def object_mapper(table: type, keys: Sequence[str], converters: Sequence[Any]) -> RowsTo:
    """Rows to instances of ``table`` whose ``__dict__`` maps ``keys`` to the row's values.

    From ``C_LOOPS_FROM`` rows on, only the dicts are built by bytecode; the instances
    are made, and given their dicts, by C loops (``map`` of ``object.__new__`` and of
    ``setattr``, consumed by a zero-length deque): about 8% less time than one Python
    loop doing all three. Below that, setting up those loops costs more than it saves.
    """
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "table": table,
        "repeat": itertools.repeat,
        "setattr": setattr,
        "consume": collections.deque(maxlen=0).extend,
    }
    display = _display(keys, converters, namespace)
    loop = (
        "        count = len(rows)\n"
        f"        if count < {C_LOOPS_FROM:d}:\n"
        "            result = []\n"
        "            append = result.append\n"
        "            for row in rows:\n"
        "                instance = new(table)\n"
        f"                instance.__dict__ = {display}\n"
        "                append(instance)\n"
        "            return result\n"
        "        result = list(map(new, repeat(table, count)))\n"
        "        values = []\n"
        "        append = values.append\n"
        "        for row in rows:\n"
        f"            append({display})\n"
        "        consume(map(setattr, result, repeat('__dict__', count), values))\n"
        "        return result"
    )
    return _mapper("to_objects", loop, namespace)
