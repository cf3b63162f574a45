"""Piccolo's ``piccolo.apps.tester.commands``: the ``run`` module.

Example: ``from vivace.apps.tester.commands.run import run``.
"""
