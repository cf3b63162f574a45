"""Piccolo's ``piccolo.apps.migrations.commands``: ``new``, ``forwards``, ``backwards``,
``check`` and ``clean`` modules, each with the function of its name.

Example: ``from vivace.apps.migrations.commands.new import new``.
"""
