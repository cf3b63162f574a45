"""Piccolo's ``piccolo.apps.migrations.commands``: ``forwards``, ``backwards`` modules."""
