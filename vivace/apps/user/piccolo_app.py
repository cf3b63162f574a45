"""Piccolo's user app path ``piccolo.apps.user.piccolo_app``: register it to get the
``piccolo_user`` table (``BaseUser``) and its migrations.

Example (``vivace_conf.py``)::

    APP_REGISTRY = AppRegistry(apps=["vivace.apps.user.piccolo_app", "music.vivace_app"])

then ``vivace migrations forwards user`` creates the table.
"""

import os

from vivace.auth import BaseUser
from vivace.conf import AppConfig

APP_CONFIG = AppConfig(
    app_name="user",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[BaseUser],
    migration_dependencies=[],
    commands=[],
)
