"""``vivace app``: make an app (tables, its ``APP_CONFIG``, a migrations folder) and list apps.

Example::

    $ vivace app new music --register
    $ vivace app show_all
    music  music.vivace_app
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from vivace.cli.group import VivaceGroup
from vivace.cli.options import root_option
from vivace.cli.registration import register_app
from vivace.cli.scaffold import render, write_new
from vivace.conf import load_configuration
from vivace.engine.finder import DEFAULT_MODULE, ENVIRONMENT_VARIABLE

APP_FILES = {
    "__init__.py": "app/__init__.py.tmpl",
    "tables.py": "app/tables.py.tmpl",
    "vivace_app.py": "app/vivace_app.py.tmpl",
    "migrations/__init__.py": "app/migrations__init__.py.tmpl",
}


@click.group(
    name="app",
    cls=VivaceGroup,
    aliases={"create": "new", "show": "show_all", "all": "show_all", "list": "show_all"},
)
def group() -> None:
    """Make apps and list the registered ones.

    \b
    Example:
        vivace app new music --register
    """


def _module_path(folder: Path) -> str:
    """The dotted module path of ``folder`` seen from the working directory."""
    try:
        relative = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return folder.name
    return ".".join(relative.parts)


def _conf_file() -> Path:
    """The configuration file of the working directory's project."""
    name = os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_MODULE
    return Path(*name.split(".")).with_suffix(".py")


@group.command(name="new")
@click.argument("app_name")
@root_option("The folder the app is made in")
@click.option("--register", is_flag=True, help="Add the app to APP_REGISTRY in vivace_conf.py.")
def new(app_name: str, root: Path, register: bool) -> None:
    """Make an app: tables.py, vivace_app.py (its APP_CONFIG) and a migrations folder.

    \b
    Examples:
        vivace app new music --register
        vivace app new blog --root=apps
    """
    if not app_name.isidentifier():
        raise click.BadParameter("a Python identifier (letters, digits, _)", param_hint="APP_NAME")
    folder = root / app_name
    if folder.exists():
        raise click.ClickException(f"{folder} exists already")
    conf = _conf_file()
    if register and not conf.exists():
        # Checked before writing: a half-made app folder would refuse the command's rerun.
        raise click.ClickException(f"no {conf} to register the app in (vivace project new)")
    module = _module_path(folder)
    class_name = "".join(part.capitalize() for part in app_name.split("_")) or "Item"
    for relative, template in APP_FILES.items():
        text = render(template, app_name=app_name, module=module, class_name=class_name)
        write_new(folder / relative, text)
    if register:
        if register_app(conf, f"{module}.vivace_app"):
            click.echo(f"Registered {module}.vivace_app in {conf}")
    else:
        click.echo(f'Register it: add "{module}.vivace_app" to APP_REGISTRY (or use --register)')


@group.command(name="show_all")
def show_all() -> None:
    """List the registered apps and the modules of their APP_CONFIG.

    \b
    Example:
        vivace app show_all
    """
    registry = load_configuration().app_registry
    configs = registry.app_configs
    if not configs:
        click.echo("No apps are registered (vivace app new NAME --register).")
        return
    for module_path, config in zip(registry.apps, configs.values()):
        click.echo(f"{config.app_name}  {module_path}")
