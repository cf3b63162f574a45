"""The command-line frame: entry points, help, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

import vivace
from vivace.cli import main
from vivace.cli.registry import BUILTIN_GROUPS, available_group_names, load_group

VENV_BIN = Path(sys.executable).parent


def test_meta_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meta", "version"]) == 0
    assert capsys.readouterr().out.strip() == vivace.__version__


def test_alias_and_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meta", "v"]) == 0
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.split() == [vivace.__version__] * 2


def test_help_on_every_command_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for name in available_group_names():
        group = load_group(name)
        assert isinstance(group, click.Group), name
        names = group.list_commands(click.Context(group))
        commands = [[name]] + [[name, command] for command in names]
        for path in commands:
            assert main([*path, "--help"]) == 0, path
            assert "Example" in capsys.readouterr().out, path


def test_no_arguments_show_the_help_as_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "Commands:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["nosuch"], "vivace: no command 'nosuch'; the commands are: "),
        (["meta", "nosuch"], "vivace meta: no command 'nosuch'; the commands are: version"),
        (["meta", "version", "--bad"], "the options are: --help"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_unknown_group_name_is_not_loaded() -> None:
    assert load_group("nosuch") is None
    assert set(available_group_names()) <= set(BUILTIN_GROUPS)


def test_errors_are_one_line_and_trace_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vivace.cli import root
    from vivace.exceptions import ConfigurationError

    @root.command(name="boom-test")
    @click.argument("kind")
    def boom(kind: str) -> None:
        if kind == "vivace":
            raise ConfigurationError("no DB in vivace_conf")
        if kind == "click":
            raise click.ClickException("the file is not there")
        if kind == "abort":
            raise click.Abort()
        raise RuntimeError("unexpected")

    monkeypatch.setattr(type(root), "get_command", lambda self, ctx, name: root.commands.get(name))
    try:
        assert main(["boom-test", "vivace"]) == 1
        assert capsys.readouterr().err == (
            "Error: no DB in vivace_conf (--trace shows the traceback)\n"
        )
        assert main(["boom-test", "click"]) == 1
        assert capsys.readouterr().err == "Error: the file is not there\n"
        assert main(["boom-test", "abort"]) == 1
        assert main(["boom-test", "other"]) == 1
        assert "RuntimeError: unexpected" in capsys.readouterr().err
        assert main(["boom-test", "vivace", "--trace"]) == 1
        assert main(["--trace", "boom-test", "other"]) == 1
        err = capsys.readouterr().err
        assert err.count("Traceback") == 2 and "ConfigurationError" in err
    finally:
        root.commands.pop("boom-test")


def test_the_installed_script_and_python_dash_m() -> None:
    for command in ([str(VENV_BIN / "vivace")], [sys.executable, "-m", "vivace"]):
        done = subprocess.run([*command, "meta", "version"], capture_output=True, text=True)
        assert (done.returncode, done.stdout.strip()) == (0, vivace.__version__)
        done = subprocess.run([*command, "nosuch"], capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr.startswith("Error: vivace: no command 'nosuch'")
