"""The ``vivace`` command line (also ``python -m vivace``), built on click.

Adding a command group:

1. Write ``vivace/cli/commands/<name>.py`` exporting a click group called ``group``, made with
   ``@click.group(name="<name>", cls=VivaceGroup, aliases={...})`` (``VivaceGroup`` from
   ``vivace.cli.group`` gives Piccolo's aliases and one-line errors).
2. Give every command a docstring with an example (after a ``\\b`` line, so click keeps the
   layout) and Piccolo's option names (``--auto_input``, underscores kept).
3. Add ``"<name>"`` to ``BUILTIN_GROUPS`` in ``vivace/cli/registry.py``. The root imports a
   group only when it is used, so a group module may import what it needs at the top.

Raise ``VivaceError`` (or ``click.ClickException``) for a failure: ``main`` prints one line and
returns 1; usage mistakes return 2; ``--trace`` shows the traceback. Use
``vivace.cli.output.progress`` for long work (drawn only on a terminal).

Example::

    $ vivace meta version
    0.1.0
"""

from vivace.cli.main import main, root

__all__ = ["main", "root"]
