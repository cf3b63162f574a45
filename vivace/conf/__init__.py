"""Project configuration: apps, their tables and commands, and the ``vivace_conf`` loader.

Example (``vivace_conf.py``)::

    from vivace.conf import AppRegistry
    from vivace.engine import SQLiteEngine

    DB = SQLiteEngine(path="music.sqlite")
    APP_REGISTRY = AppRegistry(apps=["music.vivace_app"])
"""

from vivace.conf.app_config import AppConfig, Command
from vivace.conf.loading import Configuration, Finder, load_configuration
from vivace.conf.registry import AppRegistry, load_app_config
from vivace.conf.table_finder import table_finder

__all__ = [
    "AppConfig",
    "AppRegistry",
    "Command",
    "Configuration",
    "Finder",
    "load_app_config",
    "load_configuration",
    "table_finder",
]
