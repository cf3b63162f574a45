"""Piccolo's ``piccolo.apps.meta`` path: ``commands.version``.

Example: ``from vivace.apps.meta.commands.version import version``.
"""
