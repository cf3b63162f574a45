"""unittest base classes with Piccolo's names and behaviour.

- ``TableTest``: ``tables`` are created before each test and dropped after it (sync).
- ``AsyncTableTest``: the same, for ``async def`` tests (``IsolatedAsyncioTestCase``).
- ``AsyncTransactionTest``: each test runs in a transaction rolled back after it, on
  ``db`` (default: the configured engine). As in Piccolo, the test's code is inside it
  (``transaction_exists()`` is True); transactions the code opens become savepoints
  (see ``vivace.testing.rollback``).

Example::

    class TestBand(AsyncTableTest):
        tables = [Manager, Band]

        async def test_insert(self) -> None:
            await Band.insert(Band(name="Pythonistas"))
            self.assertEqual(await Band.count(), 1)
"""

from __future__ import annotations

from typing import Any, ClassVar
from unittest import IsolatedAsyncioTestCase, TestCase

from vivace.engine import Engine, engine_finder
from vivace.exceptions import ConfigurationError
from vivace.orm import (
    Table,
    create_db_tables,
    create_db_tables_sync,
    drop_db_tables,
    drop_db_tables_sync,
)
from vivace.testing.rollback import RollbackScope


class TableTest(TestCase):
    """Creates ``tables`` before each test and drops them after it.

    Example::

        class TestBand(TableTest):
            tables = [Manager, Band]

            def test_insert(self) -> None:
                Band.insert(Band(name="Pythonistas")).run_sync()
                self.assertEqual(Band.count().run_sync(), 1)
    """

    tables: ClassVar[list[type[Table]]] = []

    def setUp(self) -> None:
        """Create ``tables``; an override calls it first.

        Example::

            def setUp(self) -> None:
                super().setUp()
                Manager.insert(Manager(name="Guido")).run_sync()
        """
        create_db_tables_sync(*self.tables)

    def tearDown(self) -> None:
        """Drop ``tables``: ``super().tearDown()`` at the end of an override."""
        drop_db_tables_sync(*self.tables)


class AsyncTableTest(IsolatedAsyncioTestCase):
    """``TableTest`` for ``async def`` tests.

    Example::

        class TestManager(AsyncTableTest):
            tables = [Manager]

            async def test_starts_empty(self) -> None:
                self.assertFalse(await Manager.exists())
    """

    tables: ClassVar[list[type[Table]]] = []

    async def asyncSetUp(self) -> None:
        """Create ``tables``; an override awaits it first.

        Example::

            async def asyncSetUp(self) -> None:
                await super().asyncSetUp()
                await Manager.insert(Manager(name="Guido"))
        """
        await create_db_tables(*self.tables)

    async def asyncTearDown(self) -> None:
        """Drop ``tables``: ``await super().asyncTearDown()`` at the end of an override."""
        await drop_db_tables(*self.tables)


class AsyncTransactionTest(IsolatedAsyncioTestCase):
    """Each test runs in a transaction on ``db`` that is rolled back after it.

    The test sees that transaction, as in Piccolo: ``db.transaction_exists()`` is True,
    ``db.current_transaction()`` is ``self.transaction``, and
    ``db.transaction(allow_nested=False)`` raises ``TransactionError``; a plain
    ``db.transaction()`` in the code under test is a savepoint, undone with the rest.

    Example::

        class TestBand(AsyncTransactionTest):
            db = DB  # or leave it None for the configured engine

            async def test_insert(self) -> None:
                await Band.insert(Band(name="Pythonistas"))  # rolled back after the test
                self.assertTrue(await Band.exists().where(Band.name == "Pythonistas"))
    """

    #: The engine; None: the configured one (``engine_finder()``), found at setup.
    db: ClassVar[Engine | None] = None

    async def asyncSetUp(self) -> None:
        """Open the test's transaction (``self.transaction``); an override awaits it first.

        Example::

            async def asyncSetUp(self) -> None:
                await super().asyncSetUp()
                await Band.insert(Band(name="Pythonistas"))  # rolled back too
        """
        engine = self.db if self.db is not None else engine_finder()
        if engine is None:
            raise ConfigurationError(
                f"{type(self).__name__}: set db = <engine>, or configure one (vivace_conf.py)"
            )
        self._rollback_scope = RollbackScope(engine, visible=True)
        self.transaction: Any = await self._rollback_scope.__aenter__()

    async def asyncTearDown(self) -> None:
        """Roll the test's transaction back: ``await super().asyncTearDown()`` last in an
        override."""
        await self._rollback_scope.__aexit__(None, None, None)
