"""Every stage's PostgreSQL cluster is a copy of one template (graders.running.postgres_template):
it starts from `initdb`'s files as they were made, whatever a cluster before it was turned into,
with a superuser password of its own, and nobody but the grader can reach the template.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from graders.model.assignment import PostgresService, Services
from graders.running.postgres import ADMIN_ROLE, Postgres
from graders.running.postgres_template import TEMPLATES, template_key
from graders.running.services import Backing, backing_services
from graders.running.workspace import cache_root
from tests.graders.test_services_access import as_learner

pytestmark = pytest.mark.slow
PLANTED = "shared_preload_libraries = 'planted'\n"


def started():
    return backing_services(Services(postgres=PostgresService()))


def cluster(backing: Backing | None) -> Postgres:
    assert backing is not None and backing.postgres is not None
    return backing.postgres


def data_of(backing: Backing) -> Path:
    return backing.sockets.parent / "pg" / "data"


def template_of(postgres: Postgres) -> Path:
    return cache_root() / TEMPLATES / template_key(postgres.bin)


def as_superuser(postgres: Postgres, password: str) -> subprocess.CompletedProcess[str]:
    env = {**postgres.admin_env(), "PGPASSWORD": password}
    return subprocess.run(
        [str(postgres.bin / "psql"), "-X", "-A", "-t", "-c", "SELECT current_user"],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip


def test_the_templates_superuser_password_opens_no_cluster():
    with started() as backing:
        postgres = cluster(backing)
        template_password = (template_of(postgres) / "password").read_text().strip()
        assert postgres.admin_password != template_password
        refused = as_superuser(postgres, template_password)
        assert refused.returncode != 0
        assert "password authentication failed" in refused.stderr
        allowed = as_superuser(postgres, postgres.admin_password)
        assert allowed.stdout.strip() == ADMIN_ROLE, allowed.stderr


def test_the_template_is_the_graders_alone():
    with started() as backing:
        kept = template_of(cluster(backing))
    for path in (kept.parent, kept):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    owners = {path.lstat().st_uid for path in (kept, *kept.rglob("*"))}
    assert owners == {os.geteuid()}


def test_what_one_cluster_was_turned_into_does_not_reach_the_next():
    with started() as first:
        assert first is not None
        done = as_learner(cluster(first), "CREATE TABLE planted (id int)")
        assert done.returncode == 0, done.stderr
        # The worst a service that reached its cluster's files could do (its uid runs them).
        data = data_of(first)
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(PLANTED)
        (data / "planted.txt").write_text("left for the next grading")
    with started() as second:
        assert second is not None
        data = data_of(second)
        assert not (data / "planted.txt").exists()
        assert PLANTED not in (data / "postgresql.conf").read_text()
        gone = as_learner(cluster(second), "SELECT to_regclass('planted') IS NULL")
        assert gone.stdout.strip() == "t", gone.stderr
