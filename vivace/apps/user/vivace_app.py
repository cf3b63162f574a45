"""The user app under Vivace's own naming: ``"vivace.apps.user.vivace_app"`` in
``APP_REGISTRY`` is the same app as ``"vivace.apps.user.piccolo_app"``.

Example: ``APP_REGISTRY = AppRegistry(apps=["vivace.apps.user.vivace_app"])``.
"""

from vivace.apps.user.piccolo_app import APP_CONFIG

__all__ = ["APP_CONFIG"]
