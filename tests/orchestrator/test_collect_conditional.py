"""collect's conditional reads: the sandbox sends no ETag, so a stand-in at the HTTP seam does."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from rich.console import Console

from orchestrator.commands.collect import collect
from orchestrator.gateway import GitHub
from orchestrator.grades_store import load_store
from orchestrator.results_channel import CHECK_NAME, embed
from tests.orchestrator.conftest import make_course
from tests.orchestrator.test_collect_lock import report

ETAG = '"grades-v1"'


class ConditionalGitHub(BaseHTTPRequestHandler):
    """Answers /user, and the check runs of any repository with an ETag (304 when it matches)."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers.get("If-None-Match")))
        if self.path.startswith("/user"):
            return self._json({"login": "teacher"}, {})
        if self.headers.get("If-None-Match") == ETAG:
            self.send_response(304)
            self.send_header("ETag", ETAG)
            self.end_headers()
            return None
        run = {
            "id": 7,
            "name": CHECK_NAME,
            "head_sha": "b" * 40,
            "status": "completed",
            "conclusion": "success",
            "completed_at": "2030-01-02T03:04:05Z",
            "output": {"summary": "", "text": embed(report(40, commit="b" * 40))},
        }
        return self._json({"total_count": 1, "check_runs": [run]}, {"ETag": ETAG})

    def _json(self, body: object, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[str]:
    ConditionalGitHub.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ConditionalGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_an_unchanged_repository_is_asked_with_its_etag_and_not_reread(
    stand_in: str, tmp_path: Path
) -> None:
    course = make_course(tmp_path / "course", stand_in, ["ada", "bob"])
    console = Console(file=io.StringIO(), width=200)
    collect(course, GitHub(stand_in, "t0ken", backoff=0), "tasks-api", console=console)
    collect(course, GitHub(stand_in, "t0ken", backoff=0), "tasks-api", console=console)
    asked = [etag for path, etag in ConditionalGitHub.seen if "check-runs" in path]
    assert asked == [None, None, ETAG, ETAG]
    assert isinstance(console.file, io.StringIO)
    assert "(0 new, 2 unchanged" in console.file.getvalue()
    assert len(load_store(course.root)) == 2  # one grade per learner, stored once
    rows = (course.root / "grades-tasks-api.csv").read_text().splitlines()
    assert rows[1].split(",")[5] == "50"  # still there after the 304s
