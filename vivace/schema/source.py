"""Python source for spec values, columns and tables, with the imports they need.

Generated files (migrations, ``schema generate``) must import everything they use: a
``SourceWriter`` renders each value and records its import at the same time, so the two
can never drift apart.

Example::

    writer = SourceWriter()
    writer.column(ColumnSpec.of("name", "Varchar", length=50, null=True), only_changed=True)
    # 'Varchar(length=50, null=True)'
    writer.import_lines()
    # ['from vivace.columns import Varchar']
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import uuid
from collections.abc import Callable
from typing import Any

from vivace.schema.column import OnDelete, OnUpdate
from vivace.schema.column_types import Array, Integer
from vivace.schema.defaults import Default
from vivace.schema.spec import (
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    EnumSpec,
    FrozenValue,
    ReferenceSpec,
    TableSpec,
)
from vivace.schema.table_spec import COLUMN_CLASSES, column_spec
from vivace.types.choices import Choice

COLUMNS_MODULE = "vivace.columns"
DEFAULTS_MODULE = "vivace.columns.defaults"
CHOICES_MODULE = "vivace.columns.choices"

_DATETIME_TYPES = (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)


class SourceWriter:
    """Renders values as Python source and collects the imports they need.

    ``reference`` decides how a foreign key's target is written (default: its class name,
    which the caller must define or import). Example::

        w = SourceWriter()
        w.value(datetime.date(2020, 1, 2))   # 'datetime.date(2020, 1, 2)'
        w.import_lines()                     # ['import datetime']
    """

    def __init__(self, reference: Callable[[ReferenceSpec], str] | None = None) -> None:
        self._modules: set[str] = set()
        self._names: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
        self._reference = reference or (lambda ref: ref.class_name)

    # imports ------------------------------------------------------------------------------
    def import_name(self, module: str, name: str) -> str:
        """Import ``name`` from ``module``; returns the local name (aliased on a clash)."""
        local = name
        counter = 1
        while local in self._names and self._names[local] != (module, name):
            counter += 1
            local = f"{name}_{counter}"
        self._names[local] = (module, name)
        return local

    def reserve(self, name: str) -> str:
        """Claim a name the file defines itself (a class); returns it, suffixed if taken."""
        local = name
        while local in self._names or local in self._modules:
            local += "_"
        self._names[local] = ("", local)
        return local

    def import_module(self, module: str) -> str:
        """``import module``; returns the name to use."""
        self._modules.add(module)
        return module

    def import_lines(self) -> list[str]:
        """The import statements, sorted: ``["import datetime", "from x import A, B"]``."""
        lines = [f"import {m}" for m in sorted(self._modules)]
        by_module: dict[str, list[str]] = {}
        for local, (module, name) in self._names.items():
            if not module:
                continue  # defined in the file itself
            by_module.setdefault(module, []).append(name if local == name else f"{name} as {local}")
        for module in sorted(by_module):
            lines.append(f"from {module} import {', '.join(sorted(by_module[module]))}")
        return lines

    # values -------------------------------------------------------------------------------
    def value(self, value: Any) -> str:
        """Python source that evaluates to ``value`` (a param value, frozen or not)."""
        if isinstance(value, enum.Enum):  # first: OnDelete members are also str
            return self._enum_member(value)
        if value is None or isinstance(value, bool | int | str | bytes):
            return repr(value)
        if isinstance(value, float):
            return repr(value) if math.isfinite(value) else f'float("{value}")'
        if isinstance(value, decimal.Decimal | uuid.UUID):
            module = self.import_module(type(value).__module__)
            return f"{module}.{type(value).__name__}({str(value)!r})"
        if isinstance(value, _DATETIME_TYPES):
            self.import_module("datetime")  # their repr is datetime.date(...), timezones too
            return repr(value)
        if isinstance(value, EnumSpec):
            members = ", ".join(f"{k!r}: {self.value(v)}" for k, v in value.members)
            return f"{self.import_module('enum')}.Enum({value.name!r}, {{{members}}})"
        if isinstance(value, type) and issubclass(value, enum.Enum):
            return self.value(EnumSpec(value.__name__, tuple((m.name, m.value) for m in value)))
        if isinstance(value, FrozenValue):
            return self.value(value.thaw())
        if isinstance(value, list):
            return "[" + ", ".join(self.value(v) for v in value) + "]"
        if isinstance(value, tuple):
            inner = ", ".join(self.value(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if isinstance(value, dict):
            return (
                "{" + ", ".join(f"{self.value(k)}: {self.value(v)}" for k, v in value.items()) + "}"
            )
        if isinstance(value, Default):
            return self._default(value)
        if isinstance(value, Choice):
            name = self.import_name(CHOICES_MODULE, "Choice")
            inner = self.value(value.value)
            return f"{name}(value={inner}, display_name={self.value(value.display_name)})"
        if isinstance(value, ColumnSpec):
            return self.column(value, only_changed=True)
        if isinstance(value, ReferenceSpec):
            return self._reference(value)
        if isinstance(value, CallableRef):
            return self._callable(value)
        if callable(value):
            # A method of a C class (datetime.now) names its module through its class.
            owner = getattr(value, "__self__", None)
            home = getattr(value, "__module__", None) or getattr(owner, "__module__", None)
            return self._callable(CallableRef(home or "builtins", value.__qualname__))
        raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as Python source")

    def _enum_member(self, member: enum.Enum) -> str:
        klass = type(member)
        module = klass.__module__
        # Vivace's own option enums are importable from vivace.columns.
        if module.startswith("vivace."):
            module = COLUMNS_MODULE
        return f"{self.import_name(module, klass.__qualname__.split('.')[0])}.{member.name}"

    def _default(self, default: Default) -> str:
        name = self.import_name(DEFAULTS_MODULE, type(default).__name__)
        args = ", ".join(f"{k}={self.value(v)}" for k, v in vars(default).items())
        return f"{name}({args})"

    def _callable(self, ref: CallableRef) -> str:
        """``uuid.uuid4``: through its module, so ``datetime.datetime.now`` and a
        ``datetime.date`` value never fight over the name ``datetime``."""
        if ref.module == "builtins":
            return ref.qualname
        return f"{self.import_module(ref.module)}.{ref.qualname}"

    # columns and tables -------------------------------------------------------------------
    def column_class(self, class_name: str) -> str:
        """The (imported) name of a Vivace column class."""
        return self.import_name(COLUMNS_MODULE, class_name)

    def params(self, spec: ColumnSpec, only_changed: bool = False) -> dict[str, str]:
        """Each param's source; ``only_changed`` leaves out params at the class default."""
        defaults = _omittable(spec) if only_changed else {}
        rendered: dict[str, str] = {}
        for key, value in spec.params:
            if only_changed and key in defaults and defaults[key] == value:
                continue
            if only_changed and key == "target_column" and value is None:
                continue
            rendered[key] = self.value(value)
        return rendered

    def column(self, spec: ColumnSpec, only_changed: bool = False) -> str:
        """``Varchar(length=50, null=True)``: the constructor call of a column."""
        params = self.params(spec, only_changed)
        args = []
        if "references" in params:
            args.append(params.pop("references"))
        if "base_column" in params:
            args.append(f"base_column={params.pop('base_column')}")
        args.extend(f"{k}={v}" for k, v in params.items())
        return f"{self.column_class(spec.column_class)}({', '.join(args)})"

    def constraint(self, spec: ConstraintSpec, table: TableSpec | None = None) -> str:
        """``Unique([name, manager])`` / ``Check("...")`` for the body of ``table``'s class
        (a unique constraint names the class attributes of its columns)."""
        if spec.kind == "unique":
            name = self.import_name(COLUMNS_MODULE, "Unique")
            extra = "" if spec.nulls_distinct else ", nulls_distinct=False"
            found = [table.column_by_db_name(c) if table else None for c in spec.columns]
            names = [c.name if c else db for c, db in zip(found, spec.columns)]
            columns = ", ".join(names)
            return f"{name}([{columns}]{extra}, name={spec.name!r})"
        name = self.import_name(COLUMNS_MODULE, "Check")
        return f"{name}({spec.check!r}, name={spec.name!r})"

    def table(self, spec: TableSpec, base: str = "Table") -> str:
        """The source of a Table class: ``class Band(Table, tablename="band"): ...``."""
        keywords = [f"tablename={spec.tablename!r}"]
        if spec.schema is not None:
            keywords.append(f"schema={spec.schema!r}")
        lines = [f"class {spec.class_name}({base}, {', '.join(keywords)}):"]
        for column in spec.columns:
            if column.name == "id" and _is_default_primary_key(column):
                continue
            lines.append(f"    {column.name} = {self.column(column, only_changed=True)}")
        for constraint in spec.constraints:
            attribute = constraint.name.removeprefix(spec.tablename + "_") or constraint.name
            lines.append(f"    {attribute} = {self.constraint(constraint, spec)}")
        if len(lines) == 1:
            lines.append("    pass")
        return "\n".join(lines)


_class_default_cache: dict[tuple[str, bool | None], dict[str, Any]] = {}


def _omittable(spec: ColumnSpec) -> dict[str, Any]:
    """The params a constructor call may leave out: those equal to what the class gives
    when called with no arguments (``null``), or with just ``null`` (the rest)."""
    plain = _class_defaults(spec.column_class, None)
    defaults = dict(_class_defaults(spec.column_class, spec.null))
    if "null" in plain:
        defaults["null"] = plain["null"]
    return defaults


def _class_defaults(class_name: str, null: bool | None) -> dict[str, Any]:
    """The params of a column of this class built with no arguments (or ``null`` only)."""
    key = (class_name, null)
    if key not in _class_default_cache:
        klass = COLUMN_CLASSES.get(class_name)
        arguments: dict[str, Any] = {} if null is None else {"null": null}
        if klass is None:
            defaults: dict[str, Any] = {}
        elif class_name == "Array":
            array = Array(base_column=Integer(), **arguments)
            defaults = {k: v for k, v in column_spec(array).params if k != "base_column"}
        elif class_name == "ForeignKey":
            defaults = dict(column_spec(Integer(**arguments)).params)
            defaults.update(default=None, on_delete=OnDelete.cascade, on_update=OnUpdate.cascade)
            if null is None:
                defaults["null"] = True  # a foreign key is nullable unless told otherwise
        else:
            defaults = dict(column_spec(klass(**arguments)).params)
        _class_default_cache[key] = defaults
    return _class_default_cache[key]


def _is_default_primary_key(column: ColumnSpec) -> bool:
    return (
        column.column_class == "Serial"
        and column.primary_key
        and not column.param("db_column_name")
    )
