"""Python source with top-level ``await``: run a snippet, run a file, or an interactive console.

The same compiler flag the standard library's asyncio REPL uses
(``ast.PyCF_ALLOW_TOP_LEVEL_AWAIT``), on one event loop that the caller owns, so connection
pools opened by one line are still good on the next.

Example::

    namespace = {"Band": Band}
    rows = await run_source("await Band.select(Band.name)", namespace)

    loop = asyncio.new_event_loop()
    AsyncConsole(namespace, loop).interact(banner="await Band.select() works here")
"""

from __future__ import annotations

import ast
import asyncio
import code
import importlib
import importlib.util
import inspect
import sys
from types import CodeType
from typing import Any

from vivace.exceptions import ConfigurationError

TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _compile(tree: ast.Module | ast.Expression, filename: str, mode: str) -> CodeType:
    compiled: CodeType = compile(tree, filename, mode, flags=TOP_LEVEL_AWAIT, dont_inherit=True)
    return compiled


async def _evaluate(compiled: CodeType, namespace: dict[str, Any]) -> Any:
    # Code with a top-level await evaluates to a coroutine that runs it.
    result = eval(compiled, namespace)
    if inspect.iscoroutine(result):
        result = await result
    return result


async def run_source(source: str, namespace: dict[str, Any], filename: str = "<vivace>") -> Any:
    """Run ``source`` in ``namespace``; return its last line's value when that is an expression.

    Example: ``await run_source("x = 1\\nx + 1", {})`` returns 2.
    """
    tree = ast.parse(source, filename)
    last: ast.expr | None = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1].value
        del tree.body[-1]
    await _evaluate(_compile(tree, filename, "exec"), namespace)
    if last is None:
        return None
    return await _evaluate(_compile(ast.Expression(last), filename, "eval"), namespace)


class AsyncConsole(code.InteractiveConsole):
    """An interactive console where ``await`` works at the top level, on ``loop``.

    Example: ``AsyncConsole({"Band": Band}, loop).interact()``.
    """

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace, filename="<vivace>")
        self.compile.compiler.flags |= TOP_LEVEL_AWAIT
        self.loop = loop

    def raw_input(self, prompt: str = "") -> str:
        """One line of input; piped input gets no prompts (they would only litter the output)."""
        return input(prompt if sys.stdin.isatty() else "")

    def runcode(self, code: CodeType) -> None:
        """Run one compiled input; an awaited line runs to its end on the console's loop."""
        try:
            result = eval(code, self.locals)
            if inspect.iscoroutine(result):
                self.loop.run_until_complete(result)
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()


def has_ipython() -> bool:
    """True when IPython is installed."""
    return importlib.util.find_spec("IPython") is not None


def interact(
    namespace: dict[str, Any],
    loop: asyncio.AbstractEventLoop,
    banner: str,
    use_ipython: bool | None = None,
) -> None:
    """An interactive shell on ``namespace`` where ``await`` works at the top level.

    IPython when it is installed (``use_ipython=None``) or asked for, else ``AsyncConsole``.
    Either way every awaited line runs on ``loop``, where the example data's pools live.
    """
    if use_ipython is None:
        use_ipython = has_ipython()
    if not use_ipython:
        AsyncConsole(namespace, loop).interact(banner=banner, exitmsg="")
        return
    if not has_ipython():
        raise ConfigurationError("IPython is not installed: pip install ipython (or --no_ipython)")
    ipapp = importlib.import_module("IPython.terminal.ipapp")
    app = ipapp.TerminalIPythonApp.instance(user_ns=namespace)
    app.config.TerminalInteractiveShell.banner2 = banner + "\n"  # shown by initialize()
    app.initialize(argv=[])
    # IPython runs awaited cells with this callable: the session's loop, not one of its own
    # (set on the shell, not through the Config, which would try to copy the loop).
    app.shell.loop_runner = loop.run_until_complete
    app.start()
