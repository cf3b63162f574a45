"""Piccolo's import path ``piccolo.query.methods.create_index``: the query ``create_index()``
gives.

``CreateIndex`` names Vivace's one DDL query class (``vivace.orm.ddl.DDL``), so
annotations and ``isinstance`` checks of Piccolo code hold. Make one with
``Band.create_index([...])``.

Example::

    from vivace.query.methods.create_index import CreateIndex

    query: CreateIndex = Band.create_index([Band.name], if_not_exists=True)
    await query
"""

from vivace.orm.ddl import DDL as CreateIndex

__all__ = ["CreateIndex"]
