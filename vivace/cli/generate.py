"""Table source for an existing database (``vivace schema generate``): the functions live
in ``vivace.apps.schema.commands.generate`` (Piccolo's path), re-exported here.

Example::

    source = tables_source(await DB.introspect())
"""

from vivace.apps.schema.commands.generate import HEADER, tables_source, unmapped_columns

__all__ = ["HEADER", "tables_source", "unmapped_columns"]
