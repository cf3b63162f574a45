"""Piccolo's user app path ``piccolo.apps.user``: the user table lives in ``tables``.

Example: ``from vivace.apps.user.tables import BaseUser``.
"""
