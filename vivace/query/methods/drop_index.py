"""Piccolo's import path ``piccolo.query.methods.drop_index``: the query ``drop_index()``
gives.

``DropIndex`` names Vivace's one DDL query class (``vivace.orm.ddl.DDL``), so annotations
and ``isinstance`` checks of Piccolo code hold. Make one with ``Band.drop_index([...])``.

Example::

    from vivace.query.methods.drop_index import DropIndex

    query: DropIndex = Band.drop_index([Band.name])
    await query
"""

from vivace.orm.ddl import DDL as DropIndex

__all__ = ["DropIndex"]
