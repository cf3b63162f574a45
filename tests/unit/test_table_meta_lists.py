"""The column lists ``Table._meta`` keeps, as Piccolo's (``email_columns``, ...)."""

from __future__ import annotations

from typing import Any

from vivace import Table
from vivace.columns import Email, ForeignKey, Secret, Varchar


class MetaOwner(Table, tablename="meta_owner"):
    name = Varchar()


class MetaContact(Table, tablename="meta_contact"):
    name = Varchar()
    email = Email()
    backup = Email(null=True)
    token = Secret()
    owner = ForeignKey(MetaOwner)


def names(columns: list[Any]) -> list[str]:
    # By name: == on columns builds SQL (always truthy), so lists of columns are not compared.
    return [c._meta.name for c in columns]


def test_column_lists() -> None:
    meta = MetaContact._meta
    assert names(meta.email_columns) == ["email", "backup"]
    assert names(meta.secret_columns) == ["token"]
    assert names(meta.foreign_key_columns) == ["owner"]
    assert MetaOwner._meta.email_columns == []
