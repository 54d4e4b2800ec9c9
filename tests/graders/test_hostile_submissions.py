"""Hostile submissions, one per route a learner could take to a better official grade.

Each is the honest baseline `half_done` plus an attack (tests/fixtures/hostile/README.md).
For each, the official grade is what the same code earns without the attack (or lower, where
the attack is refused outright), the report holds no text from the grader's side, every
payload ran as the grading's own unprivileged uid (its notes say so), and nothing is left
running or written outside the grading's own folders. The runs are kept
(`CLASSROOM_KEEP_RUN`) so the test can read what the payloads left in their folders.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import graders
from graders.model.assignment import load_assignment
from graders.model.load_reference import round_seconds
from graders.model.report import GradeReport, Submission
from graders.running.containment import detect
from graders.running.engine import grade_submission
from graders.stages.context import StageContext
from graders.stages.install import ensure_environment
from tests.conftest import NOTES_ASSIGNMENT, ROOT, SUBMISSIONS
from tests.graders.conftest import connections_to
from tests.graders.wheels import plugin_wheel, pth_wheel

HOSTILE = SUBMISSIONS.parent / "hostile"
RUN_STAGES = ("install", "tests", "hidden", "load")  # the stages that run the learner's code
HIDDEN = NOTES_ASSIGNMENT / "hidden_tests"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(detect().missing()),
        reason="official grades need full containment: " + "; ".join(detect().missing()),
    ),
]


# --- building and grading -----------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder of the host anyone could write, if they could see it: payloads aim here."""
    folder = tmp_path / "outside"
    folder.mkdir()
    folder.chmod(0o777)
    return folder


@pytest.fixture
def kept(grading_runs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where each grading's folder is moved when it ends, to read the payloads' notes."""
    folder = grading_runs / "kept"
    monkeypatch.setenv("CLASSROOM_KEEP_RUN", str(folder))
    return folder


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package index of two hostile packages (a `.pth` payload and a pytest plugin)."""
    folder = tmp_path_factory.mktemp("index")
    pth_wheel(folder)
    plugin_wheel(folder)
    folder.chmod(0o755)
    return folder


def build(root: Path, name: str | None, outside: Path, **files: str) -> Path:
    """passes_all, then half_done, then the hostile folder `name`, then `files`."""
    target = root / (name or "half_done")
    shutil.copytree(SUBMISSIONS / "passes_all", target)
    shutil.copytree(SUBMISSIONS / "half_done", target, dirs_exist_ok=True)
    if name:
        shutil.copytree(HOSTILE / name, target, dirs_exist_ok=True)
    (target / "outside.txt").write_text(f"{outside}\n")
    for rel, text in files.items():
        (target / rel.replace("__", "/")).write_text(text)
    return target


def grade(folder: Path) -> GradeReport:
    assignment = load_assignment(NOTES_ASSIGNMENT)
    return grade_submission(
        assignment,
        folder,
        hidden_tests=HIDDEN,
        skip=frozenset(),
        submission_info=Submission(path=str(folder)),
        official=True,
    )


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> GradeReport:
    """The official grade of the honest half-done submission (the code without an attack)."""
    root = tmp_path_factory.mktemp("baseline")
    return grade(build(root, None, tmp_path_factory.mktemp("unused")))


def scores(report: GradeReport, *stages: str) -> dict[str, tuple[str, float, list[str]]]:
    """Per stage: status, score and the verdict of each check (what a grade is made of)."""
    wanted = stages or tuple(s.name for s in report.stages)
    return {
        s.name: (s.status, s.score, [f"{c.name}={c.status}" for c in s.checks])
        for s in report.stages
        if s.name in wanted and s.name != "load"
    } | {s.name: (s.status, s.score, []) for s in report.stages if s.name == "load" in wanted}


def notes(kept: Path, stage_folder: str) -> list[str]:
    """The witness lines payloads left in one stage's folder of the kept run(s)."""
    return [
        line
        for path in sorted(kept.glob(f"classroom-grade-*/{stage_folder}/witness.txt"))
        for line in path.read_text().splitlines()
    ]


def processes_of(uid: int) -> list[str]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        real = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
        if int(real) == uid:
            found.append(proc.name)
    return found


def assert_contained(report: GradeReport, outside: Path, kept: Path) -> None:
    """Nothing escaped: full containment recorded, no note outside, nothing of its uid alive,
    and every note left inside names the grading's own uid, never root."""
    assert report.containment is not None and report.containment.level == "full"
    uid = report.containment.sandbox_uid
    assert uid is not None and uid != 0
    assert sorted(p.name for p in outside.iterdir()) == []
    assert processes_of(uid) == []
    for line in everything_noted(kept):
        assert f" uid={uid} euid={uid}" in line, line


def everything_noted(kept: Path) -> list[str]:
    return [line for folder in ("tests", "hidden-app", "load-app") for line in notes(kept, folder)]


# --- the routes -------------------------------------------------------------------------------


def test_an_editable_dependency_is_refused_before_uv_could_build_it(
    baseline, tmp_path, outside, kept
):
    report = grade(build(tmp_path, "installs_an_editable_folder", outside))

    install = report.stage("install")
    assert install.status == "failed"
    assert "requirements.txt:1: `-e ./payload` is refused: editable" in install.message
    assert report.score <= baseline.score
    assert_contained(report, outside, kept)


def test_find_links_to_the_repositorys_own_wheels_is_refused(baseline, tmp_path, outside, kept):
    report = grade(build(tmp_path, "installs_from_its_own_wheels", outside))

    assert "requirements.txt:1: `--find-links wheels` is refused" in report.stage("install").message
    assert report.score <= baseline.score
    assert_contained(report, outside, kept)


def test_a_requirements_include_of_a_root_only_file_is_refused_unread(
    baseline, tmp_path, outside, kept
):
    secret = tmp_path / "root-only" / "token.txt"
    secret.parent.mkdir(mode=0o700)
    secret.write_text("classroom-secret-4f1e9a root-only line\n")
    secret.chmod(0o600)
    folder = build(tmp_path, None, outside, **{"requirements.txt": f"-r {secret}\n"})

    report = grade(folder)

    assert "a requirements file cannot include another" in report.stage("install").message
    assert "classroom-secret-4f1e9a" not in report.model_dump_json()
    assert report.score <= baseline.score
    assert_contained(report, outside, kept)


def test_a_pth_file_in_a_wheel_runs_only_as_the_gradings_own_uid(
    baseline, tmp_path, outside, kept, wheels, monkeypatch
):
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    pin = "classroom-witness-pth==1.0.0\n"
    folder = build(tmp_path, None, outside, **{"requirements.txt": pin})

    report = grade(folder)

    assert scores(report) == scores(baseline)
    ran = notes(kept, "tests") + notes(kept, "hidden-app") + notes(kept, "load-app")
    assert any(line.startswith("pth ") for line in notes(kept, "tests")), "tests: never ran"
    assert any(line.startswith("pth ") for line in notes(kept, "hidden-app")), "service: never"
    assert ran and all(" uid=0 " not in line for line in ran)
    # Nor at install: uv compiles the environment's bytecode without starting its `site` (the
    # payload would note it in the install stage's folder, as root).
    everywhere = [
        line for path in kept.rglob("witness.txt") for line in path.read_text().split("\n")
    ]
    assert all(" uid=0 " not in line for line in everywhere)
    assert report.tool_versions["python (submission)"].startswith("3.")
    assert_contained(report, outside, kept)  # mypy and the version probe never ran it as root


@pytest.mark.usefixtures("grading_runs")
def test_compiling_a_reused_environment_runs_none_of_its_pth_files(tmp_path, wheels, monkeypatch):
    """An environment is compiled to bytecode when first reused, by the grader, as root: the
    compile must not start the environment's `site`, which would run a wheel's `.pth`."""
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(tmp_path / "cache"))  # built here, then reused
    folder = tmp_path / "pins"
    folder.mkdir()
    (folder / "requirements.txt").write_text("classroom-witness-pth==1.0.0\n")
    work = tmp_path / "work"
    work.mkdir()
    ctx = StageContext(load_assignment(NOTES_ASSIGNMENT), folder, work, None, None)
    extra = ctx.assignment.spec.stages.install.extra_requirements
    built, _ = ensure_environment(ctx, extra)
    assert not built.reused and not list(built.root.rglob("classroom_witness_pth*.pyc"))
    again, how = ensure_environment(ctx, extra)

    assert again.reused and how == "reused the cached environment"
    assert list(again.root.glob("lib/python*/site-packages/__pycache__/classroom_witness_pth*.pyc"))
    assert not list(tmp_path.rglob("witness.txt")), "the .pth ran while compiling"
    assert ensure_environment(ctx, extra)[1] == "reused the cached environment"  # digest kept


def test_a_pytest_module_at_the_root_never_shadows_pytest(baseline, tmp_path, outside, kept):
    report = grade(build(tmp_path, "shadows_pytest", outside))

    # The file itself is the learner's code for lint and types (mypy then reads it as pytest).
    assert scores(report, *RUN_STAGES) == scores(baseline, *RUN_STAGES)
    assert not [line for line in notes(kept, "tests") if line.startswith("pytest-shadow")]
    assert_contained(report, outside, kept)


def test_a_dot_pytest_toml_cannot_deselect_a_failing_test(baseline, tmp_path, outside, kept):
    report = grade(build(tmp_path, "configures_pytest_itself", outside))

    assert scores(report) == scores(baseline)
    assert_contained(report, outside, kept)


def test_a_pytest_plugin_from_the_index_stays_inert(
    baseline, tmp_path, outside, kept, wheels, monkeypatch
):
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    pin = "classroom-witness-plugin==1.0.0\n"

    report = grade(build(tmp_path, None, outside, **{"requirements.txt": pin}))

    assert report.stage("install").status == "passed"
    assert scores(report) == scores(baseline)
    assert_contained(report, outside, kept)


def test_file_wide_suppressions_hide_nothing_and_each_costs_a_finding(
    baseline, tmp_path, outside, kept
):
    folder = build(tmp_path, None, outside)
    main = folder / "app" / "main.py"
    main.write_text("# ruff: noqa\n# mypy: ignore-errors\n" + main.read_text())
    (folder / "app" / "witness.py").write_text(
        "# type: ignore\n" + (folder / "app" / "witness.py").read_text()
    )

    report = grade(folder)

    for stage, rule, extra in (("lint", "file-wide-noqa", 1), ("types", "file-wide-ignore", 2)):
        before = {f.rule for f in baseline.stage(stage).findings}
        after = [f.rule for f in report.stage(stage).findings]
        assert before <= set(after), f"{stage}: a finding was hidden"
        assert after.count(rule) == extra
        assert report.stage(stage).score == baseline.stage(stage).score - 2 * extra
    assert_contained(report, outside, kept)


def test_a_file_that_does_not_parse_hides_no_other_finding_and_costs_the_stage(
    baseline, tmp_path, outside, kept
):
    report = grade(build(tmp_path, "breaks_syntax_to_hide_findings", outside))

    for stage in ("lint", "types"):
        before = {(f.file, f.rule) for f in baseline.stage(stage).findings}
        after = {(f.file, f.rule) for f in report.stage(stage).findings}
        assert before <= after, f"{stage}: the broken file hid other findings"
        assert ("app/draft.py", "syntax") in after
        assert report.stage(stage).score == 0
    assert_contained(report, outside, kept)


def test_canned_answers_for_a_load_test_client_earn_nothing(tmp_path, outside, kept):
    report = grade(build(tmp_path, "answers_the_load_test_with_canned_responses", outside))

    load = report.stage("load")
    assert (load.status, load.score) == ("failed", 0)
    assert load.checks[0].missed == ["p50"]  # it was timed as every other client is served
    assert_contained(report, outside, kept)


# In make test's serial lane, at normal priority: the wrong answers show only once a simulated
# user has written a note and listed the notes, and beside the niced lane's load a 2 s run made
# too few requests for that twice in stop 32 (once it passed the stage, once it named no reason).
@pytest.mark.load_lane
def test_fast_wrong_answers_fail_the_load_goals(tmp_path, outside, kept):
    report = grade(build(tmp_path, "answers_fast_and_wrong", outside))

    load = report.stage("load")
    assert (load.status, load.score) == ("failed", 0)
    listed = next(e for e in load.load.endpoints if e.endpoint == "GET /notes")
    assert listed.failures > 0
    # The report says what was wrong, in the locustfile's words (the feedback lists them).
    said = {(f.endpoint, f.error) for f in load.load.failures}
    assert ("GET /notes", "a note this client wrote is missing from the list") in said, said
    assert_contained(report, outside, kept)


@pytest.fixture
def listener() -> Iterator[tuple[str, int, list[str]]]:
    """A TCP listener on every address of the host; what connects to it is recorded."""
    with connections_to("0.0.0.0") as (port, seen):  # the test's own bait
        yield _host_address(), port, seen


def _host_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks a source
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def test_the_service_and_the_tests_reach_nothing_but_their_own_loopback(
    baseline, tmp_path, outside, kept, listener
):
    address, port, seen = listener
    folder = build(
        tmp_path, "reaches_out_from_its_service", outside, **{"listener.txt": f"{address}:{port}"}
    )

    report = grade(folder)

    assert seen == [], "a contained process reached the host's listener"
    attempts = [line for f in ("tests", "hidden-app", "load-app") for line in notes(kept, f)]
    assert len([a for a in attempts if a.startswith("network ")]) >= 3, attempts
    assert not [a for a in attempts if "connected" in a or "dns=resolved" in a], attempts
    assert report.containment.network == "none"
    assert scores(report) == scores(baseline)
    assert_contained(report, outside, kept)


def test_hidden_tests_and_grader_files_stay_out_of_reach_and_out_of_the_report(
    baseline, tmp_path, outside, kept
):
    targets = [
        HIDDEN,
        NOTES_ASSIGNMENT,
        Path(graders.__file__).parent,
        ROOT / "templates" / "tasks-api" / "hidden_tests",
        ROOT / "templates" / "tasks-api" / "solution",
        outside,
    ]
    folder = build(
        tmp_path,
        "reads_grader_files",
        outside,
        **{"grader_paths.txt": "\n".join(str(t) for t in targets)},
    )

    report = grade(folder)

    hunts = [line for f in ("tests", "hidden-app", "load-app") for line in notes(kept, f)]
    assert len(hunts) >= 3 and all("found=0" in line for line in hunts), hunts
    text = report.model_dump_json()
    for hidden_file in HIDDEN.glob("*.py"):
        for line in hidden_file.read_text().splitlines():
            if len(line.strip()) > 25:
                assert line.strip() not in text
    assert scores(report) == scores(baseline)
    assert_contained(report, outside, kept)


def test_a_daemon_that_ignores_sigterm_does_not_outlive_its_grading(
    baseline, tmp_path, outside, kept
):
    report = grade(build(tmp_path, "leaves_a_daemon_behind", outside))

    daemons = [line for f in ("tests", "hidden-app", "load-app") for line in notes(kept, f)]
    assert [d for d in daemons if d.startswith("daemon")], "the payload never daemonised"
    assert scores(report, "tests", "hidden", "lint", "types") == scores(
        baseline, "tests", "hidden", "lint", "types"
    )
    assert_contained(report, outside, kept)  # among others: no process of its uid is left


# --- one grading cannot reach another ---------------------------------------------------------


def _grade_in_a_process(folder: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "classroom.cli", "grade", str(folder), "--official"]
    argv += ["--assignment", str(NOTES_ASSIGNMENT), "--hidden-tests", str(HIDDEN)]
    return subprocess.Popen([*argv, "--out", str(out)], env=env, stdout=subprocess.DEVNULL)


# Expects the notes service's load marks three times alike, and full (its goal judged on its own,
# no reference): make test runs it in the serial lane with the load goals, where no other grading
# shares the cores.
@pytest.mark.load_goals
def test_a_hostile_grading_cannot_change_another_learners_grade(
    tmp_path, outside, kept, wheels, monkeypatch
):
    """A plants code for whoever comes next, while B (honest, same dependencies) is graded
    at the same time and again after it: B's grade is B's grade on a clean machine."""
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    pin = {"requirements.txt": "classroom-witness-pth==1.0.0\n"}
    hostile = build(tmp_path / "a", "plants_code_for_the_next_learner", outside, **pin)
    honest = tmp_path / "b"
    shutil.copytree(SUBMISSIONS / "passes_all", honest)
    (honest / "requirements.txt").write_text(pin["requirements.txt"])
    env = dict(os.environ)

    together = [
        _grade_in_a_process(hostile, tmp_path / "out-a", env),
        _grade_in_a_process(honest, tmp_path / "out-b", env),
    ]
    assert [p.wait(timeout=300) for p in together] == [0, 0]
    after = grade(honest)
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(tmp_path / "clean-cache"))
    clean = grade(honest)

    side_by_side = GradeReport.model_validate_json((tmp_path / "out-b/results.json").read_text())
    assert scores(side_by_side) == scores(clean) == scores(after)
    assert clean.score == 100
    assert "reused the cached environment" in after.stage("install").message
    planted = [line for line in notes(kept, "tests") if line.startswith("plant")]
    assert planted, "the hostile payload never ran"
    assert all("=True" not in line for line in planted), planted
    assert all("signalable=1 " in line + " " for line in planted), planted  # itself alone
    assert sorted(p.name for p in outside.iterdir()) == []


def with_a_reference(root: Path) -> Path:
    """The notes assignment with `passes_all` as its reference solution, beside hidden_tests/."""
    assignment = root / "notes-with-reference"
    shutil.copytree(NOTES_ASSIGNMENT, assignment)
    shutil.copytree(SUBMISSIONS / "passes_all", assignment / "solution")
    spec = assignment / "assignment.toml"  # rounds of 4 s, S R R S: its payload runs again
    text = spec.read_text().replace("duration_seconds = 2", "duration_seconds = 8")
    spec.write_text(text + "\n[stages.load.reference]\nrounds = 2\n")
    return assignment


def ticks_gap(kept: Path) -> float:
    """The longest pause between two timestamps the service's own thread wrote (seconds)."""
    (ticks,) = kept.glob("classroom-grade-*/load-app/ticks.txt")
    stamps = [float(line) for line in ticks.read_text().split()]
    return max(b - a for a, b in itertools.pairwise(stamps))


def test_a_service_cannot_find_stop_or_starve_the_reference_it_is_judged_against(
    tmp_path, outside, kept
):
    assignment = with_a_reference(tmp_path)
    folder = build(tmp_path, "games_the_reference", outside)

    report = grade_submission(
        load_assignment(assignment), folder, hidden_tests=assignment / "hidden_tests",
        skip=frozenset({"tests", "hidden", "lint", "types"}),
        submission_info=Submission(path=str(folder)), official=True,
    )  # fmt: skip

    load = report.stage("load").load
    assert load is not None and load.judging == "reference"
    noted = notes(kept, "load-app")
    scans = [line for line in noted if line.startswith("reference-scan ")]
    assert scans and all(line.endswith(" found=none") for line in scans), scans
    signals = [line for line in noted if line.startswith("reference-signals ")]
    assert signals and all(line.endswith(" seen=0") for line in signals), signals
    theirs = [r for r in load.rounds if r.service == "reference"]
    assert theirs and all(
        e.requests > 0 and e.failures == 0 for r in theirs for e in r.endpoints
    ), "the reference was disturbed"
    # Paused while the reference was measured: its own clock thread could not write a tick
    # for at least as long as Locust ran against the reference (a pause, not a latency:
    # noise can only lengthen it).
    assert ticks_gap(kept) >= round_seconds(8, 2)
    assert_contained(report, outside, kept)
