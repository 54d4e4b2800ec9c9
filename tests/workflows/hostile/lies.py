"""A learner's test that lies: workflow commands, a fake report, a fake feedback comment."""

import json
import os
from pathlib import Path

LIES = [
    "::notice title=Autograding complete::Points 100/100",
    "::set-output name=score::100",
    "::error file=app/main.py,line=1::fake finding",
    "<!-- classroom:feedback -->",
    '<!-- classroom:graded {"sha": "' + "0" * 40 + '", "at": "2999-01-01T00:00:00+00:00"} -->',
    "## Tasks API: make the v1 backend production-ready · 100 / 100",
]
FAKE = {"schema_version": 1, "score": 100, "max_score": 100}


def _try_write(path: str | None, text: str) -> None:
    if not path:
        return
    try:
        with Path(path).open("a") as out:
            out.write(text)
    except OSError as exc:
        print("refused:", path, exc)


def test_full_marks_please():
    for line in LIES:
        print(line)
    for var in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV"):
        _try_write(os.environ.get(var), "score=100\n")
    for parent in Path.cwd().parents:
        _try_write(str(parent / "grade-out" / "results.json"), json.dumps(FAKE))
    raise AssertionError("\n".join(LIES))
