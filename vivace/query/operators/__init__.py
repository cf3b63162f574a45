"""Piccolo's import path ``piccolo.query.operators``: ``json`` (reaching into JSON values).

Example: ``from vivace.query.operators.json import GetChildElement``.
"""
