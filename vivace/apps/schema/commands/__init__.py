"""Piccolo's ``piccolo.apps.schema.commands``: the ``generate`` module.

Example: ``from vivace.apps.schema.commands.generate import get_output_schema``.
"""
