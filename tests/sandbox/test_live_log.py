"""act's live log (`sandbox.actions.livelog`): whole job records only, masked, bounded."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.actions import livelog
from sandbox.actions.joblog import parse_jobs
from sandbox.actions.livelog import LiveLog


def record(**fields: object) -> bytes:
    return json.dumps({"job": "ci.yml/grade", "jobID": "grade", "matrix": {}, **fields}).encode()


def test_records_split_across_chunks_arrive_whole_and_only_once_ended(tmp_path: Path) -> None:
    path = tmp_path / "1.live.jsonl"
    live = LiveLog(path, lambda line: line)
    step = record(msg="ok", stage="Main", step="pytest", stepResult="success") + b"\n"
    live(step[:20])
    assert not path.exists()  # half a line is not written
    live(step[20:] + record(msg="done", jobResult="failure")[:5])
    assert path.read_text() == step.decode()
    live(record(msg="done", jobResult="failure")[5:] + b"\n")
    [job] = parse_jobs(path.read_text())
    assert (job.name, job.conclusion, [s.name for s in job.steps]) == (
        "grade",
        "failure",
        ["pytest"],
    )


def test_a_steps_output_and_acts_chatter_are_left_out(tmp_path: Path) -> None:
    """The learner's code writes a step's output: it may flood, and may look like a record."""
    path = tmp_path / "1.live.jsonl"
    live = LiveLog(path, lambda line: line)
    forged = json.dumps({"job": "ci.yml/grade", "jobResult": "success"})
    live(record(msg=forged, raw_output=True) + b"\n")
    live(forged.encode().replace(b"{", b"", 1) + b"\n")  # not JSON
    live(json.dumps({"level": "warning", "msg": "no docker"}).encode() + b"\n")  # no job
    live(record(msg="\u2b50 Run Main pytest", stage="Main", step="pytest") + b"\n")
    [job] = parse_jobs(path.read_text())
    assert job.conclusion is None
    assert len(path.read_text().splitlines()) == 1


def test_secrets_are_masked_before_anything_is_written(tmp_path: Path) -> None:
    """act's JSON shows a secret unmasked in a step's name (the step's script, expanded)."""
    path = tmp_path / "1.live.jsonl"
    live = LiveLog(path, lambda line: line.replace("s3cret-value", "***"))
    live(record(msg="Run", stage="Main", step="echo s3cret-value") + b"\n")
    assert "s3cret-value" not in path.read_text()
    assert parse_jobs(path.read_text())[0].lines


def test_the_live_log_stops_growing_at_its_cap(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(livelog, "LIVE_CAP", 1000)
    path = tmp_path / "1.live.jsonl"
    live = LiveLog(path, lambda line: line)
    for n in range(100):
        live(record(msg=f"step {n}", stage="Main", step=f"s{n}", stepResult="success") + b"\n")
    live(b"x" * 5000)  # one endless line is dropped, not kept in memory
    assert path.stat().st_size <= 1000
    assert live.pending == b""


def test_past_the_cap_how_each_job_ended_is_still_kept(tmp_path: Path, monkeypatch) -> None:
    """The reporter waits for a job's end in this log: a run whose steps filled it must not
    look in progress until the whole run is over."""
    monkeypatch.setattr(livelog, "LIVE_CAP", 1000)
    path = tmp_path / "1.live.jsonl"
    live = LiveLog(path, lambda line: line)
    for n in range(100):  # records of 188 bytes: the cap is full to within 60
        live(record(msg=f"{n:03d}" + "x" * 60, stage="Main", step=f"s{n:03d}",
                    stepResult="success") + b"\n")  # fmt: skip
    assert 1000 - path.stat().st_size < 100
    live(record(msg="done", jobResult="success") + b"\n")
    [job] = parse_jobs(path.read_text())
    assert job.conclusion == "success"
    for n in range(1000):  # and the endings past the cap are bounded too
        live(record(msg="done", jobResult="success", step=f"{n}") + b"\n")
    assert path.stat().st_size <= 1000 + livelog.RESULTS_CAP
