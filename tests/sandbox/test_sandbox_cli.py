"""`classroom sandbox seed` and `classroom sandbox serve` from the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import httpx
import pytest

from classroom.cli import main
from sandbox.server import free_port


def test_seed_prints_accounts_with_tokens_and_is_idempotent(tmp_path, capsys):
    args = ["sandbox", "seed", "--org", "cs101", "--learners", "2", "--data", str(tmp_path)]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["org"] == "cs101" and first["api_url"] == "http://127.0.0.1:8765"
    assert [p["login"] for p in first["learners"]] == ["cs101-learner-1", "cs101-learner-2"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first


def test_bad_switch_is_exit_2_with_the_fix(tmp_path, capsys):
    code = main(["sandbox", "serve", "--data", str(tmp_path), "--faults", "5xx=often"])
    assert code == 2
    assert "5xx=0.05" in capsys.readouterr().err


@pytest.mark.heavy  # a sandbox server in a process of its own
def test_serve_answers_seeded_tokens_then_stops_on_sigterm(tmp_path):
    port = free_port()
    data = str(tmp_path / "data")
    seeded = subprocess.run(
        [
            sys.executable,
            "-m",
            "classroom.cli",
            "sandbox",
            "seed",
            "--org",
            "o",
            "--learners",
            "1",
            "--data",
            data,
            "--port",
            str(port),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = json.loads(seeded.stdout)["instructor"]["token"]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "classroom.cli",
            "sandbox",
            "serve",
            "--data",
            data,
            "--port",
            str(port),
            "--no-actions",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        login = None
        for _ in range(100):
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/user",
                    headers={"Authorization": f"token {token}"},
                    timeout=2,
                )
                login = response.json()["login"]
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert login == "o-instructor"
    finally:
        server.terminate()
        server.wait(timeout=15)
    # uvicorn shuts down cleanly and re-raises the signal it caught, which classroom.cli turns
    # into the same unwinding as Ctrl-C (the runner stops its act runs): 128 + SIGTERM
    assert server.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in server.stderr.read()
