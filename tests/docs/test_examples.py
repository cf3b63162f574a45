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

from tests.docs.examples import (
    DOCS,
    Block,
    console_steps,
    matches,
    output_matches,
    page_blocks,
    python_blocks,
    run_block,
    run_console,
    stated_value,
)
from vivace.engine import Engine
from vivace.schema.registry import all_tables
from vivace.table_reflection import TableStorage
from vivace.testing import ModelBuilder

PAGES = sorted(page for page in DOCS.rglob("*.md") if page_blocks(page))

# A page that has not written its own vivace_conf.py by its first Python block gets this.
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
    written = {"vivace_conf"}
    env = {key: value for key, value in os.environ.items() if key != "VIVACE_CONF"}
    # Tables defined elsewhere (BaseUser, ...) find the page's engine when a page uses
    # them: give them back the engine they had (none, if first imported by the page).
    engines_before = {table: table._meta._db for table in all_tables()}
    module_name = _module_name(page)
    module = types.ModuleType(module_name)
    for name in written:
        sys.modules.pop(name, None)
    sys.modules[module.__name__] = module
    try:
        for block in page_blocks(page):
            title = block.options.get("title", "")
            if "skip" in block.options:
                continue
            if block.language == "console":
                run_console(block, tmp_path, env)
            elif title.endswith(".py"):
                (tmp_path / title).write_text(block.code)
                written.add(title[:-3].replace("/", "."))
                sys.modules.pop(title[:-3].replace("/", "."), None)
                if title.startswith("test_"):
                    _run_pytest(tmp_path, title, block, env)
            else:
                if not (tmp_path / "vivace_conf.py").exists():
                    (tmp_path / "vivace_conf.py").write_text(DEFAULT_CONF)
                await run_block(block, module)
    finally:
        # The page's modules: those it wrote, and any imported from its directory.
        written |= {
            name
            for name, loaded in list(sys.modules.items())
            if str(getattr(loaded, "__file__", None) or "").startswith(str(tmp_path))
        }
        page_engines = await _close_engines(module, [sys.modules.get(name) for name in written])
        for name in written | {module_name}:
            sys.modules.pop(name, None)
        module.__dict__.clear()
        # ModelBuilder remembers the unique values it gave, per table class: forget the
        # page's tables, which would otherwise stay alive (and registered by name).
        for key in [key for key in ModelBuilder._used if key[0].__module__ in written]:
            del ModelBuilder._used[key]
        for table in all_tables():
            if table in engines_before:
                table._meta._db = engines_before[table]
            elif table.__module__ not in written and table._meta._db in page_engines:
                table._meta._db = None  # first bound by this page, to its engine
        del engines_before, page_engines
        gc.collect()  # the page's Table classes leave the registry of table names
    PAGE_MODULES.update(written | {module_name})


def _run_pytest(folder: Path, name: str, block: Block, env: dict[str, str]) -> None:
    """A page's test file passes under pytest, run as a user would (the plugin included)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and " passed" in run.stdout, f"{block.where}:\n{run.stdout}"


async def _close_engines(*namespaces: object) -> list[Engine]:
    """Close the engines the page's modules hold; returns them."""
    closed: list[Engine] = []
    modules: list[object] = []
    for namespace in namespaces:
        modules.extend(namespace if isinstance(namespace, list) else [namespace])
    for module in modules:
        if module is None:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Engine):
                await value.close_connection_pool()
                # TableStorage keeps one storage per engine, for good: drop the page's.
                TableStorage._storages.pop(id(value), None)
                closed.append(value)
    return closed


def test_pages_leave_no_tables_registered() -> None:
    """Runs after the pages: their Table classes are gone, so later tests that find
    tables by name (``ForeignKey("Manager")``) never meet a page's."""
    gc.collect()
    left = [table for table in all_tables() if table.__module__ in PAGE_MODULES]
    assert not left, f"tables still registered after the pages ran: {left}"


def test_skipped_blocks_say_why_and_stay_rare() -> None:
    blocks = [block for page in PAGES for block in page_blocks(page)]
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


def test_console_blocks_run_commands_and_compare_their_output(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "```console\n$ vivace meta version\n0.1...\n$ python -c 'print(1); print(2); print(3)'\n"
        "1\n...\n3\n$ VIVACE_X=7 python -c 'import os; print(os.environ[\"VIVACE_X\"])'\n```\n",
    )
    [block] = page_blocks(page)
    assert console_steps(block)[0] == ("vivace meta version", ["0.1..."])
    run_console(block, tmp_path, dict(os.environ))
    wrong = _page(tmp_path, "```console\n$ python -c 'print(2)'\n3\n```\n")
    with pytest.raises(AssertionError, match="the page shows"):
        run_console(page_blocks(wrong)[0], tmp_path, dict(os.environ))
    failing = _page(tmp_path, "```console\n$ python -c 'raise SystemExit(3)'\n```\n")
    with pytest.raises(AssertionError, match="exited 3"):
        run_console(page_blocks(failing)[0], tmp_path, dict(os.environ))


def test_output_lines_with_ellipses() -> None:
    assert output_matches(["wrote .../x.py"], "wrote /tmp/a/x.py\n")
    assert output_matches(["a", "...", "d"], "a\nb\nc\nd\n")
    assert output_matches(["a", "...", "b"], "a\nb\n")
    assert not output_matches(["a", "b"], "a\nb\nc\n")
