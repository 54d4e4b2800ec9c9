"""Score every pair of submissions: copydetect's fingerprints, the starter left out. Pure.

copydetect (MIT, on PyPI) tokenises each document with Pygments and normalises it (every
variable and attribute name becomes `V`, function names `F`, class names `O`, string
literals `S`; layout and comments go), hashes every run of `NOISE` characters of that, and
keeps a winnowed sample: any run of `GUARANTEE` characters two documents share is found,
wherever it stands in either. So renamed variables do not hide a copy, and neither do
functions in another order; every hash the starter holds is boilerplate and never counts.

A submission is one document: its compared files, sorted by path, one after the other.
A pair's `similarity` is the code both share over all the code both wrote (the starter
left out), as Dolos scores pairs; each side's `share` is the part of its own code the
other has. A pair is flagged when its similarity reaches the threshold and each side
shares at least `min_shared` tokens, so two learners who barely changed the starter are
never flagged for the little they both wrote.
"""

from __future__ import annotations

import io
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from copydetect import CodeFingerprint, compare_files

from orchestrator.similarity.model import Pair, Side
from orchestrator.similarity.sources import LANGUAGE, Submission

NOISE = 25  # normalised characters: a shorter match is chance
GUARANTEE = 30  # a match this long is always found
WINDOW = GUARANTEE - NOISE + 1
CONTEXT_PAIRS = 10  # pairs below the threshold kept for the report, closest first


@dataclass(frozen=True)
class Document:
    """A submission fingerprinted: its text, where each file starts in it, its hashes."""

    submission: Submission
    text: str
    starts: tuple[int, ...]
    fingerprint: Any  # copydetect.CodeFingerprint (untyped)

    @property
    def own_tokens(self) -> float:
        """Normalised characters of the submission's own code (the starter's left out)."""
        return float(self.fingerprint.token_coverage)


@dataclass(frozen=True)
class Scored:
    """One pair, scored, with the copied slices of each side (start, end in `text`)."""

    left: Document
    right: Document
    pair: Pair
    slices: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Comparison:
    """Every pair that matters (flagged first), and the class's distribution of scores."""

    scored: tuple[Scored, ...]
    pairs_compared: int
    median: float
    p95: float


def joined(submission: Submission) -> tuple[str, tuple[int, ...]]:
    """The submission's files as one text, and where each starts in it."""
    starts, parts, at = [], [], 0
    for _, text in submission.files:
        starts.append(at)
        body = text if text.endswith("\n") else text + "\n"
        parts.append(body)
        at += len(body)
    return "".join(parts), tuple(starts)


def boilerplate(starter: Submission) -> Any:
    """Every hash of the starter (no winnowing): code the whole class was given."""
    text, _ = joined(starter)
    every = CodeFingerprint("starter.py", NOISE, 1, language=LANGUAGE, fp=io.StringIO(text))
    return np.array(sorted(every.hashes), dtype=np.int64)


def document(submission: Submission, starter_hashes: Any) -> Document:
    """Fingerprint `submission` with the starter's hashes removed."""
    text, starts = joined(submission)
    print_ = CodeFingerprint(
        f"{submission.label}.py",
        NOISE,
        WINDOW,
        boilerplate=starter_hashes,
        language=LANGUAGE,
        fp=io.StringIO(text),
    )
    return Document(submission, text, starts, print_)


def score(left: Document, right: Document, threshold: float, min_shared: int) -> Scored:
    """How alike two documents are; flagged by `threshold` (percent) and `min_shared`."""
    if not left.own_tokens or not right.own_tokens:
        return _scored(left, right, 0.0, 0.0, 0, threshold, min_shared, ((), ()))
    _, (share_left, share_right), (slices_left, slices_right) = compare_files(
        left.fingerprint, right.fingerprint
    )
    share_left, share_right = min(float(share_left), 1.0), min(float(share_right), 1.0)
    shared_left, shared_right = share_left * left.own_tokens, share_right * right.own_tokens
    similarity = (shared_left + shared_right) / (left.own_tokens + right.own_tokens)
    spans = (_spans(slices_left), _spans(slices_right))
    shared = round(min(shared_left, shared_right))
    return _scored(left, right, share_left, share_right, shared, threshold, min_shared, spans,
                   similarity)  # fmt: skip


def _scored(
    left: Document,
    right: Document,
    share_left: float,
    share_right: float,
    shared: int,
    threshold: float,
    min_shared: int,
    spans: tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]],
    similarity: float = 0.0,
) -> Scored:
    percent = round(100 * similarity, 1)
    pair = Pair(
        left=_side(left, share_left),
        right=_side(right, share_right),
        similarity=percent,
        shared_tokens=shared,
        flagged=percent >= threshold and shared >= min_shared,
    )
    return Scored(left, right, pair, spans)


def _side(document: Document, share: float) -> Side:
    sub = document.submission
    return Side(label=sub.label, kind=sub.kind, commit=sub.commit, share=round(100 * share, 1))


def _spans(slices: Any) -> tuple[tuple[int, int], ...]:
    if len(slices) == 0 or len(slices[0]) == 0:
        return ()
    return tuple((int(a), int(b)) for a, b in zip(slices[0], slices[1], strict=True))


def compare_all(
    learners: Sequence[Submission],
    archives: Sequence[Submission],
    starter: Submission,
    *,
    threshold: float,
    min_shared: int,
) -> Comparison:
    """Every learner against every other learner and against every archive."""
    hashes = boilerplate(starter)
    ours = [document(s, hashes) for s in learners]
    theirs = [document(s, hashes) for s in archives]
    pairs = [*itertools.combinations(ours, 2), *itertools.product(ours, theirs)]
    scored = [score(a, b, threshold, min_shared) for a, b in pairs]
    scores = [s.pair.similarity for s in scored]
    scored.sort(key=lambda s: (not s.pair.flagged, -s.pair.similarity, s.pair.key))
    flagged = sum(1 for s in scored if s.pair.flagged)
    return Comparison(
        scored=tuple(scored[: flagged + CONTEXT_PAIRS]),
        pairs_compared=len(scored),
        median=statistics.median(scores) if scores else 0.0,
        p95=_percentile(scores, 95),
    )


def _percentile(values: Sequence[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


@dataclass(frozen=True)
class FileView:
    """A file of one side, cut into (text, matched) runs for the side-by-side view."""

    path: str
    runs: tuple[tuple[str, bool], ...]


def views(document: Document, spans: Sequence[tuple[int, int]]) -> tuple[FileView, ...]:
    """The files of `document` that hold a matched span, each cut at the spans."""
    found = []
    for index, (path, text) in enumerate(document.submission.files):
        start = document.starts[index]
        local = [(max(a - start, 0), min(b - start, len(text)))
                 for a, b in spans if a < start + len(text) and b > start]  # fmt: skip
        if local:
            found.append(FileView(path, _runs(text, local)))
    return tuple(found)


def _runs(text: str, spans: Sequence[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    runs, at = [], 0
    for a, b in sorted(spans):
        if a > at:
            runs.append((text[at:a], False))
        if b > max(a, at):
            runs.append((text[max(a, at) : b], True))
        at = max(at, b)
    if at < len(text):
        runs.append((text[at:], False))
    return tuple(runs)
