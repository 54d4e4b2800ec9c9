"""The grader's commands, one module each."""
