"""The findings of one `classroom similarity` run: `pairs.json` beside the HTML report.

The dashboard reads it to list the flagged pairs on the assignment's page (for the
instructor; never on the published site unless course.toml's `[similarity] publish` says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from basis.errors import UserError

DEFAULT_THRESHOLD = 70.0  # percent; honest tasks-api work shares about 20-60 (instructor guide)
MIN_SHARED_TOKENS = 100  # normalised characters of code each side of a flagged pair shares
FINDINGS_FILE = "pairs.json"
REPORT_FILE = "report.html"
Percent = Annotated[float, Field(ge=0, le=100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Side(_Model):
    """One submission of a pair: a learner of this term (their graded commit) or an archive."""

    label: str
    kind: Literal["learner", "archive"]
    commit: str = ""
    share: Percent  # how much of this submission's own code (starter left out) the other has


class Pair(_Model):
    """Two submissions and how alike they are."""

    left: Side
    right: Side
    similarity: Percent  # shared own code over both submissions' own code
    shared_tokens: int  # of code, after names, strings and layout are normalised
    flagged: bool

    @property
    def key(self) -> str:
        """The pair's anchor in the report."""
        return f"{self.left.label}--{self.right.label}".replace("/", "-")


class Skipped(_Model):
    """A learner (or archive) left out of the comparison, and why."""

    label: str
    why: str


class SimilarityRun(_Model):
    """One run over an assignment."""

    assignment: str
    generated_at: AwareDatetime
    threshold: Percent
    min_shared_tokens: int
    learners: int  # submissions of this term compared
    archives: int  # earlier submissions compared against
    pairs_compared: int
    median: Percent  # similarity of the median pair: what this assignment's honest work shares
    p95: Percent
    pairs: tuple[Pair, ...]  # the flagged pairs, and the closest below the threshold
    skipped: tuple[Skipped, ...] = ()

    @property
    def flagged(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.flagged)


def read_run(path: Path) -> SimilarityRun:
    """Read a findings file; a UserError names the file and the fix."""
    try:
        return SimilarityRun.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise UserError(
            f"{path}: not the findings of `classroom similarity` ({exc.__class__.__name__}); "
            "run `classroom similarity SLUG` again or delete the folder"
        ) from exc
