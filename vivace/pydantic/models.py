"""``create_pydantic_model``: a pydantic (v2) model made from a Table, with Piccolo's options.

Each column becomes a field of its Python type, with the column's limits in the schema:
``Varchar(length=n)`` a ``max_length``, ``Numeric(digits=(p, s))`` ``max_digits`` and
``decimal_places``, ``choices`` the allowed values (an ``enum`` in the JSON schema),
``null=True`` an optional type, ``Email`` an email address, ``JSON`` text that must parse
(or, with ``deserialize_json=True``, the parsed value). A field is required only when its
column says ``required=True`` (as in Piccolo). Each field's ``json_schema_extra`` carries
``extra`` metadata for admin tools: ``help_text``, ``choices``, ``secret``, ``nullable``,
``unique``, ``foreign_key``, ``to``, ``target_column``, ``widget``.

Example::

    BandModel = create_pydantic_model(Band, nested=True, include_default_columns=True)
    BandModel(**band.to_dict()).manager.name
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Optional

import pydantic
from pydantic import AfterValidator, ConfigDict, Field

from vivace.schema import (
    JSON,
    Array,
    Column,
    Email,
    ForeignKey,
    Numeric,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)

#: Admin widgets by column kind (Piccolo Admin reads them from ``extra``).
_WIDGETS: tuple[tuple[type[Column[Any]], str], ...] = (
    (JSON, "json"),
    (Text, "text-area"),
    (Timestamptz, "timestamptz"),
    (Timestamp, "timestamp"),
)


def _valid_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise ValueError("Unable to parse the JSON.") from None
    return value


def _value_type(column: Column[Any], deserialize_json: bool) -> Any:
    """The annotation for one value of ``column`` (without nullability)."""
    choices = column._meta.choices
    if choices is not None:
        return Literal[tuple(member.value for member in choices)]
    if isinstance(column, ForeignKey):
        return _value_type(column.target_column, deserialize_json)
    if isinstance(column, Array):
        return list[_value_type(column.base_column, deserialize_json)]  # type: ignore[misc]
    if isinstance(column, JSON):
        if deserialize_json:
            return pydantic.Json
        return Annotated[str | dict[str, Any] | list[Any], AfterValidator(_valid_json)]
    if isinstance(column, Email):
        return Annotated[pydantic.EmailStr, Field(max_length=column.length)]
    if isinstance(column, Varchar) and column.length is not None:
        return Annotated[str, Field(max_length=column.length)]
    if isinstance(column, Numeric) and column.digits is not None:
        precision, scale = column.digits
        return Annotated[column.python_type, Field(max_digits=precision, decimal_places=scale)]
    return column.python_type


def _extra(column: Column[Any]) -> dict[str, Any]:
    meta = column._meta
    extra: dict[str, Any] = {
        "help_text": meta.help_text,
        "choices": (
            {
                m.name: {"display_name": m.name.replace("_", " ").title(), "value": m.value}
                for m in meta.choices
            }
            if meta.choices is not None
            else None
        ),
        "secret": meta.secret,
        "nullable": meta.null,
        "unique": meta.unique,
    }
    if isinstance(column, Numeric) and column.digits is not None:
        extra["digits"] = list(column.digits)
    if isinstance(column, ForeignKey):
        target = column.resolved_references
        extra.update(
            foreign_key=True,
            to=target._meta.tablename,
            target_column=column.target_column._meta.name,
        )
    for kind, widget in _WIDGETS:
        if isinstance(column, kind):
            extra["widget"] = widget
            break
    return extra


def _names(table: Any, columns: Sequence[Any], what: str) -> set[str]:
    names = set()
    for column in columns:
        if isinstance(column, str):
            column = table._meta.get_column_by_name(column)
        if column._meta.call_chain or column._meta.table is not table:
            raise ValueError(f"{what} must be columns of {table.__name__}: {column!r}")
        names.add(column._meta.name)
    return names


def _nested_paths(table: Any, nested: tuple[ForeignKey[Any], ...]) -> dict[str, list[str]]:
    """The foreign keys to nest, by name, each with the paths below it to nest as well
    (``Concert.band_1.manager`` nests ``band_1``, and ``manager`` inside it)."""
    paths: dict[str, list[str]] = {}
    for column in nested:
        chain = column._meta.call_chain
        root = chain[0]._meta.table if chain else column._meta.table
        if root is not table or not isinstance(column, ForeignKey):
            raise ValueError(f"nested must be foreign keys of {table.__name__}: {column!r}")
        first, _, rest = column._meta.get_full_name().partition(".")
        below = paths.setdefault(first, [])
        if rest:
            below.append(rest)
    return paths


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

    ``nested``: True (every foreign key) or a tuple of foreign keys whose rows are nested
    models (down to ``max_recursion_depth`` levels); other keys hold the target's value.
    ``include_default_columns`` adds the primary key; ``include_readable`` adds a
    ``<key>_readable`` string per foreign key; ``all_optional`` makes every field optional.
    """
    if exclude_columns and include_columns:
        raise ValueError("`include_columns` and `exclude_columns` can't be used at the same time.")
    excluded = _names(table, exclude_columns, "exclude_columns")
    included = _names(table, include_columns, "include_columns")
    nested_paths = _nested_paths(table, nested) if isinstance(nested, tuple) else {}
    fields: dict[str, Any] = {}
    for column in table._meta.columns:
        name = column._meta.name
        if (
            name in excluded
            or (included and name not in included)
            or (column is table._meta.primary_key and not include_default_columns)
        ):
            continue
        annotation: Any = _value_type(column, deserialize_json)
        if (
            isinstance(column, ForeignKey)
            and (nested is True or name in nested_paths)
            and recursion_depth < max_recursion_depth
        ):
            target = column.resolved_references
            deeper = nested_paths.get(name, [])
            annotation = create_pydantic_model(
                target,
                nested=True
                if nested is True
                else tuple(target._meta.get_column_by_name(path) for path in deeper),
                include_default_columns=include_default_columns,
                include_readable=include_readable,
                all_optional=all_optional,
                deserialize_json=deserialize_json,
                recursion_depth=recursion_depth + 1,
                max_recursion_depth=max_recursion_depth,
                pydantic_config=pydantic_config,
            )
        if column._meta.null or all_optional:
            annotation = Optional[annotation]  # noqa: UP045 (a runtime-built annotation)
        required = column._meta.required and not all_optional
        field = Field(
            default=... if required else None,
            json_schema_extra={"extra": _extra(column)},
            description=column._meta.help_text,
        )
        fields[name] = (annotation, field)
        if include_readable and isinstance(column, ForeignKey):
            fields[f"{name}_readable"] = (Optional[str], None)  # noqa: UP045
    config = ConfigDict(arbitrary_types_allowed=True)
    config.update(pydantic_config or {})
    extra = {"help_text": table._meta.help_text, **(json_schema_extra or {}), **schema_extra_kwargs}
    config["json_schema_extra"] = {"extra": extra}
    return pydantic.create_model(model_name or table.__name__, __config__=config, **fields)
