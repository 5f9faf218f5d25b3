"""Hypothesis profiles shared by the property and fuzz tests.

`ci` (the default) keeps the property tests well under a minute;
`long` (TIERLINT_HYPOTHESIS=long, used by `make fuzz-long`) runs many more
examples. Tests size themselves with `examples(n)`: n in `ci`, n * LONG_FACTOR
in `long`. No deadline: timing on a loaded CI machine is not a correctness
property.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG_FACTOR = int(os.environ.get("TIERLINT_HYPOTHESIS_FACTOR", "20"))
PROFILE = os.environ.get("TIERLINT_HYPOTHESIS", "ci").strip().lower() or "ci"

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)
settings.register_profile("ci", max_examples=50, **_COMMON)
settings.register_profile("long", max_examples=50 * LONG_FACTOR, **_COMMON)
if PROFILE not in ("ci", "long"):
    raise RuntimeError(f"TIERLINT_HYPOTHESIS must be 'ci' or 'long', not {PROFILE!r}")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """The number of examples for a test that runs `n` in the default profile."""
    return n * LONG_FACTOR if PROFILE == "long" else n


def is_long() -> bool:
    return PROFILE == "long"
