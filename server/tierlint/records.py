"""`NamedTuple` without `typing` at run time.

Type checkers see `typing.NamedTuple`. At run time a class written the same
way becomes a plain `collections.namedtuple`: `typing` would first evaluate
every field's annotation (a `compile` per field under postponed annotations),
and importing `typing` alone costs about 7 ms, where a whole check of a small
backlog takes about 110. Nothing in tierlint reads annotations at run time, so
they are kept as written.
"""

from __future__ import annotations

import collections

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
            cls = collections.namedtuple(name, fields, defaults=defaults, module=ns["__module__"])
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
