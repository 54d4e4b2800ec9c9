"""A warm start for mypy: what it learned of the standard library and of the submission
environment's packages, kept once per environment and handed to every grading that uses it.

mypy spends most of a small project's check on the libraries it imports (4.1 s for tasks-api's
solution from an empty cache, 0.37 s from this one: benchmarks/types_seed.py). The seed is
mypy's own cache, built by the grader from a probe module of its own that imports every
top-level package of the environment: no learner file is ever analysed into it, so no submission
can shape what another one is checked against. Each grading gets a copy in its own cache
folder; mypy checks every entry it reuses against the source it would read (a learner's module
that shadows a library's is analysed afresh, as are the modules that depend on it), so a
grading checks the same with and without it. The seed is keyed by mypy's version, the
assignment's configuration, the options and the environment; it is built under a lock, in a
folder of its own that is renamed into place; a probe mypy could not finish leaves no seed, and
gradings run cold. The types stage asks for it only when the environment came from the cache
(it serves several gradings): the first grading of a fresh runner, a practice grade on GitHub,
runs cold rather than pay for a seed nobody reuses (5.4 s to build).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import keyword
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from basis.procs import Limits
from graders.running import tools
from graders.running.process import clean_env, run_cmd
from graders.running.workspace import cache_root

PROBE = "classroom_types_probe.py"
LIBRARY_SUFFIXES = (".dist-info", ".data", ".libs", ".egg-info")


@dataclass(frozen=True)
class MypyCommand:
    """How the types stage runs mypy: `options` decide what it concludes, `search` only where
    it finds the environment's packages (a stand-in interpreter, written anew per grading)."""

    executable: str
    options: tuple[str, ...]
    search: tuple[str, ...]
    config: Path
    site_packages: tuple[Path, ...]

    def argv(self, cache: Path, paths: Sequence[str]) -> list[str]:
        return [self.executable, *self.options, *self.search, "--cache-dir", str(cache), *paths]

    def seed_key(self) -> str:
        """A hash of everything that decides what mypy's cache of the libraries holds."""
        decided = [
            tools.PINNED["mypy"],
            self.config.read_text(encoding="utf-8"),
            list(self.options),
            [str(path) for path in self.site_packages],
        ]
        return hashlib.sha256(json.dumps(decided).encode()).hexdigest()[:24]


def top_level_packages(site_packages: Sequence[Path]) -> list[str]:
    """The importable top-level names of the environment's packages, sorted."""
    names = set()
    for folder in site_packages:
        for entry in folder.iterdir():
            name = entry.name
            if name.startswith(("_", ".")) or name.endswith(LIBRARY_SUFFIXES):
                continue
            if entry.is_dir() and any((entry / f"__init__.{s}").exists() for s in ("py", "pyi")):
                names.add(name)
            elif entry.suffix in (".py", ".pyi"):
                names.add(entry.stem)
    return sorted(n for n in names if n.isidentifier() and not keyword.iskeyword(n))


def seed_cache(cache: Path, mypy: MypyCommand, work: Path, limits: Limits) -> bool:
    """Fill `cache` (mypy's cache folder for this grading) from the environment's seed, built
    first if new. False when there is no seed to give (mypy's probe failed): it runs cold."""
    seeds = cache_root() / "mypy-seeds"
    seeds.mkdir(exist_ok=True, mode=0o755)
    key = mypy.seed_key()
    seed, failed = seeds / key, seeds / f"{key}.failed"
    with (seeds / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            return False  # tried once for this environment: not again for every grading
        if not seed.is_dir() and not _build(seed, mypy, work, limits):
            failed.touch()
            return False
    shutil.copytree(seed, cache)  # modification times kept: mypy checks them
    return True


def _build(seed: Path, mypy: MypyCommand, work: Path, limits: Limits) -> bool:
    probe = work / "types-probe"
    probe.mkdir()
    imports = "".join(f"import {name}\n" for name in top_level_packages(mypy.site_packages))
    (probe / PROBE).write_text(imports, encoding="utf-8")
    building = seed.parent / f"{seed.name}.build-{uuid.uuid4().hex[:8]}"
    try:
        outcome = run_cmd(
            mypy.argv(building, [PROBE]),
            cwd=probe,
            env=clean_env(home=work),
            limits=limits,
            merge_stderr=False,
        )
        if outcome.timed_out or outcome.returncode not in (0, 1) or not building.is_dir():
            return False  # errors in the libraries (exit 1) are no concern of the seed
        building.rename(seed)
        return True
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(probe, ignore_errors=True)
