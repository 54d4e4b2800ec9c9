"""Each job reads its own token (act gives a run one); a matrix instance has GitHub's name."""

from __future__ import annotations

import json

import yaml

from sandbox.actions.joblog import log_text, parse_jobs
from sandbox.actions.rewrite import MATRIX_ENV, rewrite, token_inputs_of

WORKFLOW = """\
on: workflow_dispatch
jobs:
  grade:
    permissions: {}
    strategy: {matrix: {chunk: ["0", "1"]}}
    steps:
      - run: echo "github.token stays text here" ${{ github.token }}
      - if: secrets.GITHUB_TOKEN != ''
        uses: actions/checkout@v5
  record:
    uses: school/shared/.github/workflows/record.yml@main
"""


def test_each_job_reads_its_own_secret_and_actions_get_it_as_their_default():
    result = rewrite(WORKFLOW, lambda uses: ["token"] if "checkout" in uses else [])
    assert result.jobs == {"grade": "SANDBOX_JOB_TOKEN_0"}
    doc = yaml.safe_load(result.text)
    steps = doc["jobs"]["grade"]["steps"]
    assert steps[0]["run"] == (
        'echo "github.token stays text here" ${{ secrets.SANDBOX_JOB_TOKEN_0 }}'
    )
    assert steps[1]["if"] == "secrets.SANDBOX_JOB_TOKEN_0 != ''"
    assert steps[1]["with"] == {"token": "${{ secrets.SANDBOX_JOB_TOKEN_0 }}"}
    assert doc["jobs"]["grade"]["env"] == {MATRIX_ENV: "${{ toJSON(matrix) }}"}
    assert doc["jobs"]["record"] == {"uses": "school/shared/.github/workflows/record.yml@main"}
    assert "'on': workflow_dispatch" in result.text  # not `true:`, as a YAML 1.1 dump would


def test_token_inputs_are_those_defaulting_to_the_workflow_token():
    action = "inputs:\n  token: {default: '${{ github.token }}'}\n  path: {default: ''}\n"
    assert token_inputs_of(action) == ["token"]


def _line(job: str, job_id: str, matrix: dict, msg: str, **extra) -> str:
    return json.dumps({"job": job, "jobID": job_id, "matrix": matrix, "msg": msg, **extra})


def test_matrix_instances_get_githubs_names_and_their_own_result():
    log = "\n".join(
        [
            _line("wf/plan", "plan", {}, "🏁  Job succeeded", jobResult="success"),
            _line("wf/grade-2", "grade", {"chunk": "1"}, "x", stage="Main", stepResult="failure"),
            _line("wf/grade-1", "grade", {"chunk": "0"}, "out\n", raw_output=True),
            _line("wf/grade-2", "grade", {"chunk": "1"}, "🏁  Job failed", jobResult="failure"),
            _line("wf/grade-1", "grade", {"chunk": "0"}, "🏁  Job failed", jobResult="failure"),
        ]
    )
    jobs = parse_jobs(log, {})
    assert [(j.name, j.conclusion) for j in jobs] == [
        ("plan", "success"),
        ("grade (0)", "success"),  # act shares one result between instances
        ("grade (1)", "failure"),
    ]
    named = parse_jobs(log, {"grade": "Grade chunk"})
    assert [j.name for j in named][1:] == ["Grade chunk (0)", "Grade chunk (1)"]
    assert "[wf/grade-1]   | out" in log_text(log)


def test_a_lost_runner_note_fails_its_job():
    log = "\n".join(
        [
            _line("wf/grade", "grade", {}, "🏁  Job succeeded", jobResult="success"),
            json.dumps({"jobID": "grade", "matrix": {}, "lost": True, "msg": "lost"}),
        ]
    )
    [job] = parse_jobs(log, {})
    assert job.conclusion == "failure" and job.lines[-1] == "[wf/grade] lost"
