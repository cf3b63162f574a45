"""Test helpers with Piccolo's names: ``ModelBuilder``, ``RandomBuilder``, ``TableTest``,
``AsyncTableTest``, ``AsyncTransactionTest`` and ``RollbackScope``; a pytest plugin
(``pytest_vivace``, loaded automatically) gives the ``vivace_transaction``
fixture.

Example::

    from vivace.testing import ModelBuilder

    band = await ModelBuilder.build(Band)
"""

from vivace.testing.builders import ModelBuilder
from vivace.testing.cases import AsyncTableTest, AsyncTransactionTest, TableTest
from vivace.testing.random_values import RandomBuilder
from vivace.testing.rollback import RollbackScope

__all__ = [
    "AsyncTableTest",
    "AsyncTransactionTest",
    "ModelBuilder",
    "RandomBuilder",
    "RollbackScope",
    "TableTest",
]
