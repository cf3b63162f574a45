"""The root ``vivace`` group and ``main(argv) -> int``: errors become one line and an exit code.

Exit codes: 0 done, 1 an error (a ``VivaceError``, missing configuration, a failed command),
2 a usage error (unknown command, bad option or argument). ``--trace`` (anywhere on the
line, as in Piccolo) shows the traceback instead of the one-line message.

Example::

    >>> main(["meta", "version"])
    0.1.0
    0
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from vivace.cli.app_commands import app_group
from vivace.cli.group import VivaceGroup
from vivace.cli.output import error_line, note
from vivace.cli.registry import available_group_names, load_group
from vivace.conf import AppConfig, load_configuration
from vivace.exceptions import VivaceError

TRACE_FLAG = "--trace"
USAGE_ERROR = 2
FAILURE = 1


def _apps_with_commands() -> dict[str, AppConfig]:
    """The project's apps that offer commands (the configuration is imported for this)."""
    configs = load_configuration().app_registry.app_configs
    return {name: config for name, config in configs.items() if config.commands}


class RootGroup(VivaceGroup):
    """The top level: built-in groups, imported only when named, then the apps' commands."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        builtins = available_group_names()
        try:
            apps = [name for name in _apps_with_commands() if name not in builtins]
        except Exception as error:
            # Help must work in a broken project too: the built-in commands repair it.
            note(f"(the apps' commands are not listed: {error})")
            apps = []
        return sorted(builtins) + apps

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = load_group(cmd_name)
        if found is None and not cmd_name.startswith("-"):
            config = _apps_with_commands().get(cmd_name)
            found = app_group(config) if config is not None else None
        return found


@click.group(name="vivace", cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(TRACE_FLAG, is_flag=True, expose_value=False, help="Show tracebacks of errors.")
@click.version_option(package_name="vivace", message="%(version)s")
def root() -> None:
    """Vivace: a fast, typed asyncio ORM with Piccolo's API.

    \b
    Examples:
        vivace playground run          # learn the API on example data
        vivace project new             # write a vivace_conf.py
        vivace migrations forwards all
    """


def _usage_message(error: click.UsageError) -> str:
    """One line: where the mistake is, what it is, and what exists instead."""
    message = error.format_message().replace("\n", " ")
    ctx = error.ctx
    if ctx is None:
        return message
    if isinstance(error, click.NoSuchOption):
        names = sorted(opt for param in ctx.command.params for opt in param.opts if opt[:1] == "-")
        message = f"{message.rstrip('.')}; the options are: {', '.join([*names, '--help'])}"
    return f"{ctx.command_path}: {message}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Example::

        >>> main(["meta", "version"])
        0.1.0
        0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    trace = TRACE_FLAG in args
    args = [arg for arg in args if arg != TRACE_FLAG]
    try:
        result = root.main(args=args, prog_name="vivace", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        # ``vivace`` or ``vivace meta`` alone: the help is the answer, as a usage error.
        click.echo(error.ctx.get_help() if error.ctx else error.format_message(), err=True)
        return USAGE_ERROR
    except click.UsageError as error:
        error_line(_usage_message(error))
        return USAGE_ERROR
    except click.ClickException as error:
        error_line(error.format_message())
        return error.exit_code
    except click.Abort:
        error_line("aborted")
        return FAILURE
    except VivaceError as error:
        if trace:
            traceback.print_exc()
        else:
            error_line(f"{error} (--trace shows the traceback)")
        return FAILURE
    except Exception as error:
        if trace:
            traceback.print_exc()
        else:
            error_line(f"{type(error).__name__}: {error} (--trace shows the traceback)")
        return FAILURE
    return result if isinstance(result, int) else 0
