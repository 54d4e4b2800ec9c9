"""Similar submissions: which learners' work is too alike to be their own (issue 17).

- `sources`: which files of a submission count, read from a folder or a `git archive` tar
  without extracting anything (learner code is data: never imported, run or checked out)
- `compare`: fingerprints (copydetect's winnowing) with the starter as boilerplate, every
  pair scored; pure
- `model`: the findings (`SimilarityRun`), JSON beside the report, read by the dashboard
- `report`: the HTML report with the matches side by side
"""
