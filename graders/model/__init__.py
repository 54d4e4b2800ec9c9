"""The grader's model: the typed assignment spec, the grade report, and the pure
computations on them (scores, load figures, milestones). Imports nothing that runs anything."""
