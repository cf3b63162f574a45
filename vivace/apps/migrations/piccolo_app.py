"""Piccolo's ``piccolo.apps.migrations.piccolo_app``: the migrations app's ``APP_CONFIG``,
whose commands are the functions of ``vivace.apps.migrations.commands``.

The ``vivace migrations`` command line is built in; this is for code that reads the
config, e.g. to call a command by name.

Example::

    from vivace.apps.migrations.piccolo_app import APP_CONFIG

    [command.name for command in APP_CONFIG.commands]
    # ["backwards", "check", "clean", "forwards", "new"]
"""

from vivace.apps.migrations.commands.backwards import backwards
from vivace.apps.migrations.commands.check import check
from vivace.apps.migrations.commands.clean import clean
from vivace.apps.migrations.commands.forwards import forwards
from vivace.apps.migrations.commands.new import new
from vivace.conf import AppConfig, Command

APP_CONFIG = AppConfig(
    app_name="migrations",
    migrations_folder_path="",
    commands=[
        Command(callable=backwards, aliases=["b", "back", "backward"]),
        Command(callable=check),
        Command(callable=clean),
        Command(callable=forwards, aliases=["f", "forward"]),
        Command(callable=new, aliases=["n", "create"]),
    ],
)
