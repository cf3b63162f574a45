"""The name a database gives a selected expression written without ``AS``.

A ``QueryString`` selected without an alias is keyed, as in Piccolo, by the name the
database reports for its column. Vivace works that name out once, when the statement is
compiled, from the fragment's SQL text (so running the query costs nothing more):

- SQLite (and the SQL-text rule of the base dialect) names a column reference by the
  column's declared name and any other expression by its text as written:
  ``"band"."name"`` -> ``name``, ``popularity * ?`` -> ``popularity * ?``.
- PostgreSQL follows its parser's rule (``FigureColname``): a column reference gives the
  column, a function call its function, a cast the inner name or else the type, ``CASE``
  ``case``, and any other expression ``?column?``.

Example::

    >>> postgres_expression_name("upper(\\"band\\".\\"name\\")")
    'upper'
    >>> sql_text_expression_name(' "band"."NAME" ', ["name"])
    'name'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["postgres_expression_name", "sql_text_expression_name"]

#: PostgreSQL's name for an expression it cannot name.
UNNAMED = "?column?"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
    | (?P<qid>(?:[Uu]&)?"(?:[^"]|"")*")
    | (?P<str>(?:[EeBbXxNn])?'(?:[^']|'')*')
    | (?P<param>\$\d+)
    | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[Ee][+-]?\d+)?)
    | (?P<id>[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*)
    | (?P<cast>::)
    | (?P<punct>[()\[\],.])
    | (?P<op>[-+*/<>=~!@#%^&|`?:]+)
    """,
    re.VERBOSE | re.DOTALL,
)

Token = tuple[str, str]

#: Words that make an expression an operation PostgreSQL leaves unnamed.
_OPERATOR_WORDS = frozenset(
    {"and", "or", "not", "is", "isnull", "notnull", "in", "like", "ilike", "similar"}
    | {"between", "overlaps", "escape"}
)
_CONSTANT_WORDS = frozenset({"true", "false", "null"})

#: Type names as PostgreSQL's grammar resolves them (the last word is the name).
_TYPE_NAMES = {
    "int": "int4",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "boolean": "bool",
    "decimal": "numeric",
    "dec": "numeric",
    "character varying": "varchar",
    "char varying": "varchar",
    "national character varying": "varchar",
    "national char varying": "varchar",
    "nchar varying": "varchar",
    "character": "bpchar",
    "char": "bpchar",
    "national character": "bpchar",
    "national char": "bpchar",
    "nchar": "bpchar",
    "bit varying": "varbit",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
}

_TRIM_NAMES = {"leading": "ltrim", "trailing": "rtrim"}


def tokens(sql: str) -> list[Token]:
    """``(kind, text)`` pairs; unquoted identifiers lower-cased, quoted ones unquoted."""
    result: list[Token] = []
    position = 0
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None:  # a character no rule knows: an operator to PostgreSQL
            result.append(("op", sql[position]))
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup or "op"
        text = match.group()
        if kind == "space":
            continue
        if kind == "id":
            text = text.lower()
        elif kind == "qid":
            text = text[text.index('"') + 1 : -1].replace('""', '"')
        elif kind == "punct":
            kind = text
        result.append((kind, text))
    return result


def _close(toks: Sequence[Token], start: int) -> int:
    """The index of the bracket closing the one at ``start`` (or past the end)."""
    depth = 0
    for index in range(start, len(toks)):
        kind = toks[index][0]
        if kind in "([" or toks[index] == ("id", "case"):
            depth += 1
        elif kind in ")]" or toks[index] == ("id", "end"):
            depth -= 1
            if depth == 0:
                return index
    return len(toks)


def _top_level(toks: Sequence[Token]) -> list[int]:
    """Indexes of the tokens outside any bracket (and outside ``CASE ... END``)."""
    indexes, index = [], 0
    while index < len(toks):
        indexes.append(index)
        if toks[index][0] in "([" or toks[index] == ("id", "case"):
            index = _close(toks, index)
        index += 1
    return indexes


def type_name(toks: Sequence[Token]) -> str:
    """``double precision`` -> ``float8``: the name PostgreSQL gives a cast's type."""
    words: list[str] = []
    quoted = None
    for position in _top_level(toks):
        kind, text = toks[position]
        if kind == "qid":
            quoted = text
        elif kind == "id" and text != "array":
            words.append(text)
        elif kind == ".":
            words, quoted = [], None  # a schema-qualified name: the last part counts
        elif kind == "(" and words == ["float"]:
            precision = toks[position + 1][1] if position + 1 < len(toks) else ""
            if precision.isdigit() and int(precision) <= 24:
                return "float4"
    if quoted is not None:
        return quoted
    name = " ".join(words)
    if words[:1] == ["interval"]:
        return "interval"  # interval fields (`interval day`) do not change the name
    return _TYPE_NAMES.get(name, name)


def _figure(toks: Sequence[Token]) -> tuple[str | None, int]:
    """PostgreSQL's name for an expression and how strongly it holds (2 strong, 1 weak:
    a cast around a weakly named expression is named by its type)."""
    while toks and toks[0][0] == "(" and _close(toks, 0) == len(toks) - 1:
        inner = toks[1:-1]
        if inner[:1] == [("id", "select")]:
            return _subselect(inner), 2
        toks = inner
    if not toks:
        return None, 0
    top = _top_level(toks)
    words = [toks[i] for i in top]
    for position, (kind, text) in zip(top, words):
        if kind == "op" or (kind == "id" and text in _OPERATOR_WORDS):
            return None, 0
        after_name = position > 0 and toks[position - 1][0] != "."
        if (kind, text) == ("id", "at") and after_name:
            return "timezone", 2
        if (kind, text) == ("id", "collate") and after_name:
            return _figure(toks[:position])
    casts = [i for i in top if toks[i][0] == "cast"]
    if casts:
        name, strength = _figure(toks[: casts[-1]])
        if strength <= 1:
            return type_name(toks[casts[-1] + 1 :]), 1
        return name, strength
    return _primary(toks)


def _primary(toks: Sequence[Token]) -> tuple[str | None, int]:
    """The name of an expression with no operator or cast at its top level."""
    kind, text = toks[0]
    following = toks[1][0] if len(toks) > 1 else ""
    if kind == "id":
        if text == "case":
            return "case", 1
        if text == "cast" and following == "(":
            return _cast(toks[2 : _close(toks, 1)])
        if text in ("array", "row"):
            return text, 2 if (text, following) == ("array", "(") else 1
        if text == "exists":
            return "exists", 2
        if text in _CONSTANT_WORDS:
            return None, 0
        if following == "str":
            return type_name(toks[:1]), 1  # a typed literal: interval '1 day'
        if text == "trim" and following == "(":
            return _TRIM_NAMES.get(toks[2][1] if len(toks) > 2 else "", "btrim"), 2
        if text == "treat" and following == "(":
            return _cast(toks[2 : _close(toks, 1)], always_type=True)
        if text == "collation" and toks[1:2] == [("id", "for")]:
            return "pg_collation_for", 2
    if kind not in ("id", "qid", "("):
        return None, 0  # a constant or a parameter
    # A chain of names, calls, subscripts and field selections: the last name wins;
    # subscripts keep the name before them.
    name: tuple[str | None, int] = (None, 0)
    index = 0
    while index < len(toks):
        kind, text = toks[index]
        if kind in ("id", "qid"):
            if index + 1 < len(toks) and toks[index + 1][0] == "(":
                name = (text, 2)
                index = _close(toks, index + 1)
                # FILTER (...), OVER (...), WITHIN GROUP (...) keep the function's name
                while index + 1 < len(toks) and toks[index + 1][0] == "id":
                    index += 1
                    if index + 1 < len(toks) and toks[index + 1][0] == "(":
                        index = _close(toks, index + 1)
            else:
                name = (text, 2)
        elif kind == "(":
            end = _close(toks, index)
            name = _figure(toks[index : end + 1])
            index = end
        elif kind == "[":
            index = _close(toks, index)
        elif kind == "op" and text == "*":
            return None, 0  # `t.*`: several columns
        elif kind != ".":
            return None, 0
        index += 1
    return name


def _cast(inside: Sequence[Token], always_type: bool = False) -> tuple[str | None, int]:
    """``CAST(x AS type)``: x's name, or the type's when x has only a weak one
    (``TREAT(x AS type)`` is always named by its type)."""
    for position in _top_level(inside):
        if inside[position] == ("id", "as"):
            name, strength = _figure(inside[:position])
            if always_type or strength <= 1:
                return type_name(inside[position + 1 :]), 1
            return name, strength
    return None, 0


def _subselect(toks: Sequence[Token]) -> str:
    """``(SELECT x ...)``: the name of its first column (its alias, if written)."""
    top = _top_level(toks)
    end = next((i for i in top[1:] if toks[i][0] == "," or toks[i][1] == "from"), len(toks))
    target = toks[1:end]
    if len(target) >= 2 and target[-2] == ("id", "as"):
        return target[-1][1]
    before = target[-2] if len(target) >= 2 else ("", "")
    ends_expression = before[0] in (")", "]", "num", "str", "qid") or (
        before[0] == "id" and before[1] not in _OPERATOR_WORDS
    )
    if target and target[-1][0] in ("id", "qid") and ends_expression:
        return target[-1][1]  # `SELECT count(*) c`: an alias without AS
    return _figure(target)[0] or UNNAMED


def postgres_expression_name(sql: str) -> str:
    """The column name PostgreSQL gives ``SELECT <sql>`` (``?column?`` when none)."""
    return _figure(tokens(sql))[0] or UNNAMED


_COLUMN_REFERENCE = re.compile(
    r"""^(?:(?:"(?:[^"]|"")*"|\[[^\]]*\]|`[^`]*`|[A-Za-z_][A-Za-z0-9_$]*)\s*\.\s*){0,2}
    ("(?:[^"]|"")*"|\[[^\]]*\]|`[^`]*`|[A-Za-z_][A-Za-z0-9_$]*)$""",
    re.VERBOSE,
)


def sql_text_expression_name(sql: str, columns: Sequence[str]) -> str:
    """The column name SQLite gives ``SELECT <sql>``: a reference to one of ``columns``
    (the statement's columns) is named by the column as declared, anything else by its
    text, from its first character to its last."""
    text = sql.strip()
    inner = text
    while inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1].strip()
    match = _COLUMN_REFERENCE.match(inner)
    if match is not None:
        name = match.group(1)
        if name[0] in '"[`':
            name = name[1:-1].replace('""', '"') if name[0] == '"' else name[1:-1]
        declared = {column.lower(): column for column in columns}
        if name.lower() in declared:
            return declared[name.lower()]
    return text
