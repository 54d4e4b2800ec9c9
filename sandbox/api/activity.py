"""Repository activity: every ref update recorded with the server's time, listed as GitHub's
`GET /repos/{owner}/{repo}/activity` lists it. Classifying and filtering are pure."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.api.datefilter import parse_time
from sandbox.clock import iso
from sandbox.context import PushEvent, Sandbox
from sandbox.git.repos import ZERO
from sandbox.records import Activity

PERIODS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}


def kind_of(event: PushEvent, fast_forward: bool) -> str:
    """GitHub's `activity_type` of one ref update."""
    if event.before == ZERO:
        return "branch_creation"
    if event.after == ZERO:
        return "branch_deletion"
    if event.via == "merge":
        return "pr_merge"
    return "push" if fast_forward else "force_push"


def record(sandbox: Sandbox, event: PushEvent) -> None:
    """Keep one ref update (pull-request refs are the server's own, not activity)."""
    if event.ref.startswith("refs/pull/"):
        return
    bare = sandbox.bare(event.repo)
    fast_forward = ZERO in (event.before, event.after) or bare.is_ancestor(
        event.before, event.after
    )
    sandbox.store.add(
        Activity(
            repo=event.repo,
            ref=event.ref,
            before=event.before,
            after=event.after,
            actor=event.pusher,
            activity_type=kind_of(event, fast_forward),
            timestamp=iso(sandbox.clock.now()),
            via=event.via,
        )
    )


@dataclass(frozen=True)
class Query:
    """The filters and page of one activity request."""

    ref: str | None = None
    actor: str | None = None
    time_period: str | None = None
    activity_type: str | None = None
    direction: str = "desc"
    per_page: int = 30
    before: int | None = None  # cursors: the id of the first / last item of a page
    after: int | None = None


def cursor(record_id: int) -> str:
    """An opaque cursor for the item with this id."""
    return base64.urlsafe_b64encode(f"activity:{record_id}".encode()).decode().rstrip("=")


def read_cursor(text: str) -> int:
    """The id a cursor names; ValueError when it names none."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    prefix, _, number = raw.partition(":")
    if prefix != "activity" or not number.isdigit():
        raise ValueError(text)
    return int(number)


def matches(item: Activity, query: Query, now: datetime) -> bool:
    """True when `item` passes every filter of `query`."""
    ref = query.ref
    if ref and item.ref != (ref if ref.startswith("refs/") else f"refs/heads/{ref}"):
        return False
    if query.actor and item.actor.lower() != query.actor.lower():
        return False
    if query.activity_type and item.activity_type != query.activity_type:
        return False
    if query.time_period:
        since = now - timedelta(days=PERIODS[query.time_period])
        return parse_time(item.timestamp) >= since
    return True


@dataclass(frozen=True)
class Page:
    items: list[Activity]
    prev: int | None  # cursor ids for the Link header
    next: int | None


def select(items: list[Activity], query: Query, now: datetime) -> Page:
    """One page of the matching items in the asked order, and its neighbours' cursors."""
    ordered = sorted(
        (i for i in items if matches(i, query, now)),
        key=lambda i: i.id,
        reverse=query.direction != "asc",
    )
    ids = [i.id for i in ordered]
    start = 0
    if query.after is not None:
        start = next((n + 1 for n, i in enumerate(ids) if i == query.after), len(ids))
    elif query.before is not None:
        end = next((n for n, i in enumerate(ids) if i == query.before), 0)
        start = max(0, end - query.per_page)
    chunk = ordered[start : start + query.per_page]
    more = start + query.per_page < len(ordered)
    return Page(
        chunk,
        prev=chunk[0].id if chunk and start > 0 else None,
        next=chunk[-1].id if chunk and more else None,
    )
