"""The shape of the project's own grading setup runs in the sandbox: a learner workflow calls
a reusable workflow pinned to a tag of a public grader repo; actions are pinned by commit SHA;
`permissions: {}` with per-job grants; results travel as an artifact to a report job that
posts a check run and a comment with GITHUB_TOKEN."""

from __future__ import annotations

import pytest

from sandbox.seeding import seed
from tests.sandbox.gitcli import clone_url, commit_file, git

CHECKOUT = "actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2"
SETUP_PYTHON = "actions/setup-python@a309ff8b426b58ec0e2a45f0f869d46889d02405 # v6"
UPLOAD = "actions/upload-artifact@b7c566a772e6b6bfb58ed0dc250532a479d7789f # v6.0.0"
DOWNLOAD = "actions/download-artifact@37930b1c2abaa49bbe596cd826c3c89aef350131 # v7.0.0"

GRADE = f"""\
name: Grade
on:
  workflow_call:
    inputs:
      grader-repository: {{type: string, required: true}}
      grader-ref: {{type: string, required: true}}
permissions: {{}}
jobs:
  grade:
    name: Grade the submission
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: {CHECKOUT}
        with:
          path: submission
          persist-credentials: false
      - uses: {CHECKOUT}
        with:
          repository: ${{{{ inputs.grader-repository }}}}
          ref: ${{{{ inputs.grader-ref }}}}
          path: grader
          persist-credentials: false
      - uses: {SETUP_PYTHON}
        with:
          python-version: "3.11"
      - run: |
          mkdir grade-out
          python grader/grade.py submission > grade-out/score.txt
          echo "### score $(cat grade-out/score.txt)" >> "$GITHUB_STEP_SUMMARY"
      - if: always()
        uses: {UPLOAD}
        with:
          name: grade-results
          path: grade-out/
  report:
    name: Report the grade
    needs: grade
    if: always()
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
      checks: write
    steps:
      - uses: {DOWNLOAD}
        with:
          name: grade-results
          path: grade-out
      - uses: {CHECKOUT}
        with:
          repository: ${{{{ inputs.grader-repository }}}}
          ref: ${{{{ inputs.grader-ref }}}}
          path: grader
          persist-credentials: false
      - env:
          GITHUB_TOKEN: ${{{{ github.token }}}}
          PULL_REQUEST: ${{{{ github.event.pull_request.number }}}}
        run: python grader/report.py grade-out/score.txt
"""

GRADER_PY = """\
import pathlib, sys
print(len(list(pathlib.Path(sys.argv[1]).glob("*.py"))))
"""

REPORT_PY = """\
import json, os, sys, urllib.request

def post(path, body):
    request = urllib.request.Request(
        f"{os.environ['GITHUB_API_URL']}/repos/{os.environ['GITHUB_REPOSITORY']}/{path}",
        data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"})
    return urllib.request.urlopen(request, timeout=10).status

score = open(sys.argv[1]).read().strip()
print(post("check-runs", {"name": "grade", "head_sha": os.environ["GITHUB_SHA"],
                          "conclusion": "success", "output": {"title": f"{score} files",
                                                              "summary": "graded"}}))
print(post(f"issues/{os.environ['PULL_REQUEST']}/comments", {"body": f"score: {score}"}))
"""

CALLER = """\
name: classroom
on:
  pull_request:
jobs:
  grade:
    permissions:  # a called workflow can only narrow what its caller grants
      contents: read
      pull-requests: write
      checks: write
    uses: school/grader/.github/workflows/grade.yml@v1
    with:
      grader-repository: school/grader
      grader-ref: v1
"""


@pytest.mark.slow
def test_learner_repo_graded_by_the_pinned_reusable_workflow(running_actions, tmp_path):
    school = seed(running_actions.sandbox, "school", 1, running_actions.url)
    gh = running_actions.github(school.instructor.token)
    org = gh.get_organization("school")
    grader = org.create_repo("grader", private=False, auto_init=True)
    grader.create_file(".github/workflows/grade.yml", "grade", GRADE)
    grader.create_file("grade.py", "grade", GRADER_PY)
    grader.create_file("report.py", "report", REPORT_PY)
    grader.create_git_ref("refs/tags/v1", grader.get_branch("main").commit.sha)
    hw = org.create_repo("hw", private=True, auto_init=True)
    hw.create_file(".github/workflows/classroom.yml", "caller", CALLER)

    work = tmp_path / "hw"
    git(
        "clone",
        "-q",
        clone_url(running_actions.url, "school/hw", school.instructor.token),
        str(work),
    )
    git("checkout", "-q", "-b", "solution", cwd=work)
    commit_file(work, "a.py", "a = 1\n", "a")
    commit_file(work, "b.py", "b = 2\n", "b")
    git("push", "-q", "origin", "solution", cwd=work)
    pr = hw.create_pull(title="solution", body="", head="solution", base="main")
    assert running_actions.sandbox.runner.wait_idle(90)

    run = next(iter(hw.get_workflow_runs()))
    log = (running_actions.sandbox.config.logs_dir / f"{run.id}.log").read_text()
    assert run.conclusion == "success", log
    assert [c.body for c in hw.get_issue(pr.number).get_comments()] == ["score: 2"]
    merge_sha = hw.get_git_ref(f"pull/{pr.number}/merge").object.sha
    checks = {
        (c.name, c.conclusion, c.output.title) for c in hw.get_commit(merge_sha).get_check_runs()
    }
    assert ("grade", "success", "2 files") in checks
    jobs = {(c.name, c.conclusion) for c in hw.get_commit(pr.head.sha).get_check_runs()}
    assert jobs == {
        ("grade", "success"),
        ("grade / Grade the submission", "success"),
        ("grade / Report the grade", "success"),
    }
