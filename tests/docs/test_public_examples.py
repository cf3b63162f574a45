"""Every public name of the API reference has a docstring with an example.

The API reference (``docs/api/*.md``) renders the modules its ``::: name`` lines name;
each public class, function and method defined in Vivace that they show must carry an
example, so the reference never shows a bare signature.

An example is a docstring holding ``Example``, ``>>>``, a reST ``::`` block, a fenced
block, or inline code (````...````) with a call, an attribute, an assignment or an index
in it (``Band.select(Band.name)``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

DOCS_API = Path(__file__).resolve().parents[2] / "docs" / "api"

_DIRECTIVE = re.compile(r"^:::\s+(\S+)\s*$", re.MULTILINE)
_INLINE_CODE = re.compile(r"``[^`]*[(.=\[][^`]*``")


def has_example(doc: str | None) -> bool:
    """Whether a docstring shows how the name is used."""
    if not doc:
        return False
    if any(mark in doc for mark in ("Example", ">>>", "::", "```")):
        return True
    return bool(_INLINE_CODE.search(doc))


def reference_targets() -> list[str]:
    """The dotted names the API reference pages render (``::: vivace.engine``)."""
    names: list[str] = []
    for page in sorted(DOCS_API.glob("*.md")):
        names.extend(_DIRECTIVE.findall(page.read_text()))
    return names


def _resolve(dotted: str) -> Any:
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module_name, _, attribute = dotted.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)


def _public_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return list(names)


def _ours(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith("vivace")


def _method_function(attribute: Any) -> Any:
    """The function behind a class attribute, or None when it is no method."""
    if isinstance(attribute, classmethod | staticmethod):
        attribute = attribute.__func__
    elif isinstance(attribute, property):
        attribute = attribute.fget
    elif isinstance(attribute, functools.cached_property):
        attribute = attribute.func
    return attribute if inspect.isfunction(attribute) else None


def documented_names() -> Iterator[tuple[str, Any]]:
    """``(dotted name, object)`` of every class, function and method the reference shows."""
    seen: set[int] = set()
    for target in reference_targets():
        found = _resolve(target)
        if inspect.ismodule(found):
            members = [(f"{target}.{n}", getattr(found, n)) for n in _public_names(found)]
        else:
            members = [(target, found)]
        for name, obj in members:
            if id(obj) in seen or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not _ours(obj):
                continue
            seen.add(id(obj))
            yield name, obj
            if not inspect.isclass(obj):
                continue
            for attribute_name, attribute in vars(obj).items():
                function = _method_function(attribute)
                if attribute_name.startswith("_") or function is None or not _ours(function):
                    continue
                yield f"{name}.{attribute_name}", function


def test_every_public_name_has_an_example() -> None:
    missing = [name for name, obj in documented_names() if not has_example(inspect.getdoc(obj))]
    assert not missing, (
        f"{len(missing)} public name(s) in the API reference have no example in their "
        "docstring:\n" + "\n".join(missing)
    )


def test_the_reference_is_read_whole() -> None:
    # The check above would pass on an empty list: make sure it sees the reference.
    names = dict(documented_names())
    assert len(names) > 300
    for name in (
        "vivace.Table.save",
        "vivace.table.sort_table_classes",
        "vivace.engine.Transaction.commit",
        "vivace.exceptions.UniqueViolation",
        "vivace.columns.ForeignKey.target_column",
        "vivace.columns.defaults.UUID7.python",
        "vivace.testing.TableTest.setUp",
    ):
        assert name in names, name


def test_what_counts_as_an_example() -> None:
    assert has_example("Summary.\n\nExample::\n\n    await Band.select()")
    assert has_example("Rows as dicts: ``Band.select(Band.name)``.")
    assert has_example("Set it: ``DB.log_queries = True``.")
    assert has_example(">>> 1 + 1\n2")
    assert has_example("```python\nBand.select()\n```")
    assert not has_example(None)
    assert not has_example("Close every connection.")
    assert not has_example("The ``name`` column's ``default``.")
