"""Reading the Python examples out of the documentation pages, and running them.

A page's ```` ```python ```` blocks run in order, in one module namespace, with top-level
``await`` allowed, inside a fresh working directory. The info string may carry:

- ``title="name.py"``: the block is that file (written to the working directory, not run),
  e.g. the ``vivace_conf.py`` of a page;
- ``skip="reason"``: the block is not run (it needs PostgreSQL, or is a fragment); the
  reason is required and reported.

```` ```console ```` blocks are commands, run in the page's directory: each ``$ `` line is
one command (``vivace`` and ``python`` are the ones of the running interpreter), the
lines below it up to the next ``$ `` its expected output. ``...`` inside a line matches
any text, a line of just ``...`` any number of lines; a command with no lines below it
only has to succeed.

A top-level expression followed by a comment that reads as a Python value states its
result, and the result is checked: ``await Band.count()`` then ``# 3`` (or ``# 3`` at the
end of the same line). A value is a literal, possibly holding ``decimal.Decimal(...)``,
``datetime.date(...)``/``datetime.datetime(...)``/... and ``uuid.UUID(...)`` calls.
``...`` as a list's last item means "and more rows". A comment that is no such value
(prose) is not checked.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import inspect
import re
import shlex
import subprocess
import sys
import types
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs"

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<info>[^`]*)$")


@dataclass
class Block:
    """One fenced Python block of a page."""

    page: Path
    line: int  # the page's line number of the block's first code line
    code: str
    options: dict[str, str] = field(default_factory=dict)
    language: str = "python"

    @property
    def where(self) -> str:
        page = self.page.relative_to(DOCS.parent) if self.page.is_relative_to(DOCS) else self.page
        return f"{page}:{self.line}"


def page_blocks(page: Path) -> list[Block]:
    """The python and console blocks of ``page``, in order, with their info-string options."""
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if opening is None:
            continue
        words = shlex.split(opening["info"].strip())
        closing = opening["indent"] + opening["fence"]
        start = index
        while index < len(lines) and lines[index].rstrip() != closing:
            index += 1
        body = [line[len(opening["indent"]) :] for line in lines[start:index]]
        index += 1
        language = {"python": "python", "py": "python", "console": "console"}.get(
            words[0] if words else ""
        )
        if language is not None:
            options = dict(word.split("=", 1) for word in words[1:] if "=" in word)
            blocks.append(Block(page, start + 1, "\n".join(body) + "\n", options, language))
    return blocks


def python_blocks(page: Path) -> list[Block]:
    """The ```` ```python ```` blocks of ``page``."""
    return [block for block in page_blocks(page) if block.language == "python"]


def console_steps(block: Block) -> list[tuple[str, list[str]]]:
    """A console block's commands, each with the output lines the page shows for it."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line.rstrip())
    return steps


def output_matches(expected: list[str], actual: str) -> bool:
    """``actual`` reads as ``expected``, where ``...`` is any text (a line of it: any lines)."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?"
        if line.strip() == "..."
        else re.escape(line).replace(r"\.\.\.", ".*") + r"\n"
        for line in expected
    )
    lines = "".join(line.rstrip() + "\n" for line in actual.splitlines())
    return re.fullmatch(pattern, lines) is not None


def run_console(block: Block, folder: Path, env: dict[str, str]) -> None:
    """Run a console block's commands in ``folder``; each succeeds and prints what is shown."""
    tools = Path(sys.executable).parent
    for command, expected in console_steps(block):
        words = shlex.split(command)
        extra = {}
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            name, value = words.pop(0).split("=", 1)
            extra[name] = value
        if words[0] == "python":
            words[0] = sys.executable
        elif (tools / words[0]).exists():
            words[0] = str(tools / words[0])
        run = subprocess.run(
            words,
            cwd=folder,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        shown = run.stdout + run.stderr
        if run.returncode != 0:
            raise AssertionError(f"{block.where}: `{command}` exited {run.returncode}:\n{shown}")
        if expected and not output_matches(expected, shown):
            raise AssertionError(
                f"{block.where}: `{command}` printed:\n{shown}\nthe page shows:\n"
                + "\n".join(expected)
            )


def stated_result(block: Block, statement: ast.stmt) -> tuple[bool, Any]:
    """``(True, value)`` when a comment states the statement's result: the comment at the
    end of its last line, else the comment lines right below it (a trailing remark in
    prose leaves the lines below to state the result)."""
    lines = block.code.splitlines()
    end = statement.end_lineno or statement.lineno
    trailing = lines[end - 1][statement.end_col_offset or 0 :].strip()
    following = []
    for line in lines[end:]:
        if not line.startswith("# "):
            break
        following.append(line[2:])
    for comment in (trailing[1:] if trailing.startswith("#") else "", " ".join(following)):
        try:
            return True, stated_value(comment.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return False, None


# The names a stated result may call: values that have no literal of their own.
_VALUE_NAMES: dict[str, Any] = {"decimal": decimal, "datetime": datetime, "uuid": uuid}
_VALUE_NODES = (
    ast.Expression,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.UnaryOp,
    ast.USub,
    ast.Call,
    ast.keyword,
    ast.Attribute,
    ast.Name,
    ast.Load,
)


def stated_value(text: str) -> Any:
    """The value ``text`` spells: a literal, or one built by decimal/datetime/uuid calls.

    Raises ``ValueError`` for anything else (names, operators, other calls), so prose
    and arbitrary code are never evaluated.
    """
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _VALUE_NODES):
            raise ValueError(f"not a value: {ast.dump(node)}")
        if isinstance(node, ast.Name) and node.id not in _VALUE_NAMES:
            raise ValueError(f"unknown name {node.id}")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute):
            raise ValueError("only decimal/datetime/uuid constructors may be called")
    return eval(compile(tree, "<stated result>", "eval"), {"__builtins__": {}}, _VALUE_NAMES)


def matches(expected: Any, actual: Any) -> bool:
    """``expected == actual``; a list ending in ``...`` matches any longer tail."""
    if isinstance(expected, list) and expected and expected[-1] is Ellipsis:
        head = expected[:-1]
        return isinstance(actual, list) and matches(head, actual[: len(head)])
    if _has_ellipsis(expected):
        return True  # "..." elsewhere elides a value: not checkable
    return bool(expected == actual)


def _has_ellipsis(value: Any) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, dict):
        return any(_has_ellipsis(v) for v in value.values())
    if isinstance(value, list | tuple | set):
        return any(_has_ellipsis(v) for v in value)
    return False


async def run_block(block: Block, module: types.ModuleType) -> int:
    """Run one block in ``module``'s namespace; returns how many stated results it checked."""
    tree = ast.parse(block.code, filename=block.where)
    stated = [stated_result(block, statement) for statement in tree.body]
    ast.increment_lineno(tree, block.line - 1)  # tracebacks name the page's own lines
    filename = str(block.page)
    checked = 0
    for statement, (has_result, expected) in zip(tree.body, stated):
        if isinstance(statement, ast.Expr):
            value = await _run(ast.Expression(statement.value), filename, "eval", module)
            if has_result:
                checked += 1
                if not matches(expected, value):
                    raise AssertionError(
                        f"{block.page.name}:{statement.lineno}: the page says {expected!r}, "
                        f"the code gives {value!r}"
                    )
        else:
            await _run(ast.Module([statement], []), filename, "exec", module)
    return checked


async def _run(
    tree: ast.Module | ast.Expression, filename: str, mode: str, module: types.ModuleType
) -> Any:
    """Compile and run ``tree`` in ``module``, awaiting it when it has a top-level await."""
    code = compile(tree, filename, mode, flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, module.__dict__)
    if code.co_flags & inspect.CO_COROUTINE:
        result = await result
    return result
