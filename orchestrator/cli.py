"""The `orchestrator` command group (filled in by its own issue)."""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this group's subcommands on the top-level parser."""
