"""``Choice`` (Piccolo's ``piccolo.columns.choices``): an Enum member value with its own
display name. A column with such ``choices`` stores, compares and validates the member by
the ``Choice``'s value, on every engine."""

from __future__ import annotations

import enum

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer, Varchar
from vivace.columns.choices import Choice
from vivace.engine import Engine


class Title(enum.Enum):
    mr = Choice(value=1, display_name="Mr.")
    mrs = Choice(value=2, display_name="Mrs.")
    dr = Choice(value=3, display_name="Dr.")


class Size(enum.Enum):
    small = Choice(value="s", display_name="Small")
    large = Choice(value="l", display_name="Large")


class Person(Table, tablename="choice_person"):
    name = Varchar(length=20)
    title = Integer(choices=Title, default=Title.mrs)
    size = Varchar(length=1, choices=Size, null=True, default=None)


async def test_choice_member_saved_selected_and_filtered(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Person)
    await Person(name="a", title=Title.mr, size=Size.large).save()
    await Person.insert(Person(name="b", title=Title.dr), Person(name="c", title=2))
    await Person(name="d").save()  # the default: Title.mrs, stored as 2

    rows = await Person.select(Person.name, Person.title, Person.size).order_by(Person.name)
    assert rows == [
        {"name": "a", "title": 1, "size": "l"},
        {"name": "b", "title": 3, "size": None},
        {"name": "c", "title": 2, "size": None},
        {"name": "d", "title": 2, "size": None},
    ]
    assert await Person.select(Person.name).where(Person.title == Title.mr) == [{"name": "a"}]
    assert await Person.select(Person.name).where(Person.size == Size.large) == [{"name": "a"}]
    assert await Person.select(Person.name).where(Person.title == 3) == [{"name": "b"}]
    matched = (
        await Person.select(Person.name)
        .where(Person.title.is_in([Title.mr, Title.dr]))
        .order_by(Person.name)
    )
    assert matched == [{"name": "a"}, {"name": "b"}]
    assert await Person.count().where(Person.title != Title.mrs) == 2

    await Person.update({Person.title: Title.dr}).where(Person.title == Title.mrs)
    assert await Person.count().where(Person.title == Title.dr) == 3
    person = await Person.objects().where(Person.name == "a").first()
    assert person is not None and person.title == 1
    person.title = Title.mrs
    await person.save()
    assert await Person.select(Person.title).where(Person.name == "a").first() == {"title": 2}


async def test_choice_default_is_its_value(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, Person)
    assert Person.title.get_default_value() == 2
    assert Person().title in (Title.mrs, 2)
    await Person(name="x").save()
    assert await Person.select(Person.title).first() == {"title": 2}


def test_choices_validated_by_the_choice_value() -> None:
    with pytest.raises(ValueError, match="mr doesn't have the correct type"):
        Varchar(choices=Title)
    with pytest.raises(ValueError, match="small doesn't have the correct type"):
        Integer(choices=Size)
    assert Integer(choices=Title)._meta.choices is Title
