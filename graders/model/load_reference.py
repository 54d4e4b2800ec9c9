"""Latency goals judged against the reference solution measured in the same job. Pure functions.

A latency measured on a shared machine moves with everything else the machine does. Where
the official grade has the reference solution (`solution/` beside `hidden_tests/`), the load
stage measures it too, in the same job, in short rounds alternating with the submission's
(graders.stages.load_rounds), so a slow minute slows both. Each service's figure for an
endpoint is the median over its rounds; a latency goal is then met when the submission's
median is at most `max(goal, tolerance times the reference's median)`: the assignment's goal
stands on a quiet machine, and on a busy one the bar rises only as far as the reference's
own figures rose. Error-rate, throughput and CPU goals are judged as always, on the rounds'
pooled counts.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from graders.model.assignment import Slo
from graders.model.loadstats import AGGREGATED, describe_goal, judge
from graders.model.report import (
    Check,
    EndpointLoad,
    EndpointStatements,
    LoadMetrics,
    LoadRound,
    RaisedGoal,
)

SOLUTION = "solution"  # the hidden material's reference solution, beside hidden_tests/
LATENCIES: tuple[Literal["p50", "p95", "p99"], ...] = ("p50", "p95", "p99")
# Cores' worth of other work more during the submission's rounds than during the reference's
# before a miss is measured again: a steady CPU hog weighs on both alike, a burst on one side.
CONTENTION_MARGIN = 0.5
MIN_ROUND_SECONDS = 2  # shorter, and Locust's start-up (users spawning, logging in) is the round
Which = Literal["submission", "reference"]


def reference_solution(hidden_tests: Path | None) -> Path | None:
    """The reference solution the official grade has (`solution/` beside `hidden_tests/`)."""
    if hidden_tests is None:
        return None
    folder = hidden_tests.resolve().parent / SOLUTION
    return folder if folder.is_dir() else None


def pair_order(index: int) -> list[Which]:
    """Which service goes first in the `index`th pair of rounds: ABBA (S R, R S, S R, …), so
    a drift across the stage weighs on both services alike."""
    pair: list[Which] = ["submission", "reference"]
    return pair if index % 2 == 0 else pair[::-1]


def round_order(rounds: int) -> list[tuple[Which, int]]:
    """Which service each round measures, in order, for `rounds` pairs."""
    return [(which, index) for index in range(rounds) for which in pair_order(index)]


def round_seconds(total: int, rounds: int) -> int:
    """Each round's length: the stage's duration shared among the submission's rounds."""
    return max(MIN_ROUND_SECONDS, round(total / rounds))


def median_rows(rounds: Sequence[LoadRound]) -> list[EndpointLoad]:
    """One service's rows over its rounds: latencies are medians of the rounds' figures,
    requests and failures are summed, requests/s and CPU per request pooled."""
    seen = {r.endpoint for one in rounds for r in one.endpoints}
    names = sorted(seen - {AGGREGATED}) + ([AGGREGATED] if AGGREGATED in seen else [])
    seconds = sum(one.duration_seconds for one in rounds)
    return [_merged(name, rounds, seconds) for name in names]


def _merged(name: str, rounds: Sequence[LoadRound], seconds: float) -> EndpointLoad:
    rows = [r for one in rounds for r in one.endpoints if r.endpoint == name]
    requests = sum(r.requests for r in rows)
    cpu = [(r.cpu_ms, r.requests) for r in rows if r.cpu_ms is not None]
    answered = sum(n for _, n in cpu)
    return EndpointLoad(
        endpoint=name,
        requests=requests,
        failures=sum(r.failures for r in rows),
        rps=round(requests / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=_median([r.p50_ms for r in rows if r.requests]),
        p95_ms=_median([r.p95_ms for r in rows if r.requests]),
        p99_ms=_median([r.p99_ms for r in rows if r.requests]),
        cpu_ms=round(sum(ms * n for ms, n in cpu) / answered, 3) if cpu and answered else None,
    )


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def bar(goal: float, reference: float | None, tolerance: float) -> float:
    """The latency a goal is judged at: the goal, at least tolerance times the reference's."""
    if reference is None or reference <= 0:
        return goal
    return max(goal, round(tolerance * reference, 1))


def relaxed(slo: Slo, reference: EndpointLoad | None, tolerance: float) -> Slo:
    """`slo` with each latency goal at its bar against `reference` (the same SLO without one)."""
    if reference is None or reference.requests == 0:
        return slo
    update = {
        f"{label}_ms": bar(goal, getattr(reference, f"{label}_ms"), tolerance)
        for label in LATENCIES
        if (goal := getattr(slo, f"{label}_ms")) is not None
    }
    return slo.model_copy(update=update)


def judge_against_reference(
    slo: Slo,
    rows: list[EndpointLoad],
    reference_rows: list[EndpointLoad],
    tolerance: float,
    points_per_weight: float,
    statements: Mapping[str, EndpointStatements] | None = None,
) -> Check:
    """The SLO judged on the submission's medians, each latency goal at its bar against the
    reference's (a statements goal on the submission's own counts, as without a reference);
    the check keeps the goal's own name and says what the bar was."""
    reference = next((r for r in reference_rows if r.endpoint == slo.endpoint), None)
    check = judge(relaxed(slo, reference, tolerance), rows, points_per_weight, statements)
    notes = [
        f"{r.measure} judged at {r.bar_ms:g} ms: the reference solution's {r.reference_ms:.0f} "
        f"ms in this job x {tolerance:g}"
        for r in raised_goals(slo, reference_rows, tolerance)
    ]
    message = check.message if not notes else f"{check.message} ({'; '.join(notes)})"
    name = f"{slo.endpoint}: {describe_goal(slo)}"  # the goal's own name, for milestones
    return check.model_copy(update={"name": name, "message": message})


def raised_goals(
    slo: Slo, reference_rows: list[EndpointLoad], tolerance: float
) -> list[RaisedGoal]:
    """Each latency goal of `slo` the reference raised, with its bar and the reference's figure."""
    reference = next((r for r in reference_rows if r.endpoint == slo.endpoint), None)
    if reference is None or reference.requests == 0:
        return []
    name = f"{slo.endpoint}: {describe_goal(slo)}"
    raised = []
    for label in LATENCIES:
        goal, figure = getattr(slo, f"{label}_ms"), getattr(reference, f"{label}_ms")
        raised_to = bar(goal, figure, tolerance) if goal is not None else None
        if goal is not None and raised_to is not None and raised_to > goal:
            raised.append(
                RaisedGoal(
                    check=name, measure=label, goal_ms=goal, reference_ms=figure, bar_ms=raised_to
                )
            )
    return raised


def figures(rounds: Sequence[LoadRound], endpoint: str, label: str) -> list[float]:
    """One latency figure of `endpoint` per round that measured it."""
    rows = [r for one in rounds for r in one.endpoints if r.endpoint == endpoint and r.requests]
    return [float(getattr(row, f"{label}_ms")) for row in rows]


def undecided(
    slo: Slo, mine: Sequence[LoadRound], theirs: Sequence[LoadRound], tolerance: float
) -> bool:
    """A latency goal missed on the medians, but narrowly (the submission's best round is
    within tolerance x the bar the reference's worst round would set) or while the machine
    was busier for the submission's rounds than for the reference's; or a goal met only
    because the reference's figure raised the bar, while the machine was busier for the
    reference's rounds. Either is measured again (more rounds) before it decides; a clear
    miss on a machine that treated both alike (a starter's seconds against a bar of tens of
    milliseconds) is decided at once."""
    for label in LATENCIES:
        goal = getattr(slo, f"{label}_ms")
        ours, ref = figures(mine, slo.endpoint, label), figures(theirs, slo.endpoint, label)
        if goal is None or not ours:
            continue
        judged_at = bar(goal, _median(ref) if ref else None, tolerance)
        missed = _median(ours) > judged_at
        narrow = min(ours) <= tolerance * bar(goal, max(ref) if ref else None, tolerance)
        if missed and (narrow or contended(mine, theirs)):
            return True
        met_by_raising = not missed and _median(ours) > goal
        if met_by_raising and contended(theirs, mine):
            return True
    return False


def contended(busier: Sequence[LoadRound], other: Sequence[LoadRound]) -> bool:
    """`busier`'s rounds ran while the rest of the machine took clearly more CPU than during
    `other`'s (a burst of other work that hit one side only): at least CONTENTION_MARGIN
    cores more, on the medians."""
    hit = [r.foreign_cores for r in busier if r.foreign_cores is not None]
    spared = [r.foreign_cores for r in other if r.foreign_cores is not None]
    return bool(hit and spared) and _median(hit) - _median(spared) >= CONTENTION_MARGIN


def judging_sentence(load: LoadMetrics) -> str:
    """How the latency goals were judged, in one sentence a learner understands."""
    if load.judging != "reference" or load.tolerance is None:
        return (
            "Latency goals were judged as the assignment states them, on one run of the load test."
        )
    runs = sum(r.service == "submission" for r in load.rounds)
    aggregate = next((r for r in load.reference_endpoints if r.endpoint == AGGREGATED), None)
    figure = f"; its median response time was {aggregate.p50_ms:.0f} ms" if aggregate else ""
    each = f"{runs} runs each, medians" if runs > 1 else "one run each"
    return (
        f"Latency goals were judged against the reference solution, load-tested on the same "
        f"machine in turns with yours ({each}{figure}): a goal counts as met when your figure "
        f"is within the goal or within {load.tolerance:g} times the reference's, whichever is "
        "higher, so a busy machine cannot cost you points."
    )


def cpu_sentence(load: LoadMetrics) -> str | None:
    """The service's CPU time per request and what it measures (None: not measured)."""
    mine = next((r for r in load.endpoints if r.endpoint == AGGREGATED), None)
    if mine is None or mine.cpu_ms is None:
        return None
    theirs = next((r for r in load.reference_endpoints if r.endpoint == AGGREGATED), None)
    also = (
        f" (the reference solution's: {theirs.cpu_ms:.1f} ms)"
        if theirs is not None and theirs.cpu_ms is not None
        else ""
    )
    return (
        f"CPU time per request: {mine.cpu_ms:.1f} ms{also}. It is the processor time your "
        "service itself spent (all its processes) divided by the requests it answered: the "
        "work it does, not how long it waited for a core."
    )
