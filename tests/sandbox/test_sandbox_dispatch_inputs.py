"""workflow_dispatch inputs are checked against the workflow's declaration, as GitHub does."""

from __future__ import annotations

import httpx
import pytest

from sandbox.actions.inputs import InputError, declared, resolve

SPEC = declared(
    {
        "workflow_dispatch": {
            "inputs": {
                "assignment": {"required": True, "type": "choice", "options": ["hw1", "hw2"]},
                "reason": {"default": "scheduled"},
                "notify": {"type": "boolean", "default": False},
                "chunks": {"type": "number", "default": 4},
                "only": {"required": False},
            }
        }
    }
)


def test_defaults_fill_what_the_caller_left_out_as_strings():
    assert resolve(SPEC, {"assignment": "hw1"}) == {
        "assignment": "hw1",
        "reason": "scheduled",
        "notify": "false",
        "chunks": "4",
        "only": "",
    }
    assert resolve(SPEC, {"assignment": "hw2", "notify": True, "chunks": "8"})["notify"] == "true"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"assignment": "hw1", "extra": "x"}, 'Unexpected inputs provided: ["extra"]'),
        ({}, "Required input 'assignment' not provided"),
        (
            {"assignment": "hw9"},
            "Provided value 'hw9' for input 'assignment' not in the list of allowed values",
        ),
        (
            {"assignment": "hw1", "notify": "maybe"},
            "Provided value 'maybe' for input 'notify' is not a valid boolean",
        ),
        (
            {"assignment": "hw1", "chunks": "many"},
            "Provided value 'many' for input 'chunks' is not a valid number",
        ),
    ],
)
def test_bad_inputs_get_githubs_message(given, message):
    with pytest.raises(InputError) as exc:
        resolve(SPEC, given)
    assert str(exc.value) == message


WORKFLOW = """\
name: official
on:
  workflow_dispatch:
    inputs:
      assignment: {required: true}
jobs:
  a: {runs-on: ubuntu-latest, steps: [{run: "true"}]}
"""


def test_the_api_refuses_an_unknown_input_with_422(running, instructor):
    repo = instructor.get_organization("school").create_repo("course", auto_init=True)
    repo.create_file(".github/workflows/official.yml", "wf", WORKFLOW)
    answer = httpx.post(
        f"{running.url}/repos/school/course/actions/workflows/official.yml/dispatches",
        json={"ref": "main", "inputs": {"assignment": "hw1", "learners": "a"}},
        headers={"Authorization": f"token {repo._requester.auth.token}"},
    )
    assert answer.status_code == 422
    assert answer.json()["message"] == 'Unexpected inputs provided: ["learners"]'
    assert repo.get_workflow("official.yml").create_dispatch("main", {}) is False
