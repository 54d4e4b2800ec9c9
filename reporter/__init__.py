"""The reporter: the grading workflow's report job, installed on its own.

It reads a grade artifact (results.json, validated through the grader's `GradeReport`) and
posts it: the sticky pull-request comment, the `classroom/grade` check run with its
annotations, the milestone issues. It never runs learner code, and it needs only PyGithub,
pydantic and jinja2 (`pip install ./reporter` brings those, this package and the source of
`graders` and `basis`, whose report model and feedback renderer it imports; none of the
grading tools).

Layering: it imports `basis` and the grader's report model and feedback renderer, never the
orchestrator or the sandbox; it talks to GitHub only through `reporter.gateway`. The
orchestrator imports from it what both sides share: the records, the sticky comment's stamp,
the results channel, the deadline notice and the milestone issues.
"""
