"""A PostgreSQL data folder made by `initdb` once per machine, copied for every stage's cluster.

A cluster started with `initdb` took 0.89 s of CPU, one started from a copy of its files 0.33 s
(benchmarks/postgres_start.py, medians of 7), and a course's official grade starts three or four
clusters per learner. The template is the grader's own: made by `initdb`
for the first cluster a grader starts, before that cluster (or any learner code) runs; kept in
the grader's cache, owned by the grader and readable by nobody else; each copy handed to the
stage's uid. Its superuser password is the template's, known to the grader alone: every cluster
changes it to one of its own before the learner's role exists (graders.running.postgres).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import uuid
from pathlib import Path

from graders.running.backing import admin, run_as, write_private
from graders.running.process import clean_env
from graders.running.workspace import cache_root

TEMPLATES = "postgres-templates"
SUPERUSER = "grader"
INITDB_OPTIONS = ("--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
                  "--no-instructions")  # fmt: skip


def lay_out_data(bin_dir: Path, home: Path, uid: int | None) -> str:
    """Fill `home`/data with a new cluster's files, owned by `uid`; the superuser's password.

    The first call on a machine runs `initdb` there and keeps a copy as the template; every
    later call copies the template."""
    templates = cache_root() / TEMPLATES
    templates.mkdir(exist_ok=True, mode=0o700)
    kept = templates / template_key(bin_dir)
    data = home / "data"
    with (templates / f"{kept.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not kept.is_dir():
            password = secrets.token_hex(16)
            _initdb(bin_dir, home, uid, password)
            _keep(data, password, kept)
            return password
    shutil.copytree(kept / "data", data, symlinks=True)
    if uid is not None:
        _give(data, uid)
    return (kept / "password").read_text(encoding="utf-8").strip()


def template_key(bin_dir: Path) -> str:
    """A hash of what decides the template's files: the binaries (a minor upgrade replaces
    them) and initdb's options."""
    server = (bin_dir / "postgres").stat()
    decided = [str(bin_dir.resolve()), server.st_size, server.st_mtime_ns, SUPERUSER,
               list(INITDB_OPTIONS)]  # fmt: skip
    return hashlib.sha256(json.dumps(decided).encode()).hexdigest()[:24]


def _initdb(bin_dir: Path, home: Path, uid: int | None, password: str) -> None:
    pwfile = home / "pw"
    write_private(pwfile, password + "\n", uid)
    try:
        argv = [str(bin_dir / "initdb"), "-D", str(home / "data"), "-U", SUPERUSER,
                f"--pwfile={pwfile}", *INITDB_OPTIONS]  # fmt: skip
        admin(run_as(uid, home.parent, argv), clean_env({"TZ": "UTC"}, home=home))
    finally:
        pwfile.unlink()


def _keep(data: Path, password: str, kept: Path) -> None:
    """A copy of `data`, owned by the grader, renamed into place whole."""
    building = kept.parent / f"{kept.name}.build-{uuid.uuid4().hex[:8]}"
    try:
        building.mkdir(mode=0o700)
        shutil.copytree(data, building / "data", symlinks=True)
        write_private(building / "password", password + "\n", None)
        building.rename(kept)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _give(folder: Path, uid: int) -> None:
    os.chown(folder, uid, uid)
    for parent, folders, files in os.walk(folder):
        for name in (*folders, *files):
            os.chown(Path(parent) / name, uid, uid, follow_symlinks=False)
