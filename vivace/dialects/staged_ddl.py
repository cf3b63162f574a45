"""The safe forms of schema changes: which ones a migration asks for, and DDL in two stages.

On PostgreSQL, building an index, adding a foreign key, a ``CHECK`` or ``NOT NULL`` to a
table that holds rows blocks its writers until every row has been read. Each has a form
that does not: ``CREATE INDEX CONCURRENTLY``, a constraint added ``NOT VALID`` and then
validated. Their second part must run after the migration's transaction has committed
(``CONCURRENTLY`` cannot run inside one, and validating inside it would keep the first
part's lock), so a safe form compiles to a ``StagedDDL``: the statements to run ``now``
(in the migration's transaction) and those to run ``later``, each on its own.

Example::

    staged = dialect.ddl.staged_add_column(band, fame, LockOptions(index_concurrently=True))
    staged.now    # ['ALTER TABLE "band" ADD COLUMN "fame" INTEGER ...']
    staged.later  # ['CREATE INDEX CONCURRENTLY "band_fame" ON "band" USING btree ("fame")']
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LockOptions:
    """The safe forms an operation asks for; a database without such locks ignores them.

    ``index_concurrently``: indexes (and unique constraints, through a unique index) are
    built without blocking writes. ``validate_separately``: foreign keys, ``CHECK``s and
    ``NOT NULL`` are added ``NOT VALID`` and validated afterwards.

    Example: ``manager.add_column(..., index_concurrently=True)`` carries
    ``LockOptions(index_concurrently=True)``.
    """

    index_concurrently: bool = False
    validate_separately: bool = False


@dataclass
class StagedDDL:
    """Statements to run in the migration's transaction (``now``) and after it commits,
    each in a transaction of its own (``later``).

    Example: ``StagedDDL(['ALTER TABLE ...'], ['ALTER TABLE ... VALIDATE CONSTRAINT ...'])``.
    """

    now: list[str]
    later: list[str] = field(default_factory=list)
