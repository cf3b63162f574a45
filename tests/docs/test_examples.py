"""Every Python example of the documentation runs on SQLite and gives what the page says.

See ``tests/docs/examples.py`` for how blocks are read, marked and checked.
"""

from __future__ import annotations

import datetime
import decimal
import gc
import os
import subprocess
import sys
import types
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.docs.examples import DOCS, Block, matches, python_blocks, run_block, stated_value
from vivace.engine import Engine
from vivace.schema.registry import all_tables
from vivace.testing import ModelBuilder

PAGES = sorted(page for page in DOCS.rglob("*.md") if python_blocks(page))

# A page without its own vivace_conf.py gets this one: a file in the page's directory.
DEFAULT_CONF = 'from vivace.engine import SQLiteEngine\n\nDB = SQLiteEngine(path="docs.sqlite")\n'


# The modules the pages made (their namespaces and files), for the leak check below.
PAGE_MODULES: set[str] = set()


def _module_name(page: Path) -> str:
    return "docs_" + "_".join(page.relative_to(DOCS).with_suffix("").parts).replace("-", "_")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
async def test_page_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("VIVACE_CONF", raising=False)
    (tmp_path / "vivace_conf.py").write_text(DEFAULT_CONF)
    written = {"vivace_conf"}
    module_name = _module_name(page)
    module = types.ModuleType(module_name)
    for name in written:
        sys.modules.pop(name, None)
    sys.modules[module.__name__] = module
    try:
        for block in python_blocks(page):
            title = block.options.get("title", "")
            if title.endswith(".py"):
                (tmp_path / title).write_text(block.code)
                written.add(title[:-3])
                sys.modules.pop(title[:-3], None)
                if title.startswith("test_"):
                    _run_pytest(tmp_path, title, block)
            elif "skip" not in block.options:
                await run_block(block, module)
    finally:
        await _close_engines(module, [sys.modules.get(name) for name in written])
        for name in written | {module_name}:
            sys.modules.pop(name, None)
        module.__dict__.clear()
        # ModelBuilder remembers the unique values it gave, per table class: forget the
        # page's tables, which would otherwise stay alive (and registered by name).
        for key in [key for key in ModelBuilder._used if key[0].__module__ in written]:
            del ModelBuilder._used[key]
        gc.collect()  # the page's Table classes leave the registry of table names
    PAGE_MODULES.update(written | {module_name})


def _run_pytest(folder: Path, name: str, block: Block) -> None:
    """A page's test file passes under pytest, run as a user would (the plugin included)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        cwd=folder,
        env={key: value for key, value in os.environ.items() if key != "VIVACE_CONF"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and " passed" in run.stdout, f"{block.where}:\n{run.stdout}"


async def _close_engines(*namespaces: object) -> None:
    modules: list[object] = []
    for namespace in namespaces:
        modules.extend(namespace if isinstance(namespace, list) else [namespace])
    for module in modules:
        if module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Engine):
                await value.close_connection_pool()


def test_pages_leave_no_tables_registered() -> None:
    """Runs after the pages: their Table classes are gone, so later tests that find
    tables by name (``ForeignKey("Manager")``) never meet a page's."""
    gc.collect()
    left = [table for table in all_tables() if table.__module__ in PAGE_MODULES]
    assert not left, f"tables still registered after the pages ran: {left}"


def test_skipped_blocks_say_why_and_stay_rare() -> None:
    blocks = [block for page in PAGES for block in python_blocks(page)]
    skipped = [block for block in blocks if "skip" in block.options]
    assert all(block.options["skip"].strip() for block in skipped), [b.where for b in skipped]
    assert len(skipped) <= len(blocks) // 5, [f"{b.where}: {b.options['skip']}" for b in skipped]


def _page(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text)
    return page


def test_blocks_are_read_with_their_options(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        'Text\n\n```python title="vivace_conf.py"\nDB = None\n```\n\n```bash\nls\n```\n\n'
        '```python skip="needs PostgreSQL"\nx = 1\n```\n',
    )
    blocks = python_blocks(page)
    assert [(b.line, b.code, b.options) for b in blocks] == [
        (4, "DB = None\n", {"title": "vivace_conf.py"}),
        (12, "x = 1\n", {"skip": "needs PostgreSQL"}),
    ]


async def test_a_wrong_stated_result_fails(tmp_path: Path) -> None:
    page = _page(tmp_path, "```python\nx = 2\nx + 1  # 3\nx * 2\n# 5\n```\n")
    [block] = python_blocks(page)
    module = types.ModuleType("docs_harness_check")
    with pytest.raises(AssertionError, match=r"page.md:4: the page says 5, the code gives 4"):
        await run_block(block, module)
    assert module.x == 2


async def test_top_level_await_and_prose_comments(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "```python\nimport asyncio\n\nawait asyncio.sleep(0)  # yields once\n"
        "[n async for n in numbers()]  # [0, 1, ...]\n```\n",
    )
    module = types.ModuleType("docs_harness_await")

    async def numbers() -> AsyncIterator[int]:
        for n in range(5):
            yield n

    module.numbers = numbers  # type: ignore[attr-defined]
    assert await run_block(python_blocks(page)[0], module) == 1


def test_ellipsis_ends_a_list_and_elides_elsewhere() -> None:
    assert matches([1, 2, ...], [1, 2, 3])
    assert not matches([1, 2, ...], [1, 3, 3])
    assert matches({"a": ...}, {"a": 5})
    assert not matches([{"a": 1}], [{"a": 2}])


def test_block_location_names_the_page() -> None:
    block = Block(DOCS / "index.md", 7, "")
    assert block.where == "docs/index.md:7"


def test_stated_values_are_literals_or_value_constructors() -> None:
    assert stated_value('{"price": decimal.Decimal("9.99")}') == {"price": decimal.Decimal("9.99")}
    assert stated_value("datetime.timezone.utc") is datetime.UTC
    assert stated_value("[-1, (2, 3)]") == [-1, (2, 3)]
    for prose_or_code in ["per manager", "manager", "open('x')", "__import__('os')", "1 + 1"]:
        with pytest.raises((ValueError, SyntaxError)):
            stated_value(prose_or_code)


async def test_a_trailing_remark_leaves_the_result_to_the_line_below(tmp_path: Path) -> None:
    page = _page(tmp_path, "```python\nx = 3\nx  # a remark in prose\n# 4\n```\n")
    with pytest.raises(AssertionError, match="the page says 4, the code gives 3"):
        await run_block(python_blocks(page)[0], types.ModuleType("docs_harness_remark"))
