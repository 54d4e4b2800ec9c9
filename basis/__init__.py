"""The base under graders, orchestrator and sandbox: the errors a command ends with, its exit
codes, and the one gateway for subprocesses.

It imports none of the three and nothing outside the standard library: the grader's report job
installs the grader with --no-deps, and this package must work there as it is.
"""
