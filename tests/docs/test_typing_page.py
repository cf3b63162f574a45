"""The typing page tells the truth: its examples pass mypy --strict and pyright strict.

The page's Python blocks, in order, become the body of one ``async def`` (so top-level
``await`` is valid), written to a file outside the repository and checked like a user's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from mypy import api as mypy_api

from tests.docs.examples import DOCS, python_blocks

PAGE = DOCS / "typing.md"


def _page_as_module(folder: Path) -> Path:
    code = "".join(block.code for block in python_blocks(PAGE) if "skip" not in block.options)
    path = folder / "typing_page.py"
    path.write_text("async def page() -> None:\n" + textwrap.indent(code, "    "))
    return path


def test_typing_page_passes_mypy_strict(tmp_path: Path) -> None:
    path = _page_as_module(tmp_path)
    report, errors, status = mypy_api.run(["--strict", "--no-error-summary", str(path)])
    assert status == 0, report + errors


def test_typing_page_passes_pyright_strict(tmp_path: Path) -> None:
    path = _page_as_module(tmp_path)
    # The page's helper functions are nested in page() here, unused: not the page's fault.
    config = {"typeCheckingMode": "strict", "reportUnusedFunction": False}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run(
        [str(pyright), "--pythonpath", sys.executable, path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_check_sees_a_false_claim(tmp_path: Path) -> None:
    """A wrong assert_type in the page's shape is reported (the check can fail)."""
    path = tmp_path / "wrong.py"
    path.write_text(
        "from typing import assert_type\n\nfrom vivace import Table\nfrom vivace.columns "
        "import Varchar\n\n\nasync def page() -> None:\n    class Band(Table):\n"
        "        name = Varchar()\n\n    def f(band: Band) -> None:\n"
        "        assert_type(band.name, int)\n"
    )
    report, _, status = mypy_api.run(["--strict", "--no-error-summary", str(path)])
    assert status == 1 and "assert-type" in report, report


# The page's table of what a user reads for a mistaken TypedTable constructor call.
MISTAKES = """
from vivace import TypedTable
from vivace.columns import Varchar


class Venue(TypedTable):
    name: Varchar = Varchar()


Venue(nme="x")
Venue(name=123)
"""
MESSAGES = {
    "mypy": [
        'Unexpected keyword argument "nme" for "Venue"; did you mean "name"?  [call-arg]',
        'Argument "name" to "Venue" has incompatible type "int"; expected "str"  [arg-type]',
    ],
    "pyright": [
        'No parameter named "nme" (reportCallIssue)',
        'Argument of type "Literal[123]" cannot be assigned to parameter "name" of type "str" '
        'in function "__init__"',
    ],
}


def test_the_constructor_messages_are_the_checkers(tmp_path: Path) -> None:
    page = PAGE.read_text()
    path = tmp_path / "mistakes.py"
    path.write_text(MISTAKES)
    report, _, status = mypy_api.run(["--strict", "--no-error-summary", str(path)])
    assert status == 1
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run(
        [str(pyright), "--pythonpath", sys.executable, path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    for checker, output in (("mypy", report), ("pyright", run.stdout)):
        for message in MESSAGES[checker]:
            assert message in output, (checker, output)
            assert message in page, message
