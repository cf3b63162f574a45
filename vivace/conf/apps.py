"""Piccolo's import path ``piccolo.conf.apps``: re-exports of ``vivace.conf``.

Example: ``from vivace.conf.apps import AppConfig, AppRegistry, Command, table_finder``.
"""

from vivace.conf import AppConfig, AppRegistry, Command, Finder, table_finder

__all__ = ["AppConfig", "AppRegistry", "Command", "Finder", "table_finder"]
