"""Piccolo's ``piccolo.apps.user.commands``: ``create``, ``change_password`` and
``change_permissions`` modules (``shared`` holds what ``vivace user`` uses too).

Example: ``from vivace.apps.user.commands.create import create``.
"""
