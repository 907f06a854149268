"""Field paths: compiled once, walked without raising, numbers listed for hints and the picker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.fields import compile_path, is_numeric, lookup, numeric_fields


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("temperature", ("temperature",)),
        ("readings.celsius", ("readings", "celsius")),
        ("meta.id", ("meta", "id")),
        ("samples.0.v", ("samples", 0, "v")),
        ("  temp_c ", ("temp_c",)),
        ("a.-1", ("a", "-1")),  # not an index: a key
        ("a.٣", ("a", "٣")),  # other scripts' digits are a key, not an index
    ],
)
def test_paths_compile_to_steps(text: str, steps: tuple[object, ...]) -> None:
    assert compile_path(text).steps == steps


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the field path is empty"),
        ("   ", "the field path is empty"),
        ("a..b", "part 2 is empty"),
        (".a", "part 1 is empty"),
        ("a.", "part 2 is empty"),
        ("a. .b", "part 2 is empty"),
        ("a\nb", "control character"),
        ("x" * 201, "at most 200"),
        (".".join("a" * 33), "at most 32"),
    ],
)
def test_bad_paths_are_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_path(text)


DOC = {
    "device": "freezer-7",
    "readings": {"celsius": -19.5},
    "samples": [{"v": 1.5}, {"v": 2.5}],
    "a.b": 7,
    "flag": True,
    "none": None,
    "7": "seven",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("device", "freezer-7"),
        ("readings.celsius", -19.5),
        ("samples.1.v", 2.5),
        ("samples.2.v", None),  # past the end
        ("samples.x", None),  # a key on an array
        ("readings.celsius.deeper", None),  # into a number
        ("a.b", 7),  # a literal key holding a dot
        ("none", None),
        ("missing", None),
        ("7", "seven"),  # digits on an object are its key
    ],
)
def test_lookup(path: str, expected: object) -> None:
    assert lookup(DOC, compile_path(path)) == expected


def test_lookup_into_a_top_level_array_and_tuples() -> None:
    assert lookup([{"v": -3.0}], compile_path("0.v")) == -3.0
    assert lookup(({"v": -3.0},), compile_path("0.v")) == -3.0
    assert lookup(-3.0, compile_path("v")) is None


def test_is_numeric() -> None:
    assert is_numeric(1) and is_numeric(-2.5) and is_numeric(Decimal("1.25"))
    assert not is_numeric(True)
    assert not is_numeric(float("nan")) and not is_numeric(float("inf")) and not is_numeric(Decimal("NaN"))
    assert not is_numeric("1.5") and not is_numeric(None)


def test_numeric_fields_in_document_order_with_paths() -> None:
    found = numeric_fields(DOC, limit=10)
    assert found == [("readings.celsius", -19.5), ("samples.0.v", 1.5), ("samples.1.v", 2.5), ("a.b", 7)]
    assert numeric_fields(DOC) == found[:3]
    assert numeric_fields(-3.5) == []  # a bare number has no field


def test_numeric_fields_is_bounded_on_huge_and_deep_records() -> None:
    wide = {f"k{i}": i for i in range(100_000)}
    assert len(numeric_fields(wide, limit=10_000)) < 1000
    deep: object = 1.0
    for _ in range(1000):
        deep = {"d": deep}
    assert numeric_fields(deep) == []  # deeper than anyone maps, and no recursion error


_any_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=15,
)

# keys a person maps (letters): each number listed is read back by its path
_named_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet="abc_", min_size=1, max_size=3), inner, max_size=3)
    ),
    max_leaves=15,
)


@given(doc=_any_json, path=st.text(alphabet="ab0.1 ", min_size=1, max_size=8))
def test_lookup_never_raises(doc: object, path: str) -> None:
    try:
        compiled = compile_path(path)
    except ValueError:
        return
    lookup(doc, compiled)
    numeric_fields(doc, limit=50)


@given(doc=_named_json)
def test_every_listed_field_reads_back_its_number(doc: object) -> None:
    for where, value in numeric_fields(doc, limit=50):
        found = lookup(doc, compile_path(where))
        assert isinstance(found, int | float) and float(found) == value  # listed as a float


def test_numeric_fields_takes_strings_the_caller_reads_as_numbers() -> None:
    doc = {"id": "freezer-7", "t": " -4 °F ", "long": "1" * 41, "n": 2}
    found = numeric_fields(doc, limit=10, text=lambda t: any(c.isdigit() for c in t))
    assert found == [("id", "freezer-7"), ("t", "-4 °F"), ("n", 2.0)]  # a long string is not looked at
    assert numeric_fields(doc, limit=10) == [("n", 2.0)]
