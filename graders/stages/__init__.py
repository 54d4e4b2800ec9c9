"""Grading stages: each module exposes `run(ctx) -> StageResult` and never raises for a learner."""
