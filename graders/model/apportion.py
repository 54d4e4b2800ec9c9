"""Points split into cents that add up exactly, for exports that list one item per check.

A stage's checks are worth unrounded shares (30 points over 7 tests) while the report rounds
the stage to cents. Gradescope and GitHub Classroom's reporter add up the items themselves,
so each item gets whole cents here, by largest remainder, such that the items of a stage add
up to the stage's score and maximum exactly, and a passing check scores its whole maximum.
The reporter then adds those numbers as JavaScript does (left to right, in doubles): the last
item absorbs the one-ulp difference that can leave, so its total prints as the grade.

Pure functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from graders.model.report import Check


def cents(value: float) -> int:
    return round(value * 100)


def largest_remainder(total: int, weights: Sequence[float]) -> list[int] | None:
    """`total` cents split in proportion to `weights` (equal shares when they are all 0);
    None when it cannot be (a negative total, or something to split among no one)."""
    if total < 0 or (not weights and total):
        return None
    if not weights:
        return []
    scale = sum(weights)
    shares = (
        [total * w / scale for w in weights] if scale > 0 else [total / len(weights)] * len(weights)
    )
    whole = [math.floor(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (whole[i] - shares[i], i))
    for i in order[: total - sum(whole)]:
        whole[i] += 1
    return whole


def split_checks(
    checks: Sequence[Check], score: float, max_score: float
) -> list[tuple[float, float]] | None:
    """Each check's (score, max) in cents adding up to the stage's `score` and `max_score`;
    None when the checks cannot carry the stage (then the export shows the stage whole)."""
    full = [i for i, c in enumerate(checks) if c.max_score > 0 and c.score >= c.max_score]
    part = [i for i, c in enumerate(checks) if 0 < c.score < c.max_score]
    none = [i for i, c in enumerate(checks) if i not in full and i not in part]
    got = {i: cents(checks[i].score) for i in part}
    earned = largest_remainder(cents(score) - sum(got.values()), [checks[i].score for i in full])
    if earned is None:
        return None
    worth = {i: cents(checks[i].max_score) for i in part} | dict(zip(full, earned, strict=True))
    rest = largest_remainder(
        cents(max_score) - sum(worth.values()), [checks[i].max_score for i in none]
    )
    if rest is None or any(got[i] > worth[i] for i in part):
        return None
    worth |= dict(zip(none, rest, strict=True))
    got |= dict(zip(full, earned, strict=True)) | dict.fromkeys(none, 0)
    return [(got[i] / 100, worth[i] / 100) for i in range(len(checks))]


def summed_as_javascript(values: Sequence[float]) -> float:
    """`values` added left to right in doubles, as the reporter's `reduce` adds them."""
    total = 0.0
    for value in values:
        total += value
    return total


def exactly(values: Sequence[float], target: float) -> list[float]:
    """`values` (in cents) with the last non-zero one nudged, if need be, so that adding them
    left to right gives `target` itself rather than a neighbour like 9.999999999999998."""
    found = list(values)
    if summed_as_javascript(found) == target:
        return found
    last = max((i for i, v in enumerate(found) if v), default=None)
    if last is None:
        return found
    before = summed_as_javascript(found[:last])
    nudged = target - before
    if before + nudged == target and abs(nudged - found[last]) < 1e-6:
        found[last] = nudged
    return found
