"""The generated row mappers (``vivace.orm.row_code``): keys, converters, None, odd names."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from vivace.orm.row_code import PAUSE_GC_FROM, dict_mapper, object_mapper


class Thing:
    def __init__(self) -> None:
        raise AssertionError("a mapped row never runs __init__")


def test_dicts_convert_present_values_and_keep_none() -> None:
    to_dicts = dict_mapper(["id", "name", "score"], [None, str.upper])
    rows = [(1, "a", 5), (2, None, None)]
    assert to_dicts(rows) == [
        {"id": 1, "name": "A", "score": 5},
        {"id": 2, "name": None, "score": None},
    ]
    assert to_dicts([]) == []
    # One row takes its own path (no comprehension): the same conversions.
    assert to_dicts(rows[:1]) == [{"id": 1, "name": "A", "score": 5}]
    assert to_dicts(rows[1:]) == [{"id": 2, "name": None, "score": None}]


def test_keys_are_literal_text_whatever_they_hold() -> None:
    odd = ["it's", 'say "hi"', "back\\slash", "a}b{c", "é", "x\ny"]
    to_dicts = dict_mapper(odd, [])
    assert to_dicts([tuple(range(len(odd)))]) == [{k: i for i, k in enumerate(odd)}]


def test_a_repeated_key_keeps_the_last_value_as_dict_zip_did() -> None:
    assert dict_mapper(["a", "a"], [])([(1, 2)]) == [dict(zip(["a", "a"], (1, 2)))]


def test_objects_get_the_row_as_their_dict_without_init() -> None:
    to_objects = object_mapper(Thing, ["id", "label"], [None, lambda v: f"<{v}>"])
    first, second = to_objects([(1, "x"), (2, None)])
    assert type(first) is Thing and first.__dict__ == {"id": 1, "label": "<x>"}
    assert second.__dict__ == {"id": 2, "label": None}
    assert first.__dict__ is not second.__dict__


def test_a_large_result_is_mapped_with_the_collector_paused_then_resumed() -> None:
    seen: list[bool] = []

    def spy(value: Any) -> Any:
        seen.append(gc.isenabled())
        return value

    to_dicts = dict_mapper(["id"], [spy])
    assert gc.isenabled()
    to_dicts([(i,) for i in range(PAUSE_GC_FROM)])
    assert not any(seen) and gc.isenabled()
    seen.clear()
    to_dicts([(1,)])  # a small one is not worth pausing for
    assert seen == [True]


def test_the_collector_comes_back_after_an_error_and_stays_off_if_it_was() -> None:
    def refuse(value: Any) -> Any:
        raise ValueError(value)

    to_objects = object_mapper(Thing, ["id"], [refuse])
    with pytest.raises(ValueError):
        to_objects([(i,) for i in range(PAUSE_GC_FROM)])
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(object_mapper(Thing, ["id"], [])([(i,) for i in range(PAUSE_GC_FROM)])) == (
            PAUSE_GC_FROM
        )
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()
