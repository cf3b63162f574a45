"""``create_pydantic_model``: a pydantic (v2) model made from a Table, as Piccolo's.

Each column becomes a field of its Python type, with the column's limits in the schema:
``Varchar(length=n)`` a ``max_length``, ``Numeric(digits=(p, s))`` ``max_digits`` and
``decimal_places``, ``choices`` the allowed values (an ``enum`` in the JSON schema),
``Email`` an email address, ``JSON`` text that must parse (or, with
``deserialize_json=True``, the parsed value). As in Piccolo every field is optional
(``None`` by default, ``None`` accepted) unless its column says ``required=True``; a
column with ``db_column_name`` is read under that name as well (its alias). Each field's
``json_schema_extra`` carries ``extra`` metadata for admin tools: ``help_text``,
``choices``, ``secret``, ``nullable``, ``unique``, ``foreign_key`` (``{"to": table,
"target_column": name}``), ``widget``, ``dimensions`` (arrays).

Example::

    BandModel = create_pydantic_model(Band, nested=True, include_default_columns=True)
    BandModel(**band.to_dict()).manager.name
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Optional

import pydantic
from pydantic import (
    AfterValidator,
    AliasChoices,
    ConfigDict,
    Field,
    WrapSerializer,
    WrapValidator,
)

from vivace.schema import (
    JSON,
    Array,
    Column,
    Email,
    ForeignKey,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from vivace.types.choices import member_value

#: Admin widgets by column kind (Piccolo Admin reads them from ``extra``); foreign keys
#: get none.
_WIDGETS: tuple[tuple[type[Column[Any]], str], ...] = (
    (Text, "text-area"),
    (JSON, "json"),
    (Timestamptz, "timestamptz"),
)


#: The module the models say they come from: Piccolo's path (``piccolo.utils.pydantic``)
#: with ``vivace`` in its place. Pydantic names a nested model's ``$defs`` entry after it
#: when two short names clash (``vivace__utils__pydantic__Band__manager__country``), so a
#: JSON schema reads as Piccolo's once ``piccolo`` is replaced by ``vivace``.
MODEL_MODULE = "vivace.utils.pydantic"


def _valid_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise ValueError("Unable to parse the JSON.") from None
    return value


def _pass_none(value: Any, handler: Any) -> Any:
    """Lets ``None`` through a field whose annotation (as in Piccolo) is not Optional."""
    return None if value is None else handler(value)


def _none_allowed(annotation: Any) -> Any:
    """``annotation`` as the field's type and schema, ``None`` accepted and dumped too."""
    return Annotated[annotation, WrapValidator(_pass_none), WrapSerializer(_pass_none)]


def _value_type(column: Column[Any], deserialize_json: bool) -> Any:
    """The annotation for one value of ``column`` (without nullability)."""
    choices = column._meta.choices
    if choices is not None:
        return Literal[tuple(member_value(member) for member in choices)]
    if isinstance(column, ForeignKey):
        return _value_type(column.target_column, deserialize_json)
    if isinstance(column, Array):
        return list[_value_type(column.base_column, deserialize_json)]  # type: ignore[misc]
    if isinstance(column, JSON):
        if deserialize_json:
            return pydantic.Json
        return Annotated[str, AfterValidator(_valid_json)]
    if isinstance(column, Email):
        return Annotated[pydantic.EmailStr, Field(max_length=column.length)]
    if isinstance(column, Varchar):
        return pydantic.constr(max_length=column.length)
    if isinstance(column, Numeric):
        precision, scale = column.digits or (None, None)
        return pydantic.condecimal(max_digits=precision, decimal_places=scale)
    return column.python_type


def _dimensions(column: Array[Any]) -> int:
    inner = column.base_column
    return 1 + _dimensions(inner) if isinstance(inner, Array) else 1


def _extra(column: Column[Any]) -> dict[str, Any]:
    meta = column._meta
    extra: dict[str, Any] = {
        "help_text": meta.help_text,
        "choices": meta.get_choices_dict(),
        "secret": meta.secret,
        "nullable": meta.null,
        "unique": meta.unique,
    }
    if isinstance(column, Numeric) and column.digits is not None:
        extra["digits"] = list(column.digits)
    if isinstance(column, ForeignKey):
        extra["foreign_key"] = {
            "to": column.resolved_references._meta.tablename,
            "target_column": column.target_column._meta.name,
        }
        return extra
    for kind, widget in _WIDGETS:
        if isinstance(column, kind):
            extra["widget"] = widget
            break
    if isinstance(column, Array):
        extra["dimensions"] = _dimensions(column)
    return extra


def _is_default(column: Column[Any], table: Any) -> bool:
    """Whether ``column`` is one of the table's default columns (the primary key), left
    out unless ``include_default_columns``."""
    return any(column is default for default in table._meta.default_columns)


def _same(column: Column[Any], other: Column[Any]) -> bool:
    """The same column of the same table, however it was reached (``Band.manager.name``
    is ``Manager.name``): how Piccolo matches the columns given to its options."""
    return (
        column._meta.name == other._meta.name
        and column._meta.table._meta.tablename == other._meta.table._meta.tablename
    )


def _matches(column: Column[Any], given: Iterable[Column[Any]]) -> bool:
    return any(_same(column, other) for other in given)


def _with_chains(columns: tuple[Column[Any], ...]) -> list[Column[Any]]:
    """``columns`` and the foreign keys walked to reach them."""
    return list(itertools.chain(columns, *(column._meta.call_chain for column in columns)))


def _check_columns(table: Any, columns: tuple[Any, ...], what: str) -> None:
    """Columns of ``table``, or reached from it (``Band.manager.name``); not names."""
    for column in columns:
        chain = column._meta.call_chain if isinstance(column, Column) else ()
        if not isinstance(column, Column) or (
            column._meta.table is not table and not (chain and chain[0]._meta.table is table)
        ):
            raise ValueError(
                f"`{what}` are invalid: {column!r} is not a column of {table.__name__}"
            )


def _check_nested(table: Any, nested: tuple[Any, ...]) -> None:
    for column in nested:
        chain = column._meta.call_chain if isinstance(column, Column) else ()
        root = chain[0]._meta.table if chain else getattr(column._meta, "table", None)
        if root is not table or not isinstance(column, ForeignKey):
            raise ValueError(f"nested must be foreign keys of {table.__name__}: {column!r}")


def create_pydantic_model(
    table: Any,
    nested: bool | tuple[ForeignKey[Any], ...] = False,
    exclude_columns: tuple[Column[Any], ...] = (),
    include_columns: tuple[Column[Any], ...] = (),
    include_default_columns: bool = False,
    include_readable: bool = False,
    all_optional: bool = False,
    model_name: str | None = None,
    deserialize_json: bool = False,
    recursion_depth: int = 0,
    max_recursion_depth: int = 5,
    pydantic_config: ConfigDict | None = None,
    json_schema_extra: dict[str, Any] | None = None,
    **schema_extra_kwargs: Any,
) -> type[pydantic.BaseModel]:
    """A pydantic model of ``table``'s rows (Piccolo's signature; see the module docstring).

    ``nested``: True (every foreign key) or a tuple of foreign keys (paths such as
    ``Band.manager.country`` nest every key along them) whose rows are nested models,
    named ``"<model>.<key>"``, down to ``max_recursion_depth`` levels; other keys hold the
    target's value. ``exclude_columns``/``include_columns`` take columns of the table or
    of the tables it reaches (``Band.manager.name``), and apply to the nested models too.
    ``include_default_columns`` adds the primary key; ``include_readable`` adds a
    ``<key>_readable`` string per foreign key; ``all_optional`` makes every field optional.
    ``json_schema_extra`` (and any other keyword) goes into the model's JSON schema, its
    ``extra`` merged with the table's ``help_text``.
    """
    if exclude_columns and include_columns:
        raise ValueError("`include_columns` and `exclude_columns` can't be used at the same time.")
    if recursion_depth == 0:
        _check_columns(table, exclude_columns, "exclude_columns")
        _check_columns(table, include_columns, "include_columns")
        if isinstance(nested, tuple):
            _check_nested(table, nested)
    included = _with_chains(include_columns)
    nested_keys = _with_chains(nested) if isinstance(nested, tuple) else []
    model_name = model_name or table.__name__
    fields: dict[str, Any] = {}
    for column in table._meta.columns:
        name = column._meta.name
        if (
            _matches(column, exclude_columns)
            or (include_columns and not _matches(column, included))
            or (not include_default_columns and _is_default(column, table))
        ):
            continue
        optional = all_optional or not column._meta.required
        annotation: Any = _value_type(column, deserialize_json)
        if optional:
            annotation = Optional[annotation]  # noqa: UP045 (a runtime-built annotation)
        if (
            isinstance(column, ForeignKey)
            and (nested is True or _matches(column, nested_keys))
            and recursion_depth < max_recursion_depth
        ):
            annotation = create_pydantic_model(
                column.resolved_references,
                nested=nested,
                exclude_columns=exclude_columns,
                include_columns=include_columns,
                include_default_columns=include_default_columns,
                include_readable=include_readable,
                all_optional=all_optional,
                model_name=f"{model_name}.{name}",
                deserialize_json=deserialize_json,
                recursion_depth=recursion_depth + 1,
                max_recursion_depth=max_recursion_depth,
            )
            if optional:
                annotation = _none_allowed(annotation)
        aliases: dict[str, Any] = {}
        db_name = column._meta.db_column_name
        if db_name != name:
            aliases = {"alias": db_name, "validation_alias": AliasChoices(db_name, name)}
        # The help text is in ``extra`` only, as in Piccolo (no ``description``).
        field = Field(
            default=None if optional else ...,
            json_schema_extra={"extra": _extra(column)},
            **aliases,
        )
        fields[name] = (annotation, field)
        if include_readable and isinstance(column, ForeignKey):
            fields[f"{name}_readable"] = (_none_allowed(str), None)
    config = ConfigDict(**(pydantic_config or {}))
    config["arbitrary_types_allowed"] = True
    schema_extra: dict[str, Any] = {**(json_schema_extra or {}), **schema_extra_kwargs}
    schema_extra["extra"] = {**schema_extra.get("extra", {}), "help_text": table._meta.help_text}
    config["json_schema_extra"] = schema_extra
    model: type[pydantic.BaseModel] = pydantic.create_model(
        model_name, __config__=config, __module__=MODEL_MODULE, **fields
    )
    model.__qualname__ = model_name
    return model
