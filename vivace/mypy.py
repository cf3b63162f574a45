"""A mypy plugin that checks the constructor of tables declared Piccolo's way.

``name = Varchar()`` is a class attribute without an annotation: type checkers do not
make it a constructor parameter (``TypedTable`` needs ``name: Varchar = Varchar()``).
This plugin gives mypy what the columns say: ``Band(...)`` and
``Band.objects().create(...)`` take each column as an optional keyword, typed by what the
column accepts (a ``str`` for a ``Varchar``, ``int | None`` for ``Integer(null=True)``, the
row or its key for a ``ForeignKey``), besides ``_data``, ``_ignore_missing`` and
``_exists_in_db``. Pyright has no plugins: there, use ``TypedTable``.

Example (``pyproject.toml``)::

    [tool.mypy]
    plugins = ["vivace.mypy"]

Then ``Band(nme="x")`` is ``Unexpected keyword argument "nme" for "Band"; did you mean
"name"?  [call-arg]``.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import ARG_NAMED_OPT, ARG_STAR2, FuncDef, TypeInfo, Var
from mypy.plugin import FunctionSigContext, MethodSigContext, Plugin
from mypy.subtypes import find_member
from mypy.types import CallableType, FunctionLike, Instance, Type, get_proper_type

_TABLE_BASE = "vivace.schema.table.TableBase"
_TABLE = "vivace.orm.table.Table"
_COLUMN = "vivace.schema.column.Column"
_CREATE = "vivace.orm.objects.Objects.create"


class VivacePlugin(Plugin):
    """Table constructors and ``objects().create()`` typed by the table's columns.

    Example: with ``plugins = ["vivace.mypy"]``, ``Band(name=123)`` is
    ``Argument "name" to "Band" has incompatible type "int"; expected "str"``.
    """

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        # Called for every call by name: only a table class (a call builds a row) matters.
        symbol = self.lookup_fully_qualified(fullname)
        info = symbol.node if symbol is not None else None
        if not isinstance(info, TypeInfo) or not info.has_base(_TABLE):
            return None
        return lambda ctx: _with_columns(ctx.default_signature, info, keep_star=False)

    def get_method_signature_hook(
        self, fullname: str
    ) -> Callable[[MethodSigContext], FunctionLike] | None:
        if fullname != _CREATE:
            return None
        return _create_signature


def _create_signature(ctx: MethodSigContext) -> FunctionLike:
    """``Band.objects().create(**columns)``: the table is the ``Objects[Band]`` argument."""
    objects = get_proper_type(ctx.type)
    if isinstance(objects, Instance) and objects.args:
        table = get_proper_type(objects.args[0])
        if isinstance(table, Instance):
            return _with_columns(ctx.default_signature, table.type, keep_star=True)
    return ctx.default_signature


def _with_columns(signature: FunctionLike, info: TypeInfo, keep_star: bool) -> FunctionLike:
    """``signature`` with its ``**kwargs`` replaced by one optional keyword per column.

    Left as it is when the table's constructor is not ``TableBase``'s (a dataclass-style
    ``TypedTable``, a user's own ``__init__``) or a column's type is not known yet.
    """
    if not isinstance(signature, CallableType) or signature.arg_kinds[-1:] != [ARG_STAR2]:
        return signature
    init = info.get_method("__init__")
    if not keep_star and not (isinstance(init, FuncDef) and init.info.fullname == _TABLE_BASE):
        return signature
    columns = _columns(info)
    if columns is None:
        return signature
    return signature.copy_modified(
        arg_types=[*signature.arg_types[:-1], *columns.values()],
        arg_kinds=[*signature.arg_kinds[:-1], *[ARG_NAMED_OPT] * len(columns)],
        arg_names=[*signature.arg_names[:-1], *columns],
        definition=None,  # not TableBase.__init__: no "defined in vivace.schema.table" note
    )


def _columns(info: TypeInfo) -> dict[str, Type] | None:
    """Each column of the table (inherited ones included) and the type its ``__set__``
    takes; None if mypy has not inferred an attribute's type yet."""
    columns: dict[str, Type] = {}
    for klass in reversed(info.mro):
        for name, symbol in klass.names.items():
            node = symbol.node
            if not isinstance(node, Var):
                continue
            if node.type is None:
                return None
            columns.pop(name, None)  # redefined lower down: no longer (that) column
            declared = get_proper_type(node.type)
            if not isinstance(declared, Instance) or not declared.type.has_base(_COLUMN):
                continue
            setter = get_proper_type(find_member("__set__", declared, declared))
            if isinstance(setter, CallableType) and len(setter.arg_types) == 2:
                columns[name] = setter.arg_types[1]
    return columns


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point: ``plugins = ["vivace.mypy"]`` makes mypy call it."""
    return VivacePlugin
