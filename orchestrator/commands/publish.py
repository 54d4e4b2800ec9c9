"""`classroom publish SLUG`: create or update the org's template repository from the starter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from basis.errors import UserError
from orchestrator.course import CourseDir
from orchestrator.gateway import GitHub, RepoInfo
from orchestrator.grading_pin import Pin, grading_pin
from orchestrator.treesync import Target, folder_files, sync_tree, write_files


@dataclass(frozen=True)
class Published:
    repo: str
    created: bool
    commit: str | None  # None: the content was already there


def publish(course: CourseDir, gh: GitHub, slug: str, *, dry_run: bool = False) -> int:
    """Make `<org>/<template>` hold exactly `templates/SLUG/starter`; no commit if unchanged."""
    starter = course.starter(slug)
    if not starter.is_dir():
        raise UserError(f"{starter}: no starter folder for '{slug}'; check catalog/template")
    full = f"{course.course.org}/{course.course.template_name(slug)}"
    gh.whoami({"repo", "workflow"})
    pin = grading_pin(course, gh)
    repo = gh.repo(full)
    if dry_run:
        print(f"would {'update' if repo else 'create'} {full} from {starter}")
        return 0
    created = repo is None
    if repo is None:
        private = course.course.repos.visibility != "public"
        repo = gh.create_repo(course.course.org, full.split("/")[1], private=private, template=True)
    elif not repo.is_template:
        repo = gh.update_repo(full, is_template=True)
    done = Published(full, created, _sync(repo, starter, gh.git_auth_env(), pin))
    print(_describe(done, starter))
    return 0


def _describe(done: Published, starter: Path) -> str:
    verb = "created" if done.created else "updated"
    if done.commit is None:
        return f"{done.repo} already holds {starter}: unchanged, no new commit"
    return f"{verb} {done.repo} at {done.commit[:12]} from {starter}"


def _sync(repo: RepoInfo, starter: Path, auth: dict[str, str], pin: Pin | None) -> str | None:
    """Commit the starter (its grading workflow pinned) on the default branch; None if same."""

    def fill(work: Path) -> None:
        write_files(work, folder_files(starter))
        if pin is not None:
            pin.apply_to(work)

    message = f"Publish {repo.name} from the assignment catalog"
    return sync_tree(Target(repo.clone_url, repo.default_branch), auth, message, fill).commit
