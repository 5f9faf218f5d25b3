"""`NamedTuple` without `typing` at run time.

Type checkers see `typing.NamedTuple`. At run time a class written the same
way becomes what `collections.namedtuple` would make: `typing` would first
evaluate every field's annotation (a `compile` per field under postponed
annotations), and importing `typing` alone costs about 7 ms, where a whole
check of a small backlog takes about 110. Nothing in tierlint reads
annotations at run time, so they are kept as written.

`collections.namedtuple` itself compiles each class's `__new__` from source
and defines its five other methods afresh: some 150 us a class, 5 ms or
more for the forty records a run imports. Here the methods are written once,
on a common base, and `__new__` is the compiled function for the same number
of fields with the field names put in: about 30 us a class.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # what typing's NamedTupleMeta refuses to let a class body overwrite
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make"}
        | {"_replace", "_asdict", "_source"}
    )
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})
    _tuple_new = tuple.__new__
    _function = type(lambda: None)
    from _collections import _tuplegetter  # what collections.namedtuple uses

    # number of fields -> a `__new__` taking that many, to be renamed per class
    _NEW: dict[int, object] = {}

    def _new(typename: str, fields: tuple[str, ...], defaults: tuple[object, ...]) -> object:
        n = len(fields)
        model = _NEW.get(n)
        if model is None:
            args = ", ".join(f"_{i}" for i in range(n))
            # what collections.namedtuple compiles for every class, once per size
            model = _NEW[n] = eval(
                f"lambda _cls, {args}: _tuple_new(_cls, ({args}{',' if n == 1 else ''}))",
                {"_tuple_new": _tuple_new, "__builtins__": {}},
            )
        code = model.__code__.replace(co_varnames=("_cls", *fields), co_name="__new__")  # type: ignore[attr-defined]
        new = _function(code, model.__globals__, "__new__", defaults or None)  # type: ignore[attr-defined]
        new.__qualname__ = f"{typename}.__new__"
        new.__doc__ = f"Create new instance of {typename}({', '.join(fields)})"
        return new

    class _Record(tuple):
        """The methods `collections.namedtuple` gives every class, written once."""

        __slots__ = ()
        _fields: tuple[str, ...] = ()

        @classmethod
        def _make(cls, iterable):
            result = _tuple_new(cls, iterable)
            if len(result) != len(cls._fields):
                raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
            return result

        def _replace(self, /, **kwds):
            result = self._make(map(kwds.pop, self._fields, self))
            if kwds:
                raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
            return result

        def __repr__(self):
            return (
                f"{self.__class__.__name__}({', '.join([f'{n}={v!r}' for n, v in zip(self._fields, self)])})"
            )

        def _asdict(self):
            return dict(zip(self._fields, self))

        def __getnewargs__(self):
            return tuple(self)

    def _namedtuple(typename: str, fields: list[str], defaults: list[object], module: str) -> type:
        names = tuple(fields)
        ns: dict[str, object] = {
            "__doc__": f"{typename}({', '.join(names)})",
            "__slots__": (),
            "_fields": names,
            "_field_defaults": dict(zip(names[len(names) - len(defaults) :], defaults)),
            "__new__": _new(typename, names, tuple(defaults)),
            "__match_args__": names,
            "__module__": module,
        }
        for index, name in enumerate(names):
            ns[name] = _tuplegetter(index, f"Alias for field number {index}")
        return type(typename, (_Record,), ns)

    class _RecordMeta(type):
        def __new__(mcls, name, bases, ns):
            if bases != (_Base,):
                raise TypeError("a NamedTuple class can only inherit from NamedTuple")
            fields = list(ns.get("__annotations__", {}))
            defaults = []
            for field in fields:
                if field in ns:
                    defaults.append(ns[field])
                elif defaults:
                    raise TypeError(f"non-default field {field!r} follows a default one in {name}")
            for field in fields:
                if not field.isidentifier() or field.startswith("_"):
                    raise ValueError(f"field names must be identifiers not starting with '_': {field!r}")
            cls = _namedtuple(name, fields, defaults, ns["__module__"])
            cls.__annotations__ = dict(ns.get("__annotations__", {}))
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"cannot overwrite NamedTuple attribute {key}")
                if key not in _SPECIAL and key not in cls._fields:
                    setattr(cls, key, value)
            return cls

    _Base = type.__new__(_RecordMeta, "NamedTuple", (), {})

    def NamedTuple(*args, **kwargs):
        """Stands in for the base of a record class (`class Span(NamedTuple):`);
        the class statement asks its `__mro_entries__` for the real base."""
        raise TypeError("write a NamedTuple as a class")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
