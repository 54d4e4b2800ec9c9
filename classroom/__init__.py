"""The `classroom` command: composes the graders, orchestrator and sandbox command groups."""
