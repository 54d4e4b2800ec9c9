"""Chunks of a class for the grade jobs, sized for GitHub's limits (pure).

GitHub runs at most 256 jobs per matrix and, on a free organization, 20 jobs at once for the
whole organization (course.toml `[official] concurrent_jobs`). Each grade job installs the
grader once and grades its chunk one learner after another (the load stage must run alone to
be fair). So the class is cut into as many chunks as may run at once, each holding at most
`learners_per_job` learners (a job's length, and what a lost runner costs); beyond that more
chunks queue behind the running ones. The fetch matrix has one more part than the grade
matrix (the grader and the hidden tests), so there are at most 255 chunks.

    learners   concurrent 20, 25 per job
    1          1 chunk of 1
    20         20 chunks of 1
    500        20 chunks of 25
    10,000     255 chunks of 39 or 40
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from math import ceil

from orchestrator.official.model import GRADER_PART, Chunk, Entry

MAX_MATRIX_JOBS = 256  # GitHub's limit per matrix
MAX_CHUNKS = MAX_MATRIX_JOBS - 1  # the fetch matrix adds the grader's part


def chunk_count(learners: int, *, concurrent: int, per_job: int) -> int:
    """How many grade jobs a class of `learners` repositories gets."""
    if learners <= 0:
        return 0
    return min(learners, MAX_CHUNKS, max(concurrent, ceil(learners / per_job)))


def split(entries: Sequence[Entry], *, concurrent: int, per_job: int) -> tuple[Chunk, ...]:
    """`entries` in contiguous chunks whose sizes differ by at most one, in the order given."""
    count = chunk_count(len(entries), concurrent=concurrent, per_job=per_job)
    chunks, start = [], 0
    for index in range(count):
        size = len(entries) // count + (1 if index < len(entries) % count else 0)
        chunks.append(Chunk(index=index, entries=tuple(entries[start : start + size])))
        start += size
    return tuple(chunks)


def job_outputs(chunks: Sequence[Chunk]) -> dict[str, str]:
    """The plan job's outputs: both matrices as JSON, and the chunk count."""
    names = [str(c.index) for c in chunks]
    return {
        "chunks": str(len(chunks)),
        "grade-matrix": json.dumps({"chunk": names}),
        "fetch-matrix": json.dumps({"part": [GRADER_PART, *names]}),
    }
