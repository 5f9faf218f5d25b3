"""pickle's C implementation, imported on its own.

The `pickle` module costs a few milliseconds to import (it also looks for
Jython's classes), which a short run notices; its C half is what does the
work. Elsewhere than CPython the module itself is used.
"""

try:
    from _pickle import dump, dumps, load, loads
except ImportError:  # pragma: no cover - not CPython
    from pickle import dump, dumps, load, loads

# the highest protocol this Python writes
HIGHEST = -1

__all__ = ["HIGHEST", "dump", "dumps", "load", "loads"]
