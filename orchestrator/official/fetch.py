"""The fetch job: the chosen commits as plain trees in tar files, and nothing of theirs runs.

Each commit is fetched into a fresh bare repository (`git fetch --depth 1 URL SHA`: exactly
that commit, whatever the branch says by now) and written out by `git archive` as a tar: no
work tree is checked out, so no hook, no submodule, no LFS download and no filter the
learner's `.gitattributes` names can run. git reads no system or user configuration (a
runner's global `git lfs install` included), hooks point nowhere, and only http(s) is
allowed. The token reaches git in its environment, never on argv.

A chunk's part (`--part N`) writes `chunk.json` (`FetchedChunk`: each entry's tar, or why
it could not be fetched) and `tars/<assignment>/<seat>.tar`; the grader's part writes
`grader.tar` (the grading repository at the planned commit) and `hidden/<slug>.tar` (each
assignment's hidden tests from the course repository at the commit the plan read).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from basis.errors import UserError
from basis.procs import Limits, run_cmd
from orchestrator.official.model import (
    CHUNK_FILE,
    GRADER_TAR,
    HIDDEN_DIR,
    Entry,
    Fetched,
    FetchedChunk,
    RunPlan,
    write_model,
)

GIT = Limits(timeout_seconds=600, output_bytes=64 * 1024)
# The assignment's hidden material: hidden_tests/, and solution/ with bugs/ for test_quality.
HIDDEN_IN_COURSE = "assignments/{slug}"
# git settings for fetching code nobody reviewed: no hooks, no submodules, http(s) only.
SAFE_CONFIG = (
    ("core.hooksPath", "/dev/null"),
    ("protocol.allow", "never"),
    ("protocol.https.allow", "always"),
    ("protocol.http.allow", "always"),
    ("fetch.recurseSubmodules", "false"),
    ("submodule.recurse", "false"),
)
PASSED_ON = ("PATH", "LANG", "LC_ALL", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "NO_PROXY")


class FetchFailed(UserError):
    """One commit could not be fetched; the message says which and git's last words."""


def git_env(auth: Mapping[str, str], home: Path) -> dict[str, str]:
    """git's environment: the auth header from `auth` (GIT_CONFIG_*), the safe settings, no
    system or user configuration (`home` is an empty folder)."""
    count = int(auth.get("GIT_CONFIG_COUNT", "0"))
    pairs = [(auth[f"GIT_CONFIG_KEY_{i}"], auth[f"GIT_CONFIG_VALUE_{i}"]) for i in range(count)]
    pairs += list(SAFE_CONFIG)
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env |= {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_CONFIG_COUNT": str(len(pairs)),
    }
    for index, (key, value) in enumerate(pairs):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def export_commit(
    clone_url: str, sha: str, tar: Path, auth: Mapping[str, str], *, subtree: str = ""
) -> Path:
    """Write commit `sha` of `clone_url` (only `subtree` of it, when given) as the tar `tar`."""
    tar.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="classroom-fetch-") as tmp:
        scratch = Path(tmp)
        (scratch / "home").mkdir()
        env = git_env(auth, scratch / "home")
        bare = scratch / "repo.git"
        _git(["init", "-q", "--bare", str(bare)], scratch, env, f"git init for {clone_url}")
        fetch = ["fetch", "-q", "--depth=1", "--no-tags", "--no-recurse-submodules"]
        _git([*fetch, clone_url, sha], bare, env, f"commit {sha[:12]} of {_shown(clone_url)}")
        treeish = f"{sha}:{subtree}" if subtree else sha
        _git(
            ["archive", "--format=tar", f"--output={tar.resolve()}", treeish],
            bare,
            env,
            f"{subtree or 'the tree'} at {sha[:12]} of {_shown(clone_url)}",
        )
    return tar


def _git(args: Sequence[str], cwd: Path, env: Mapping[str, str], what: str) -> None:
    result = run_cmd(["git", *args], cwd=cwd, env=env, limits=GIT, merge_stderr=True)
    if not result.ok:
        last = (result.output.strip().splitlines() or ["no message"])[-1]
        raise FetchFailed(f"could not fetch {what}: git {args[0]} said: {last[-300:]}")


def _shown(url: str) -> str:
    """A clone URL without any credentials in it (they never are, but logs must not risk it)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}" if rest else url


def fetch_chunk(plan: RunPlan, index: int, out: Path, auth: Mapping[str, str]) -> FetchedChunk:
    """Every entry of chunk `index` as a tar under `out`, and `out/chunk.json`."""
    fetched = [_fetch_entry(entry, out, auth) for entry in plan.chunk(index).entries]
    chunk = FetchedChunk(
        index=index,
        grader_commit=plan.grader_commit,
        fetched=tuple(fetched),
        fetched_at=datetime.now(UTC),
    )
    write_model(chunk, out / CHUNK_FILE)
    return chunk


def _fetch_entry(entry: Entry, out: Path, auth: Mapping[str, str]) -> Fetched:
    relative = f"tars/{entry.key}.tar"
    try:
        export_commit(entry.clone_url, entry.commit, out / relative, auth)
    except FetchFailed as exc:
        return Fetched(entry=entry, cause=str(exc))
    return Fetched(entry=entry, archive=relative)


def fetch_grader(
    plan: RunPlan, out: Path, auth: Mapping[str, str], *, grading_url: str, course_url: str
) -> list[Path]:
    """The grader at the planned commit and every planned assignment's hidden tests."""
    written = [export_commit(grading_url, plan.grader_commit, out / GRADER_TAR, auth)]
    for slug in plan.assignments:
        subtree = HIDDEN_IN_COURSE.format(slug=slug)
        tar = out / HIDDEN_DIR / f"{slug}.tar"
        try:
            export_commit(course_url, plan.course_commit, tar, auth, subtree=subtree)
        except FetchFailed as exc:
            raise UserError(
                f"{exc}; the course repository {plan.course_repo} holds no {subtree} at "
                f"{plan.course_commit[:12]}: run `classroom course push`, then grade again"
            ) from exc
        written.append(tar)
    return written
