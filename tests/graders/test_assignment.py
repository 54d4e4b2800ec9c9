"""assignment.toml: valid specs load, broken ones name the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from basis.errors import UserError
from graders.model.assignment import load_assignment
from tests.conftest import NOTES_ASSIGNMENT

MINIMAL = """
slug = "demo"
title = "Demo"
[stages.tests]
points = 10
"""


def write(folder: Path, text: str) -> Path:
    (folder / "assignment.toml").write_text(text)
    return folder


def test_the_notes_fixture_loads_with_its_limits_and_stages():
    loaded = load_assignment(NOTES_ASSIGNMENT)
    assert loaded.spec.slug == "notes"
    assert loaded.spec.max_score == 100
    assert loaded.spec.limits_for("tests").timeout_seconds == 60
    assert loaded.spec.stages.load.slos[0].endpoint == "GET /notes"


def test_stage_limits_override_only_what_they_set(tmp_path):
    text = MINIMAL + "[stages.tests.limits]\ntimeout_seconds = 5\n[limits]\nmemory_mb = 300\n"
    spec = load_assignment(write(tmp_path, text)).spec
    limits = spec.limits_for("tests")
    assert (limits.timeout_seconds, limits.memory_mb) == (5, 300)


def test_a_missing_folder_says_which_folder_to_pass(tmp_path):
    with pytest.raises(UserError, match=r"no such assignment folder.*--assignment"):
        load_assignment(tmp_path / "nope")


def test_a_folder_without_the_file_points_at_an_example(tmp_path):
    with pytest.raises(UserError, match=r"assignment.toml: missing.*example"):
        load_assignment(tmp_path)


def test_broken_toml_names_the_file(tmp_path):
    with pytest.raises(UserError, match=r"assignment.toml: not valid TOML.*line 1"):
        load_assignment(write(tmp_path, "slug = \n"))


@pytest.mark.parametrize(
    ("text", "field", "fix"),
    [
        ('title = "x"\n[stages]\n', "slug", "required; add it"),
        (MINIMAL + "[stages.tests.weigths]\n", "stages.tests.weigths", "check its spelling"),
        (MINIMAL.replace("points = 10", "points = -1"), "stages.tests.points", "greater than"),
        (
            MINIMAL + '[stages.load]\npoints = 5\n[[stages.load.slos]]\nendpoint = "GET /"\n',
            "stages.load.slos.0",
            "needs at least one goal",
        ),
        (MINIMAL + "[stages.hidden]\npoints = 5\n", "(top level)", "add an [app] table"),
        (MINIMAL.replace('"demo"', '"Has Spaces"'), "slug", "should match pattern"),
    ],
)
def test_invalid_fields_are_named_with_a_fix(tmp_path, text, field, fix):
    with pytest.raises(UserError) as caught:
        load_assignment(write(tmp_path, text))
    message = str(caught.value)
    assert str(tmp_path / "assignment.toml") in message
    line = next(line for line in message.splitlines() if line.strip().startswith(field + ":"))
    assert fix in line


APP_WITH_LEDGER = (
    MINIMAL
    + """
[app]
start = "python -m app"
[app.env]
LEDGER_URL = "{upstream_ledger_url}"
"""
)


def test_an_upstream_placeholder_needs_its_upstream(tmp_path):
    with pytest.raises(UserError) as caught:
        load_assignment(write(tmp_path, APP_WITH_LEDGER))
    assert '`[app.upstreams.ledger]` with `script = "upstreams/ledger.py"`' in str(caught.value)


def test_an_upstreams_script_must_be_a_file_of_the_assignment(tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("print('not the assignment's')\n")
    folder = tmp_path / "assignment"
    folder.mkdir()
    for script in ("upstreams/ledger.py", "../elsewhere.py"):
        text = APP_WITH_LEDGER + f'[app.upstreams.ledger]\nscript = "{script}"\n'
        with pytest.raises(UserError) as caught:
            load_assignment(write(folder, text))
        assert f"app.upstreams.ledger.script: {script} is not a file of" in str(caught.value)
    (folder / "upstreams").mkdir()
    (folder / "upstreams" / "ledger.py").write_text("")
    text = APP_WITH_LEDGER + '[app.upstreams.ledger]\nscript = "upstreams/ledger.py"\n'
    spec = load_assignment(write(folder, text)).spec
    assert spec.app is not None and spec.app.upstreams["ledger"].script == "upstreams/ledger.py"
