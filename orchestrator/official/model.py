"""What the official workflow's jobs hand each other, as JSON files in artifacts.

`RunPlan` (the plan job, `plan.json`) says everything later jobs act on: the grader commit,
each assignment's `OfficialPlan` and the chunks of repositories the grade jobs take. A fetch
job writes a `FetchedChunk` (`chunk.json`) beside the chunk's tar files; the grade job hands
it on with the reports, so the record job knows why a learner's code never reached the grader.

Nothing here imports PyGithub: the grade job reads these files with the grader alone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from basis.errors import UserError
from orchestrator.grades_store import Login, Slug
from orchestrator.tiers import OfficialPlan

PLAN_FILE = "plan.json"
CHUNK_FILE = "chunk.json"
RESULTS_FILE = "results.json"
OUTCOME_FILE = "outcome.json"
GRADER_TAR = "grader.tar"
HIDDEN_DIR = "hidden"
HIDDEN_TESTS = "hidden_tests"  # inside each assignment's hidden tar, beside solution/ and bugs/
GRADER_PART = "grader"  # the fetch job's part that hands on the grader and the hidden tests

Sha = Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")]
# A login, or a team's name made into a repository-name part: safe as a file name.
SeatName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
Event = Literal["workflow_dispatch", "schedule", "local"]
M = TypeVar("M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Frozen):
    """One repository to grade at one commit: a learner's, or a team's (group assignment)."""

    assignment: Slug
    seat: SeatName
    members: tuple[Login, ...]
    repo: str  # OWNER/NAME
    clone_url: str
    html_url: str
    commit: Sha
    deadline: AwareDatetime | None = None  # the seat's own (its members' latest extension)

    @property
    def key(self) -> str:
        """Where this entry's files live in an artifact: `<assignment>/<seat>`."""
        return f"{self.assignment}/{self.seat}"


class LockSeat(_Frozen):
    """A repository the run locks: its seat's last grading moment fired (`[official] lock`)."""

    assignment: Slug
    seat: SeatName
    members: tuple[Login, ...]
    repo: str  # OWNER/NAME
    due: AwareDatetime  # the moment late work stopped being accepted


class Chunk(_Frozen):
    """The entries one grade job takes."""

    index: Annotated[int, Field(ge=0)]
    entries: tuple[Entry, ...]


class RunPlan(_Frozen):
    """An official run: what to grade, with which grader, in which chunks."""

    course_repo: str
    course_commit: str
    grading_repo: str
    grader_commit: Sha
    event: Event
    planned_at: AwareDatetime
    plans: tuple[OfficialPlan, ...]
    chunks: tuple[Chunk, ...]
    max_parallel: Annotated[int, Field(ge=1)]
    release: Literal["now", "after-deadline"] = "after-deadline"  # course.toml's
    titles: dict[Slug, str] = Field(default_factory=dict)  # assignment -> its title
    # assignment -> login -> why nothing could be graded (no repository, an empty one)
    causes: dict[Slug, dict[Login, str]] = Field(default_factory=dict)
    # assignment -> login -> the repository's web address (the store keeps it)
    repo_urls: dict[Slug, dict[Login, str]] = Field(default_factory=dict)
    # assignment -> the seats it covered (graded now or before), for posting grades
    seats: dict[Slug, tuple[Entry, ...]] = Field(default_factory=dict)
    locks: tuple[LockSeat, ...] = ()  # locked by the record job's last step
    lock_mode: Literal["read", "archive"] = "read"  # course.toml's `lock`

    @property
    def assignments(self) -> tuple[str, ...]:
        return tuple(p.assignment for p in self.plans)

    def plan_of(self, assignment: str) -> OfficialPlan:
        return next(p for p in self.plans if p.assignment == assignment)

    def chunk(self, index: int) -> Chunk:
        """Chunk `index`, or a UserError naming the ones there are."""
        for chunk in self.chunks:
            if chunk.index == index:
                return chunk
        raise UserError(f"the plan has no chunk {index} (it has {len(self.chunks)})")

    def planned_at_text(self) -> str:
        return self.planned_at.isoformat(timespec="seconds")


class Fetched(_Frozen):
    """One entry as the fetch job left it: its tar file, or why there is none."""

    entry: Entry
    archive: str = ""  # relative to the chunk's folder
    cause: str = ""


class FetchedChunk(_Frozen):
    """What the fetch job of one chunk handed on (`chunk.json`, next to the tar files)."""

    index: int
    grader_commit: Sha
    fetched: tuple[Fetched, ...]
    fetched_at: datetime


class GradeOutcome(_Frozen):
    """How the grader's process for one entry ended (`outcome.json`, beside its report)."""

    exit_code: int | None  # None: stopped at its time limit
    seconds: float


def read_model(model: type[M], path: Path) -> M:
    """`path` as a `model`; a UserError naming the file and the first problem."""
    try:
        return model.model_validate_json(path.read_bytes())
    except FileNotFoundError as exc:
        raise UserError(f"{path}: missing; the job that writes it did not finish") from exc
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "(file)"
        raise UserError(f"{path}: {where}: {problem['msg']}") from exc


def write_model(model: BaseModel, path: Path) -> Path:
    """Write `model` as indented JSON to `path` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path
