"""Piccolo's ``piccolo.apps.tester`` path: ``commands.run``.

Example: ``from vivace.apps.tester.commands.run import run``.
"""
