"""Piccolo's import path ``piccolo.query.methods.create``: the query ``create_table()`` gives.

Vivace has one class for its DDL queries (``vivace.orm.ddl.DDL``, the statements built
from the engine's dialect when run); ``Create`` names it, so annotations and
``isinstance`` checks of Piccolo code hold. Make one with ``Band.create_table()``.
It is not ``vivace.query.methods.objects.Create``, the query of ``objects().create()``.

Example::

    from vivace.query.methods.create import Create

    query: Create = Band.create_table(if_not_exists=True)
    await query
"""

from vivace.orm.ddl import DDL as Create

__all__ = ["Create"]
