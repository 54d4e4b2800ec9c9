"""Wheels made on the spot, for a package index the grader is pointed at (UV_FIND_LINKS).

A learner can publish any package to a public index and pin it; these stand in for such
packages: real wheels, installed by the real uv, whose code runs where Python runs.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

# Runs at every start of an interpreter that has it installed (a `.pth` line that imports).
PTH_PAYLOAD = '''
"""Notes who started an interpreter with this package installed, and where."""
import os
import sys
from pathlib import Path


def _note() -> None:
    line = f"pth {Path(sys.argv[0]).name if sys.argv and sys.argv[0] else 'python'} "
    line += f"uid={os.getuid()} euid={os.geteuid()}\\n"
    try:
        with (Path.cwd() / "witness.txt").open("a") as mine:
            mine.write(line)
    except OSError:
        pass
    try:
        outside = Path((Path.cwd() / "outside.txt").read_text().strip())
        with (outside / f"pth-{os.getpid()}.txt").open("a") as note:
            note.write(line)
    except OSError:
        pass


_note()
'''

# A pytest plugin that turns every failing test into a pass, loaded by its entry point.
PLUGIN_PAYLOAD = '''
"""Reports every failing test as passed."""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        report.outcome = "passed"
'''


def build_wheel(folder: Path, name: str, files: dict[str, str], entry_points: str = "") -> Path:
    """A pure-Python wheel of `name` 1.0.0 holding `files`, written into `folder`."""
    module = name.replace("-", "_")
    dist_info = f"{module}-1.0.0.dist-info"
    contents = dict(files)
    contents[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n"
    contents[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: classroom-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        contents[f"{dist_info}/entry_points.txt"] = entry_points
    record = [f"{path},{_hash(text)},{len(text.encode())}" for path, text in contents.items()]
    contents[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = folder / f"{module}-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in contents.items():
            archive.writestr(path, text)
    return wheel


def pth_wheel(folder: Path) -> Path:
    return build_wheel(
        folder,
        "classroom-witness-pth",
        {
            "classroom_witness_pth.py": PTH_PAYLOAD,
            "classroom_witness_pth.pth": "import classroom_witness_pth\n",
        },
    )


def plugin_wheel(folder: Path) -> Path:
    return build_wheel(
        folder,
        "classroom-witness-plugin",
        {"classroom_witness_plugin.py": PLUGIN_PAYLOAD},
        entry_points="[pytest11]\nwitness = classroom_witness_plugin\n",
    )


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
