"""`records.NamedTuple`: the record classes behave as `typing.NamedTuple`
made them (fields, defaults, methods, pickling across processes)."""

from __future__ import annotations

import pickle

import pytest

from tierlint.model import Recommendation, Span
from tierlint.records import NamedTuple


class Point(NamedTuple):
    """A point."""

    x: int
    y: int = 0
    label: str | None = None

    @property
    def norm(self) -> int:
        return abs(self.x) + abs(self.y)

    def moved(self, dx: int) -> Point:
        return self._replace(x=self.x + dx)


def test_fields_defaults_and_methods() -> None:
    p = Point(3)
    assert (p, p.x, p.y, p.label) == ((3, 0, None), 3, 0, None)
    assert Point(1, y=-2).norm == 3
    assert p.moved(2) == Point(5, 0, None)
    assert Point._fields == ("x", "y", "label")
    assert Point._field_defaults == {"y": 0, "label": None}
    assert Point.__doc__ == "A point."
    assert Point.__annotations__ == {"x": "int", "y": "int", "label": "str | None"}
    assert repr(Point(1, 2, "a")) == "Point(x=1, y=2, label='a')"
    assert isinstance(p, tuple)


def test_records_pickle_and_subclass() -> None:
    rec = Recommendation("opus", "r", "text", "section", True, (), "because", True)
    assert pickle.loads(pickle.dumps(rec)) == rec
    assert pickle.loads(pickle.dumps(rec)).reason == "because"
    assert type(pickle.loads(pickle.dumps(Span(1, 2, 3)))) is Span

    class Labelled(Point):
        def text(self) -> str:
            return self.label or "?"

    assert Labelled(1, 2, "a").text() == "a"
    assert Labelled(1).norm == 1


def test_what_typing_refuses_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default field 'b' follows a default one"):

        class Bad(NamedTuple):
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="cannot overwrite NamedTuple attribute _replace"):

        class Worse(NamedTuple):
            a: int

            def _replace(self) -> None: ...

    with pytest.raises(TypeError, match="write a NamedTuple as a class"):
        NamedTuple("P", [("x", int)])  # type: ignore[call-arg]


def test_a_record_does_what_collections_namedtuple_does() -> None:
    import collections

    Plain = collections.namedtuple("Point", ["x", "y", "label"], defaults=[0, None])
    p, q = Point(1, label="a"), Plain(1, label="a")
    assert (p, p._asdict(), p._replace(y=5), Point._make([1, 2, 3])) == (
        q,
        q._asdict(),
        q._replace(y=5),
        Plain._make([1, 2, 3]),
    )
    assert (Point.__match_args__, p.__getnewargs__(), Point.x.__doc__) == (
        Plain.__match_args__,
        q.__getnewargs__(),
        Plain.x.__doc__,
    )
    for make in (lambda k: k(), lambda k: k(1, 2, 3, 4), lambda k: k._make([1]), lambda k: k(1, x=2)):
        with pytest.raises(TypeError) as ours:
            make(Point)
        with pytest.raises(TypeError) as theirs:
            make(Plain)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Got unexpected field names: \\['z'\\]"):
        p._replace(z=1)
    assert Point.__new__.__qualname__ == "Point.__new__"
