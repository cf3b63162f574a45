"""Writing scaffolds from Vivace's own templates (``vivace/cli/templates``, package data).

Templates use ``string.Template`` placeholders (``$app_name``): no template engine to install.

Example::

    text = render("app/tables.py.tmpl", app_name="music", module="music", class_name="Music")
    write_new(Path("music/tables.py"), text)
"""

from __future__ import annotations

import string
from importlib.resources import files
from pathlib import Path

import click

TEMPLATES = files("vivace.cli") / "templates"


def render(template: str, **values: str) -> str:
    """The text of ``template`` (a path under ``templates/``) with ``values`` put in."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    return string.Template(source).substitute(values)


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path``; an existing file is kept unless ``force``."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists already (--force replaces it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"Created {path}")
