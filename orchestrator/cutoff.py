"""The commit that counts at a moment, from GitHub's record of pushes; pure.

Never from commit dates: a learner writes those (`GIT_COMMITTER_DATE=…`). The record of pushes
(`GET /repos/{o}/{r}/activity`, read by `GitHub.pushes`) carries the server's time of every
update of the default branch: the head at a moment is the `after` of the last push at or
before it, and that commit arrived when it first became the head.

No submission: a learner submitted when a push of theirs (a member's, for a team) reached the
default branch at or before the moment: a `git push`, or a pull request they merged. What
provisioning wrote (the template's commit, the setup commit, by the instructor's account) is
not a submission, and neither is work left on another branch. A repository nobody but the
instructor pushed to is "no submission": a result, never an error.

The record is kept 90 days. Asked about a moment whose pushes may be older than that (the
repository is older than the record), a learner with no push in what is left may have pushed
before it: the answer is "record gone" and the caller falls back on the commit it stored when
it graded that moment (the grades store keeps it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from orchestrator.gateway.records import Push, RepoInfo
from reporter.moments import days_late, utc

if TYPE_CHECKING:
    from orchestrator.gateway import GitHub

ACTIVITY_KEPT = timedelta(days=90)
ZERO = "0" * 40
Status = Literal["submitted", "no submission", "record gone"]


@dataclass(frozen=True)
class Cutoff:
    """The head of the default branch at `moment`, and how it got there."""

    moment: datetime
    status: Status
    commit: str | None  # the head then (None: no branch yet); graded only when submitted
    pushed_at: datetime | None = None  # when that commit first became the head
    pusher: str = ""

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def days_late(self, deadline: datetime) -> int:
        """Late days of this commit against `deadline` (0 when it was there in time)."""
        return days_late(self.pushed_at, deadline) if self.pushed_at is not None else 0


def record_kept_since(read_at: datetime, created_at: datetime | None) -> datetime | None:
    """Since when a record read at `read_at` holds every push; None: since the repository
    began (it is younger than the record kept)."""
    horizon = utc(read_at) - ACTIVITY_KEPT
    if created_at is not None and utc(created_at) >= horizon:
        return None
    return horizon


def cutoff(
    pushes: Sequence[Push],
    moment: datetime,
    *,
    learners: Collection[str],
    kept_since: datetime | None = None,
) -> Cutoff:
    """The commit that counts at `moment` on a branch whose recorded `pushes` (oldest first)
    are given, for a seat whose members are `learners`."""
    members = {login.lower() for login in learners}
    ordered = _ordered(pushes)
    before = [p for p in ordered if utc(p.pushed_at) <= utc(moment)]
    head = _head(ordered, before)
    if head is not None and any(p.actor.lower() in members for p in before):
        arrived = next(p for p in before if p.after == head)
        return Cutoff(moment, "submitted", head, arrived.pushed_at, arrived.actor)
    status: Status = "record gone" if kept_since is not None else "no submission"
    return Cutoff(moment, status, head)


def _head(ordered: Sequence[Push], before: Sequence[Push]) -> str | None:
    """The head at the moment: the last push up to it, else what the next push replaced."""
    if before:
        after = before[-1].after
    else:
        later = ordered[len(before) :]
        after = later[0].before if later else ZERO
    return None if after == ZERO else after


def first_push_after(
    pushes: Sequence[Push], moment: datetime, learners: Collection[str] | None = None
) -> Push | None:
    """The first push after `moment` (by one of `learners`, when named): late work begins."""
    members = {login.lower() for login in learners} if learners is not None else None
    return next(
        (
            p
            for p in _ordered(pushes)
            if utc(p.pushed_at) > utc(moment)
            and p.after != ZERO
            and (members is None or p.actor.lower() in members)
        ),
        None,
    )


def read_cutoffs(
    gh: GitHub,
    repo: RepoInfo,
    moments: Iterable[datetime],
    learners: Collection[str],
    *,
    read_at: datetime | None = None,
) -> dict[datetime, Cutoff]:
    """The cutoff of `repo`'s default branch at each of `moments`, from one read of its record
    of pushes (a call per 100 pushes). `read_at` is when the record is read (default: now)."""
    pushes = gh.pushes(repo.full_name, repo.default_branch)
    kept = record_kept_since(read_at or datetime.now(UTC), repo.created_at)
    return {m: cutoff(pushes, m, learners=learners, kept_since=kept) for m in moments}


def _ordered(pushes: Sequence[Push]) -> list[Push]:
    return sorted(pushes, key=lambda p: (utc(p.pushed_at), p.id))
