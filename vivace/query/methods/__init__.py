"""Piccolo's import path ``piccolo.query.methods``: the query classes.

Example: ``from vivace.query.methods import Select``.
"""

from vivace.orm import (
    Alter,
    Count,
    Delete,
    Exists,
    Indexes,
    Insert,
    Objects,
    Raw,
    Select,
    TableExists,
    Update,
)

__all__ = [
    "Alter",
    "Count",
    "Delete",
    "Exists",
    "Indexes",
    "Insert",
    "Objects",
    "Raw",
    "Select",
    "TableExists",
    "Update",
]
