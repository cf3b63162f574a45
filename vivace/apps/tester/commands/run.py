"""Piccolo's ``piccolo.apps.tester.commands.run``: pytest with a test configuration.

The configuration module is named in ``VIVACE_CONF`` for the test run (pytest runs in a
child process, so the tests import it afresh); ``vivace tester run`` calls the same code.

Example::

    from vivace.apps.tester.commands.run import run

    run(pytest_args="-x tests/test_bands.py", piccolo_conf="vivace_conf_test")
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys

from vivace.engine.finder import ENVIRONMENT_VARIABLE
from vivace.exceptions import ConfigurationError

__all__ = ["DEFAULT_TEST_CONF", "run", "run_pytest"]

#: The configuration module tests use unless another is named.
DEFAULT_TEST_CONF = "vivace_conf_test"


def run_pytest(pytest_args: str = "", setup_conf: str = DEFAULT_TEST_CONF) -> int:
    """Run pytest (arguments in one string, split as a shell does) with ``VIVACE_CONF``
    set to ``setup_conf``; returns pytest's exit status. ``ConfigurationError`` when no
    module ``setup_conf`` is found (from the working directory too).

    Example: ``run_pytest("-x -k bands", "conf.test")`` -> ``0`` when the tests pass.
    """
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if importlib.util.find_spec(setup_conf) is None:
        raise ConfigurationError(
            f"no module {setup_conf} (a configuration with a test database; "
            f"copy vivace_conf.py to {setup_conf.replace('.', '/')}.py and change its DB)"
        )
    environment = {**os.environ, ENVIRONMENT_VARIABLE: setup_conf}
    command = [sys.executable, "-m", "pytest", *shlex.split(pytest_args)]
    return subprocess.run(command, env=environment).returncode


def run(pytest_args: str = "", piccolo_conf: str = DEFAULT_TEST_CONF) -> None:
    """Run the project's tests with the configuration module ``piccolo_conf`` (Vivace's
    default: ``vivace_conf_test``) and exit with pytest's status, as Piccolo's does.

    Example: ``run(pytest_args="-s", piccolo_conf="settings.vivace_test")``.
    """
    sys.exit(run_pytest(pytest_args, piccolo_conf))
