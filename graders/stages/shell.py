"""Shell commands an assignment names (setup commands, io and command checks), run as the
learner's code: they run the submission, so each is contained as the public tests are (the
grading's own uid, a private filesystem with only its copy and scratch folder writable, no
network, process and memory limits, a clean environment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from basis.procs import CommandResult, Limits
from graders.model.causes import failed_because
from graders.running.process import clean_env, run_cmd
from graders.running.workspace import private_copy, scratch_dir
from graders.stages.context import StageContext

SHELL = "/bin/sh"  # what GitHub Actions' graders use for a command string (`shell: true`)


@dataclass(frozen=True)
class Workspace:
    """Where a stage's commands run: a copy of the submission and a scratch home."""

    copy: Path
    home: Path
    env: Mapping[str, str]
    readable: tuple[Path, ...] = ()  # the grader's folders it may read (database sockets)

    def with_env(self, extra: Mapping[str, str]) -> Workspace:
        return replace(self, env={**self.env, **extra})


@dataclass(frozen=True)
class SetupFailed:
    """A setup command that did not succeed, and its own account of why."""

    command: str
    outcome: CommandResult

    @property
    def message(self) -> str:
        said = self.outcome.stderr + "\n" + self.outcome.output
        return failed_because(
            f"the setup command `{self.command}`",
            self.outcome.returncode,
            self.outcome.timed_out,
            said,
        )

    @property
    def log(self) -> str:
        return (self.outcome.output + self.outcome.stderr)[-4000:]


def workspace(ctx: StageContext, name: str, extra_env: Mapping[str, str]) -> Workspace:
    """A fresh copy of the submission for stage `name`, and the environment its commands get."""
    assert ctx.env is not None
    copy = private_copy(ctx.submission, ctx.work, name, ctx.uid)
    home = scratch_dir(ctx.work, f"{name}-home", ctx.uid)
    env = clean_env({**extra_env, "CLASSROOM_GRADING": "1"}, path_prefix=[ctx.env.bin], home=home)
    return Workspace(copy, home, env)


def run_shell(
    ctx: StageContext, space: Workspace, command: str, limits: Limits, stdin: bytes | None = None
) -> CommandResult:
    """`command` through the shell, from the copy's root, contained; stdout apart from stderr."""
    return run_cmd(
        [SHELL, "-c", command],
        cwd=space.copy,
        env=space.env,
        limits=limits,
        untrusted=ctx.untrusted(space.copy, space.home, readable=space.readable),
        merge_stderr=False,
        stdin=stdin,
    )


def run_setup(
    ctx: StageContext, space: Workspace, commands: Sequence[str], limits: Limits
) -> SetupFailed | None:
    """Each setup command in turn; the first that fails (or times out) stops the rest."""
    for command in commands:
        outcome = run_shell(ctx, space, command, limits)
        if not outcome.ok:
            return SetupFailed(command, outcome)
    return None
