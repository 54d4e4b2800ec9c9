"""Grading runs need a folder the sandbox uid can reach (shared with tests/graders)."""

from tests.graders.conftest import grading_runs

__all__ = ["grading_runs"]
