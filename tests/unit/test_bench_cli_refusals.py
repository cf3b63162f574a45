"""The benchmark commands refuse a mistyped option with one line naming it, before any
server is touched (a typo used to run nothing, or end in a traceback)."""

from __future__ import annotations

import argparse

import pytest

from benchmarks import cli
from benchmarks.asgi import command as asgi_command


def _asgi_args(**given: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    asgi_command.add_options(parser)
    args = parser.parse_args([])
    for name, value in given.items():
        setattr(args, name, value)
    return args


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("waits", "0,x", "--waits takes milliseconds, 0 or more, comma-separated (got 'x')"),
        ("waits", "-1", "--waits takes milliseconds, 0 or more, comma-separated (got '-1')"),
        ("tests", "db,dbx", "unknown test types: dbx (choose from db, queries1,"),
        ("loops", "trio", "unknown loops: trio (choose asyncio, uvloop)"),
        ("passes", -1, "--passes takes a number above 0 (got -1)"),
        ("seconds", -0.5, "--seconds takes a number above 0 (got -0.5)"),
    ],
)
def test_asgi_plan_refuses_a_mistyped_option(option: str, value: object, message: str) -> None:
    with pytest.raises(SystemExit) as refused:
        asgi_command.plan_from(_asgi_args(**{option: value}))
    assert str(refused.value.code).startswith(message)


def test_asgi_plan_takes_what_it_knows() -> None:
    plan, narrowed = asgi_command.plan_from(_asgi_args(waits="0,2.5", tests="db", loops="uvloop"))
    assert (plan.waits, [t.id for t in plan.tests], plan.loops) == ((0.0, 2.5), ["db"], ("uvloop",))
    assert narrowed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ops", "pk_dict,nope"], "unknown operation nope (python -m benchmarks --list)"),
        (["--only", "vivace,nobody"], "unknown contender nobody (python -m benchmarks --list)"),
        (["--backend", "oracle"], "unknown backend oracle: choose from"),
    ],
)
def test_suite_refuses_a_mistyped_option(argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main([*argv, "--no-install"])
    assert str(refused.value.code).startswith(message)
