"""Piccolo's ``piccolo.apps.schema`` path: ``commands.generate``.

Example: ``from vivace.apps.schema.commands.generate import get_output_schema``.
"""
