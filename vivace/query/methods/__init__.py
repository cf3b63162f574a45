"""Piccolo's import path ``piccolo.query.methods``: the query classes.

``Create``, ``CreateIndex`` and ``DropIndex`` (Piccolo's ``CREATE TABLE``/``INDEX`` and
``DROP INDEX`` queries) all name Vivace's one DDL query class, which
``Band.create_table()``, ``create_index()`` and ``drop_index()`` return.

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
from vivace.query.methods.create import Create
from vivace.query.methods.create_index import CreateIndex
from vivace.query.methods.drop_index import DropIndex
from vivace.query.methods.refresh import Refresh

__all__ = [
    "Alter",
    "Count",
    "Create",
    "CreateIndex",
    "Delete",
    "DropIndex",
    "Exists",
    "Indexes",
    "Insert",
    "Objects",
    "Raw",
    "Refresh",
    "Select",
    "TableExists",
    "Update",
]
