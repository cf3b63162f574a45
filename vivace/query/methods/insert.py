"""Piccolo's import path ``piccolo.query.methods.insert``: the insert query and its
``on_conflict`` actions.

Example: ``Band.insert(band).on_conflict(action=OnConflictAction.do_nothing)``.
"""

import enum

from vivace.orm import Insert


class OnConflictAction(str, enum.Enum):
    """The actions ``Insert.on_conflict(action=...)`` accepts (plain strings work too)."""

    do_nothing = "DO NOTHING"
    do_update = "DO UPDATE"


__all__ = ["Insert", "OnConflictAction"]
