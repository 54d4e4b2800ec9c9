"""`[app.upstreams]`: the learner's code reaches the upstream, and nothing else of it.

Real parts: jobs-pipeline's Ledgerly (upstreams/ledger.py) started by the grader in a fresh
network namespace, and a contained process in that namespace, as the learner's service runs
(a leased uid, a private filesystem and pid namespace), that tries everything a learner who
wants the checks to pass without the work would try: script Ledgerly, read its record, find
its process to signal it, and take its port to answer in its place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graders.model.assignment import Upstream
from graders.running.containment import detect
from graders.running.health_probe import probe
from graders.running.isolation import lease_uid, service_network
from graders.running.process import Limits, Untrusted, clean_env, run_cmd
from graders.running.upstreams import UpstreamDidNotStart, running_upstreams
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
JOBS = ROOT / "templates" / "jobs-pipeline"
LEDGER = {"ledger": Upstream(script="upstreams/ledger.py")}

# Run as the learner would run it, inside the service's namespace; prints what it achieved.
HOSTILE = """
import errno, json, os, signal, socket, sys, urllib.error, urllib.request
url = sys.argv[1]
port = int(url.rsplit(":", 1)[1])
seen = {}
def status(request):
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
seen["health"] = status(url + "/health")
seen["script"] = status(urllib.request.Request(
    url + "/_script", data=b'{"account": "a", "fail": 0}', method="POST",
    headers={"Authorization": "Bearer guessed", "Content-Type": "application/json"}))
seen["record"] = status(url + "/_calls?account=a")
seen["processes"] = sorted(
    open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace").replace("\\0", " ")
    for pid in os.listdir("/proc") if pid.isdigit()
)
visible = {int(pid) for pid in os.listdir("/proc") if pid.isdigit()}
killed = []
for pid in set(range(2, 65536)) - visible:  # blind: every pid this namespace does not show
    try:
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    except OSError:
        pass
seen["killed_outside"] = killed
try:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
    seen["bind"] = "bound"
except OSError as exc:
    seen["bind"] = errno.errorcode[exc.errno]
print(json.dumps(seen))
"""


def test_the_learners_code_can_call_the_upstream_and_do_nothing_else_to_it(tmp_path: Path) -> None:
    caps = detect()
    if not caps.private_network or not caps.private_filesystem:
        pytest.skip(f"needs full containment: {caps.missing()}")
    with service_network(caps) as netns, running_upstreams(LEDGER, JOBS, netns, tmp_path) as up:
        url = up.urls["ledger"]
        lease = lease_uid()
        try:
            outcome = run_cmd(
                ["/usr/bin/python3", "-I", "-c", HOSTILE, url],
                cwd=Path("/"),
                env=clean_env(),
                limits=Limits(timeout_seconds=60),
                untrusted=Untrusted(uid=lease.uid, netns=netns),
            )
        finally:
            lease.release()
        assert outcome.ok, outcome.output
        seen = json.loads(outcome.output.strip().splitlines()[-1])
        assert seen["health"] == 200
        assert (seen["script"], seen["record"]) == (403, 403)
        assert not any("ledger" in line for line in seen["processes"]), seen["processes"]
        assert seen["killed_outside"] == [], seen
        assert seen["bind"] == "EADDRINUSE"
        # The upstream lives on, and its record holds nothing the learner's side asked for.
        assert probe(url + "/health", netns, budget=5) == "HTTP 200"
        assert up.access()["CLASSROOM_UPSTREAM_LEDGER_URL"] == url
        assert up.access()["CLASSROOM_UPSTREAM_TOKEN"] == up.token and len(up.token) >= 24


def test_an_upstream_that_does_not_start_names_its_script(tmp_path: Path) -> None:
    folder = tmp_path / "assignment"
    (folder / "upstreams").mkdir(parents=True)
    (folder / "upstreams" / "broken.py").write_text("raise SystemExit('no PORT for me')\n")
    broken = {"broken": Upstream(script="upstreams/broken.py")}
    with (
        pytest.raises(UpstreamDidNotStart) as caught,
        service_network(detect()) as netns,
        running_upstreams(broken, folder, netns, tmp_path),
    ):
        pass
    message = str(caught.value)
    assert "the assignment's upstream `broken` (upstreams/broken.py)" in message
    assert "no PORT for me" in message
