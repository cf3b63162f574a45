"""``vivace tester run``: pytest with a test configuration (``VIVACE_CONF``).

Example::

    $ vivace tester run                                   # VIVACE_CONF=vivace_conf_test
    $ vivace tester run --pytest_args="-x tests/test_bands.py" --setup_conf=conf.test
"""

from __future__ import annotations

import click

from vivace.apps.tester.commands.run import DEFAULT_TEST_CONF, run_pytest
from vivace.cli.group import VivaceGroup
from vivace.exceptions import ConfigurationError


@click.group(name="tester", cls=VivaceGroup)
def group() -> None:
    """Run the project's tests.

    \b
    Example:
        vivace tester run
    """


@group.command(name="run")
@click.option(
    "--pytest_args",
    "--pytest-args",
    default="",
    help="Arguments for pytest, in one string (quoted as in a shell).",
)
@click.option(
    "--setup_conf",
    "--setup-conf",
    "--vivace_conf",
    "--vivace-conf",
    "setup_conf",
    default=DEFAULT_TEST_CONF,
    show_default=True,
    help="The configuration module the tests use (set as VIVACE_CONF).",
)
def run(pytest_args: str, setup_conf: str) -> int:
    """Run pytest with VIVACE_CONF naming a test configuration (its own database).

    \b
    Examples:
        vivace tester run
        vivace tester run --pytest_args="-x -k bands" --setup_conf=conf_test
    """
    try:
        return run_pytest(pytest_args, setup_conf)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
