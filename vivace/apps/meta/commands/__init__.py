"""Piccolo's ``piccolo.apps.meta.commands``: the ``version`` module.

Example: ``from vivace.apps.meta.commands.version import version``.
"""
