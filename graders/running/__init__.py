"""Running a grading: the engine, the contained processes and workspaces learner code runs
in, the databases it gets, the tools and pytest plugins the stages start."""
