"""How a foreign key's ``references`` names its table, as in Piccolo: a class, ``"self"``, a
class name, a dotted module path and class name, or a ``LazyTableReference``."""

from __future__ import annotations

import re

import pytest

from vivace import Table
from vivace.columns import ForeignKey, LazyTableReference, Varchar


class RefManager(Table, tablename="ref_manager"):
    name = Varchar()


class RefBand(Table, tablename="ref_band"):
    by_class = ForeignKey(RefManager)
    by_name = ForeignKey("RefManager")
    by_path = ForeignKey(f"{__name__}.RefManager")  # Piccolo's "module.path.Class"
    by_app = ForeignKey("unit.RefManager")  # an app (a package on the path) and a name
    by_lazy = ForeignKey(LazyTableReference("RefManager", module_path=__name__))
    parent = ForeignKey("self")


def test_every_form_names_the_same_table() -> None:
    for key in (RefBand.by_class, RefBand.by_name, RefBand.by_path, RefBand.by_app):
        assert key.resolved_references is RefManager
    assert RefBand.by_lazy.resolved_references is RefManager
    assert RefBand.parent.resolved_references is RefBand


def test_references_refused_as_piccolo_refuses_them() -> None:
    with pytest.raises(ValueError, match=r"^Relative imports aren't allowed$"):
        ForeignKey("..tables.RefManager")
    with pytest.raises(ValueError, match=r"^You must specify either app_name or module_path\.$"):
        LazyTableReference("RefManager")
    with pytest.raises(ValueError, match=re.escape("not both")):
        LazyTableReference("RefManager", app_name="music", module_path=__name__)


def test_lazy_references_read_as_in_piccolo() -> None:
    assert str(LazyTableReference("Manager", app_name="music")) == "App music.Manager"
    assert (
        str(LazyTableReference("Manager", module_path="music.tables"))
        == "Module music.tables.Manager"
    )
