"""A new learner, with their own token, looks for hidden tests and solutions and finds none.

The course is set up as an instructor does it (publish-grader, course push, publish, provision)
and the learner accepts the invitation. Then, through REST and through git, the learner reads
every file of every repository they can see, on every branch and (with git) in all history,
and each file's content hash is compared with the hidden tests and solutions of the catalog.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from github import Github, GithubException
from github.Repository import Repository
from rich.console import Console

from orchestrator.commands.course_push import course_push
from orchestrator.commands.provision import provision
from orchestrator.commands.publish import publish
from orchestrator.commands.publish_grader import publish_grader
from orchestrator.course_tree import has_load_stage
from tests.orchestrator.conftest import ALL_ASSIGNMENTS, ORG, Classroom, with_two_repositories
from tests.orchestrator.repo_files import (
    PRIVATE,
    TEMPLATES,
    blob_id,
    every_blob,
    mirror,
    private_blobs,
)

COURSE = f"{ORG}/course"
# A whole course set up through the sandbox, then every blob of it read: the heaviest fast test.
pytestmark = pytest.mark.heavy


@pytest.fixture
def set_up(classroom: Classroom) -> Classroom:
    """The instructor's whole set-up; every learner has accepted their invitation."""
    room = with_two_repositories(classroom)
    gh = room.gateway()
    assert publish_grader(room.course, gh) == 0
    assert course_push(room.course, gh) == 0
    for slug in ALL_ASSIGNMENTS:
        assert publish(room.course, gh, slug) == 0
    quiet = Console(file=io.StringIO())
    assert provision(room.course, gh, "tasks-api", console=quiet) == 0
    for login in room.logins:
        me = room.client(room.learner_token(login)).get_user()
        for invitation in me.get_invitations():
            me.accept_invitation(invitation)
    return room


def visible_repositories(learner: Github, instructor: str) -> dict[str, Repository]:
    """Every repository the learner's token lists, by every listing a newcomer would try."""
    listings = [
        learner.get_user().get_repos(),
        learner.get_organization(ORG).get_repos(type="all"),
        learner.get_user(ORG).get_repos(),
        learner.get_user(instructor).get_repos(),
    ]
    return {repo.full_name: repo for listing in listings for repo in listing}


def rest_files(repo: Repository) -> dict[str, bytes]:
    """`branch:path` → content of every file on every branch, read through the contents API."""
    found: dict[str, bytes] = {}
    for branch in repo.get_branches():
        pending = list(repo.get_contents("", ref=branch.name))  # type: ignore[arg-type]
        while pending:
            item = pending.pop()
            if item.type == "dir":
                pending.extend(repo.get_contents(item.path, ref=branch.name))  # type: ignore[arg-type]
            else:
                found[f"{branch.name}:{item.path}"] = item.decoded_content
    return found


def is_private_path(path: str) -> bool:
    return bool(set(path.split("/")) & set(PRIVATE))


def test_a_learner_reads_no_hidden_test_and_no_solution_and_cannot_see_the_course(
    set_up: Classroom, tmp_path: Path
) -> None:
    login = set_up.logins[0]
    token = set_up.learner_token(login)
    learner = set_up.client(token)
    private = private_blobs()
    seen = visible_repositories(learner, set_up.seeded.instructor.login)
    assert set(seen) == {f"{ORG}/classroom", f"{ORG}/tasks-api-{login}"}

    read = {
        f"{name}@{where}": data
        for name, repo in seen.items()
        for where, data in rest_files(repo).items()
    }
    assert len(read) > 300  # the grading repository's engine and templates, the learner's repo
    assert not [
        n for n in read if set(n.split("@", 1)[1].split(":", 1)[1].split("/")) & set(PRIVATE)
    ]
    assert not [(n, private[blob_id(d)]) for n, d in read.items() if blob_id(d) in private]

    for name in seen:
        clone = mirror(f"{set_up.url}/{name}.git", token, tmp_path / name)
        assert clone is not None, name
        blobs = every_blob(clone)
        assert blobs, name
        assert not [
            p for paths in blobs.values() for p in paths if set(p.split("/")) & set(PRIVATE)
        ]
        assert not [private[sha] for sha in blobs if sha in private]

    with pytest.raises(GithubException) as hidden:
        learner.get_repo(COURSE).get_contents("course.toml")
    assert hidden.value.status == 404
    assert mirror(f"{set_up.url}/{COURSE}.git", token, tmp_path / "clones" / COURSE) is None


def test_the_course_repository_holds_what_the_learner_looked_for(
    set_up: Classroom, tmp_path: Path
) -> None:
    """The check above can fail: the instructor's clone of the course repository has them."""
    clone = mirror(f"{set_up.url}/{COURSE}.git", set_up.token, tmp_path / "clones" / COURSE)
    assert clone is not None
    private = private_blobs()
    found = {private[sha] for sha in every_blob(clone) if sha in private}
    assert found == {p for p in private.values() if _sent_to_the_course(p)}


def _sent_to_the_course(path: Path) -> bool:
    """Hidden tests, an assignment's solution and bugs when it has bugs (test_quality), and its
    solution when it has a load stage (the reference its latency is judged against)."""
    slug, kind = path.relative_to(TEMPLATES).parts[:2]
    if kind == "hidden_tests" or (TEMPLATES / slug / "bugs").is_dir():
        return True
    return kind == "solution" and has_load_stage(TEMPLATES / slug)
