"""The official grade of a class: the course repository's workflow and `classroom official`.

Four jobs of `.github/workflows/official.yml` (the course repository), each a subcommand of
`classroom official-job`, and the same four in a row on the instructor's machine
(`classroom official SLUG --local`):

- `plan` (`planning`): which learners, which commit of each, which grader commit; chunks
  of learners for the grade jobs (`chunking`), a `RunPlan` handed on as an artifact;
- `fetch` (`fetch`): the chosen commits, the grader and the hidden tests as plain trees in
  tar files (no hooks, no submodules, no LFS: nothing of the learner's runs);
- `grade` (`grade_chunk`): `classroom grade --official` for each learner of one chunk, as
  root, fully contained, in a job that holds no secret;
- `record` (`record`): validated reports become the store's lines (one commit per run),
  each learner's official grade is posted on their assignment issue (`comment`), the
  summary is written and the dashboard rebuilt.

`model` holds the JSON handed between jobs; `schedule` turns deadlines into crons and a
fired cron back into the assignments due; `publishing` makes the record job's writes (one
commit of grades, the comments, the dashboard), or the same on the instructor's machine for
`local`. GitHub is reached only through the gateway (and git with the gateway's auth);
`grade_chunk` needs nothing but the grader's own dependencies (the grade job installs the
grader alone). The commands are `orchestrator.commands.official` (dispatch and follow) and
`orchestrator.commands.official_job` (the jobs).
"""
