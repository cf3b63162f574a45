"""Reading a measured curve: where it stops growing, whether it is flat, how it grows.

Pure functions over plain lists of numbers (no I/O, no clock), so the notes that
``explain`` writes from a run can be tested on synthetic curves.

Example::

    knee([1, 2, 5, 10], [1000, 1900, 4000, 4100])   # 5: later points gain < 10 %
    is_flat([2.1, 2.0, 2.2])                        # True: spread within 25 %
    linear_fit([1e3, 1e4, 1e5], [1e5, 1e6, 1e7])    # Fit(slope=100.0, ...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: A curve "still grows" past a point when a later value beats it by more than this.
GROWTH = 0.10
#: A "should be flat" curve is flat when its largest value is within this of its smallest.
FLAT = 0.25


@dataclass(frozen=True)
class Fit:
    """A least-squares line ``y = intercept + slope * x`` and how well it fits (r²)."""

    slope: float
    intercept: float
    r2: float


def _check(xs: Sequence[float], ys: Sequence[float]) -> None:
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values for {len(ys)} y values")
    if not xs:
        raise ValueError("an empty curve")


def knee_index(ys: Sequence[float], growth: float = GROWTH) -> int | None:
    """The index of the first point no later point beats by more than ``growth``.

    None when that point is the last one: the curve still grows at the end of the range
    measured (no knee in it). 0 when the curve never grows past its first point.
    """
    if not ys:
        raise ValueError("an empty curve")
    for i, y in enumerate(ys):
        # max of the rest, not the next point only: a dip followed by a climb is not a knee.
        if all(later <= y * (1 + growth) for later in ys[i + 1 :]):
            return i if i < len(ys) - 1 else None
    return None  # not reached: the last point always satisfies the test


def knee(xs: Sequence[float], ys: Sequence[float], growth: float = GROWTH) -> float | None:
    """The x where the curve ``ys`` over ``xs`` stops growing (see ``knee_index``)."""
    _check(xs, ys)
    i = knee_index(ys, growth)
    return None if i is None else xs[i]


def spread(values: Sequence[float]) -> float:
    """max / min - 1 of positive values (0.0 for a single value): how far from flat."""
    if not values:
        raise ValueError("no values")
    low = min(values)
    if low <= 0:
        return math.inf
    return max(values) / low - 1


def is_flat(values: Sequence[float], tolerance: float = FLAT, floor: float = 0.0) -> bool:
    """Whether ``values`` stay within ``tolerance`` of their smallest one.

    ``floor`` is an absolute allowance: a spread of at most ``floor`` counts as flat
    whatever the ratio (a batch read's peak of 0.3 vs 0.5 MiB is flat for memory's sake).
    """
    if not values:
        raise ValueError("no values")
    if max(values) - min(values) <= floor:
        return True
    return spread(values) <= tolerance


def flat_from(
    xs: Sequence[float], ys: Sequence[float], tolerance: float = FLAT, floor: float = 0.0
) -> float | None:
    """The smallest x from which the rest of the curve (at least two points) is flat
    (``is_flat`` with ``tolerance`` and ``floor``).

    None when not even the last two points are. For µs/row over row counts this tells
    where the per-read cost stops mattering; for a streamed read's memory, from where it
    is bounded.
    """
    _check(xs, ys)
    for i in range(len(ys) - 1):
        if is_flat(ys[i:], tolerance, floor):
            return xs[i]
    return None


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    """The least-squares line through the points (r² 1.0 when all y are equal)."""
    _check(xs, ys)
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx if sxx else 0.0
    intercept = my - slope * mx
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    total = sum((y - my) ** 2 for y in ys)
    return Fit(slope, intercept, 1.0 - residual / total if total else 1.0)


def grows_linearly(
    xs: Sequence[float], ys: Sequence[float], min_r2: float = 0.98, min_growth: float = 2.0
) -> bool:
    """Whether ``ys`` grows in proportion to ``xs``: a line fits (r² ≥ ``min_r2``) and the
    last value is at least ``min_growth`` times the first (a flat line fits too, trivially).
    """
    _check(xs, ys)
    if len(xs) < 2 or ys[0] <= 0 or ys[-1] / ys[0] < min_growth:
        return False
    return linear_fit(xs, ys).r2 >= min_r2


def peak(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """(x, y) of the highest point (the first one of equal highs)."""
    _check(xs, ys)
    i = max(range(len(ys)), key=lambda j: (ys[j], -j))
    return xs[i], ys[i]


def drop_after_peak(ys: Sequence[float]) -> float:
    """How much the last value is below the highest one, as a fraction of it (0.0 if none)."""
    if not ys:
        raise ValueError("an empty curve")
    top = max(ys)
    return 0.0 if top <= 0 else max(0.0, 1 - ys[-1] / top)
