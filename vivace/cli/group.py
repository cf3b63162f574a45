"""The click group every Vivace command group uses: Piccolo's aliases and one-line usage errors.

Example::

    @click.group(name="meta", cls=VivaceGroup, aliases={"v": "version"})
    def group() -> None:
        "Information about Vivace."
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click


class VivaceGroup(click.Group):
    """A click group that knows Piccolo's command aliases (``create`` for ``new``, ...).

    An unknown command fails with one line naming the commands that exist, so a user never
    has to ask for ``--help`` to find the right word.

    Example::

        @click.group(cls=VivaceGroup, aliases={"create": "new"})
        def group() -> None: ...
    """

    def __init__(self, *args: Any, aliases: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.aliases: dict[str, str] = dict(aliases or {})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if (
            not name.startswith("-")
            and self.get_command(ctx, name) is None
            and not ctx.resilient_parsing
        ):
            known = ", ".join(self.list_commands(ctx)) or "none"
            raise click.UsageError(f"no command {name!r}; the commands are: {known}", ctx)
        return super().resolve_command(ctx, args)
